import GRDB

extension Schema {
    /// 0006: what the connectors (docs/integrations/) need to stay idempotent and to date what they receive.
    ///
    /// - `stripe_webhook_secret`: each workspace's Stripe endpoint signing secrets (`whsec_...`). Kept as given: an
    ///   HMAC key cannot be checked from a hash. Several may be valid at once while Stripe rolls a secret.
    /// - `stripe_customer`: the account each Stripe customer is (its `metadata.vitals_account_id`, else its id).
    /// - `stripe_event`: the ids of the Stripe events already applied, so a redelivered event changes nothing.
    /// - `stripe_observation`: every look at a subscription (a webhook's copy of it, a backfill, an export row),
    ///   normalised (`SubscriptionObservation` as JSON). A subscription's versions are rebuilt from all of them, so
    ///   events arriving out of order give the same history. `source` is the event id, `backfill@<time>` or
    ///   `csv@<time>`.
    /// - `tracking_group`: each tracked user's account from their latest `group` call (Segment) or group-identify
    ///   (PostHog), with the call's time, so that later events without a group id still land on the account.
    /// Duplicate tracking messages need no table: the message id is the usage event's external id.
    static func registerConnectors(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0006 connectors") { db in
            try db.execute(sql: """
                CREATE TABLE stripe_webhook_secret (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    secret TEXT NOT NULL CHECK (secret <> ''),
                    created_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, secret)
                ) STRICT;

                CREATE TABLE stripe_customer (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    customer_id TEXT NOT NULL CHECK (customer_id <> ''),
                    account_external_id TEXT NOT NULL CHECK (account_external_id <> ''),
                    UNIQUE (workspace_id, customer_id)
                ) STRICT;

                CREATE TABLE stripe_event (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    event_id TEXT NOT NULL CHECK (event_id <> ''),
                    type TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, event_id)
                ) STRICT;

                CREATE TABLE stripe_observation (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    subscription_id TEXT NOT NULL CHECK (subscription_id <> ''),
                    customer_id TEXT NOT NULL CHECK (customer_id <> ''),
                    source TEXT NOT NULL,
                    observed_at INTEGER NOT NULL,
                    observation TEXT NOT NULL,
                    UNIQUE (workspace_id, subscription_id, source)
                ) STRICT;

                CREATE TABLE tracking_group (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL,
                    account_external_id TEXT NOT NULL CHECK (account_external_id <> ''),
                    grouped_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, user_id)
                ) STRICT;
                """)
        }
    }
}
