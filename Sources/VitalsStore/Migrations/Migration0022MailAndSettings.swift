import GRDB

extension Schema {
    /// 0022: the outgoing mail and what it needs.
    /// - `email`: every message Vitals sends (survey invitations, alerts, digests, reports, tests), queued in the same
    ///   transaction as what caused it and sent by the mailer with retries; the table is also the delivery log.
    /// - `email_suppression`: addresses that must not be written to (unsubscribed, or stopped by an admin), by scope.
    /// - `workspace_setting`: a workspace's settings edited in the dashboard, one row per section of `vitals.toml`,
    ///   holding the section's TOML text (checked by the same loader as the file before it is saved).
    /// - `server_secret`: keys the server makes once and keeps (the key that signs survey and unsubscribe links).
    static func registerMailAndSettings(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0022 mail and settings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE email (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL CHECK (kind IN ('survey', 'alert', 'digest', 'report', 'test')),
                        recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
                        recipient_name TEXT CHECK (recipient_name IS NULL OR length(recipient_name) <= 200),
                        subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 998),
                        text_body TEXT NOT NULL,
                        html_body TEXT NOT NULL,
                        reference TEXT,
                        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
                        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        sent_at INTEGER,
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX email_due ON email (status, next_attempt_at);
                    CREATE INDEX email_workspace ON email (workspace_id, id);
                    CREATE INDEX email_reference ON email (workspace_id, reference);
                    CREATE TABLE email_suppression (
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        address TEXT NOT NULL CHECK (length(address) BETWEEN 3 AND 320 AND address = lower(address)),
                        scope TEXT NOT NULL CHECK (scope IN ('surveys', 'reports', 'all')),
                        reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'admin')),
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (workspace_id, address, scope)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE workspace_setting (
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        section TEXT NOT NULL CHECK (length(section) BETWEEN 1 AND 64),
                        value TEXT NOT NULL CHECK (length(value) <= 200000),
                        updated_by TEXT NOT NULL,
                        updated_at INTEGER NOT NULL,
                        PRIMARY KEY (workspace_id, section)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE server_secret (
                        name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
                        value TEXT NOT NULL CHECK (length(value) >= 32),
                        created_at INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """)
        }
    }
}
