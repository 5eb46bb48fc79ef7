import GRDB

extension Schema {
    /// 0004: health history per account per day, alerts with their de-duplication state, webhook deliveries, the
    /// tasks playbooks create, and digests.
    ///
    /// An alert is *open* until its condition clears (`cleared_at`); the partial unique index keeps at most one open
    /// alert per (workspace, rule, subject), which is the fire-once rule in the schema itself.
    static func registerHealth(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0004 health, alerts and tasks") { db in
            try db.execute(sql: v4)
        }
    }

    private static let v4 = """
        CREATE TABLE health_score (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            -- The UTC day, in days since 1970-01-01: the score as of the end of the evaluation that wrote it.
            day INTEGER NOT NULL,
            score REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
            band TEXT NOT NULL CHECK (band IN ('red', 'yellow', 'green')),
            model TEXT NOT NULL,
            -- Component scores as a JSON object {component: score}; components without data are absent.
            components TEXT NOT NULL DEFAULT '{}',
            mrr_minor INTEGER NOT NULL,
            UNIQUE (account_id, day)
        ) STRICT;
        CREATE INDEX health_score_workspace_day ON health_score(workspace_id, day);

        CREATE TABLE alert (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            rule TEXT NOT NULL CHECK (rule <> ''),
            kind TEXT NOT NULL CHECK (kind IN ('turned_red', 'score_drop', 'kpi_off_target', 'nps_detractor',
                'renewal_at_risk', 'usage_drop', 'onboarding_overdue', 'external')),
            severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
            -- The account id, 'company', or source:key for outside conditions.
            subject TEXT NOT NULL,
            account_id INTEGER REFERENCES account(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            reason TEXT NOT NULL,
            fired_at INTEGER NOT NULL,
            cleared_at INTEGER CHECK (cleared_at IS NULL OR cleared_at >= fired_at)
        ) STRICT;
        CREATE UNIQUE INDEX alert_open ON alert(workspace_id, rule, subject) WHERE cleared_at IS NULL;
        CREATE INDEX alert_workspace_fired ON alert(workspace_id, fired_at);
        CREATE INDEX alert_account ON alert(account_id);

        CREATE TABLE digest (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            grain TEXT NOT NULL CHECK (grain IN ('day', 'week')),
            period_start INTEGER NOT NULL,
            period_end INTEGER NOT NULL CHECK (period_end > period_start),
            created_at INTEGER NOT NULL,
            -- The digest as JSON (as GET /api/v1/digests shows it) and as text.
            body TEXT NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (workspace_id, grain, period_start)
        ) STRICT;

        CREATE TABLE task (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            alert_id INTEGER REFERENCES alert(id) ON DELETE SET NULL,
            playbook TEXT NOT NULL,
            title TEXT NOT NULL,
            owner TEXT NOT NULL CHECK (owner <> ''),
            created_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dismissed')),
            closed_at INTEGER,
            closed_by TEXT,
            note TEXT,
            CHECK ((status = 'open') = (closed_at IS NULL)),
            CHECK ((status = 'open') = (closed_by IS NULL))
        ) STRICT;
        CREATE INDEX task_owner ON task(workspace_id, owner, status);
        CREATE INDEX task_account ON task(account_id);

        CREATE TABLE delivery (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            webhook TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('alert', 'playbook', 'digest')),
            alert_id INTEGER REFERENCES alert(id) ON DELETE CASCADE,
            digest_id INTEGER REFERENCES digest(id) ON DELETE CASCADE,
            -- The JSON body sent (signed at each attempt with the attempt's timestamp).
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER,
            CHECK ((kind = 'digest') = (digest_id IS NOT NULL)),
            CHECK ((kind = 'digest') = (alert_id IS NULL))
        ) STRICT;
        CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
        CREATE INDEX delivery_alert ON delivery(alert_id);
        CREATE INDEX delivery_digest ON delivery(digest_id);
        """
}
