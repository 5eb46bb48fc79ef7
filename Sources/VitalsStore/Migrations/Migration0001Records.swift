import GRDB

extension Schema {
    static func registerRecords(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0001 workspaces and the canonical records") { db in
            try db.execute(sql: v1)
        }
    }

    private static let v1 = """
        CREATE TABLE workspace (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE CHECK (slug <> ''),
            name TEXT NOT NULL
        ) STRICT;

        CREATE TABLE fx_rate (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            date INTEGER NOT NULL,
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            rate REAL NOT NULL CHECK (rate > 0),
            UNIQUE (workspace_id, currency, date)
        ) STRICT;

        CREATE TABLE account (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL CHECK (external_id <> ''),
            name TEXT NOT NULL,
            created_at INTEGER,
            csm TEXT,
            industry TEXT,
            country TEXT,
            referred_by TEXT,
            -- Custom attributes (extra columns of accounts.csv) as a JSON object of strings.
            attributes TEXT NOT NULL DEFAULT '{}',
            UNIQUE (workspace_id, external_id)
        ) STRICT;

        CREATE TABLE subscription_version (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            subscription_id TEXT NOT NULL,
            product TEXT NOT NULL,
            plan TEXT,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            interval TEXT NOT NULL CHECK (interval IN ('day', 'week', 'month', 'year')),
            interval_count INTEGER NOT NULL CHECK (interval_count > 0),
            quantity INTEGER NOT NULL CHECK (quantity >= 0),
            discount_percent REAL NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
            discount_amount_minor INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL CHECK (status IN ('active', 'trialing', 'past_due', 'paused')),
            valid_from INTEGER NOT NULL,
            valid_to INTEGER CHECK (valid_to IS NULL OR valid_to > valid_from),
            -- A version of a subscription item (subscription, product) is known by when it starts.
            UNIQUE (workspace_id, subscription_id, product, valid_from)
        ) STRICT;
        CREATE INDEX subscription_version_account ON subscription_version(account_id);

        CREATE TABLE purchase_order (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            ordered_at INTEGER NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX purchase_order_account ON purchase_order(account_id);

        CREATE TABLE trial (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ends_at INTEGER NOT NULL,
            converted_at INTEGER,
            canceled_at INTEGER,
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX trial_account ON trial(account_id);

        CREATE TABLE acquisition_cost (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            period_start INTEGER NOT NULL,
            period_end INTEGER NOT NULL CHECK (period_end >= period_start),
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL CHECK (length(currency) = 3),
            channel TEXT NOT NULL DEFAULT '',
            UNIQUE (workspace_id, period_start, period_end, channel)
        ) STRICT;

        CREATE TABLE survey_response (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            survey TEXT NOT NULL CHECK (survey IN ('nps', 'csat', 'ces')),
            score REAL NOT NULL,
            scale_min REAL NOT NULL,
            scale_max REAL NOT NULL CHECK (scale_max > scale_min),
            responded_at INTEGER NOT NULL,
            contact TEXT,
            comment TEXT,
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX survey_response_account ON survey_response(account_id);

        CREATE TABLE ticket (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            opened_at INTEGER NOT NULL,
            resolved_at INTEGER,
            agent_replies INTEGER,
            reopens INTEGER,
            first_contact_resolution INTEGER CHECK (first_contact_resolution IN (0, 1)),
            channel TEXT,
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX ticket_account ON ticket(account_id);

        CREATE TABLE usage_event (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            event TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            duration_seconds REAL CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
            -- Extra columns or fields as a JSON object of strings, or NULL.
            properties TEXT,
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX usage_event_account_time ON usage_event(account_id, occurred_at);

        CREATE TABLE onboarding_milestone (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            milestone TEXT NOT NULL,
            required INTEGER NOT NULL CHECK (required IN (0, 1)),
            started_at INTEGER,
            due_at INTEGER,
            completed_at INTEGER,
            UNIQUE (account_id, milestone)
        ) STRICT;
        CREATE INDEX onboarding_milestone_workspace ON onboarding_milestone(workspace_id);

        CREATE TABLE lead (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
            external_id TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('referral', 'csql', 'upsell', 'cross_sell', 'marketing', 'other')),
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
            closed_at INTEGER,
            amount_minor INTEGER,
            currency TEXT CHECK (currency IS NULL OR length(currency) = 3),
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX lead_account ON lead(account_id);

        CREATE TABLE success_goal (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            external_id TEXT NOT NULL,
            name TEXT NOT NULL,
            target_date INTEGER,
            achieved_at INTEGER,
            UNIQUE (workspace_id, external_id)
        ) STRICT;
        CREATE INDEX success_goal_account ON success_goal(account_id);

        CREATE TABLE csm_pulse (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            recorded_at INTEGER NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            note TEXT,
            UNIQUE (account_id, recorded_at)
        ) STRICT;
        CREATE INDEX csm_pulse_workspace ON csm_pulse(workspace_id);
        """
}
