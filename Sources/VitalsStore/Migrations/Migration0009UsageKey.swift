import GRDB

extension Schema {
    /// 0009: usage events keep their unique key on (workspace, external id) as a named index, `usage_event_external`,
    /// instead of a UNIQUE clause of the table.
    ///
    /// A UNIQUE clause makes an index SQLite will not drop; a named one can be dropped and built again by
    /// `CREATE UNIQUE INDEX`, which sorts once instead of inserting tens of millions of keys one by one. A bulk import
    /// into an empty table does that inside its transaction (`Store.save`), so the key holds at every commit as before.
    /// The table is rebuilt the way SQLite documents for changes `ALTER TABLE` cannot make (nothing refers to it).
    static func registerUsageKey(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0009 usage event key as a named index") { db in
            try db.execute(sql: """
                CREATE TABLE usage_event_0009 (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    external_id TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    duration_seconds REAL CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
                    -- Extra columns or fields as a JSON object of strings, or NULL.
                    properties TEXT
                ) STRICT;
                INSERT INTO usage_event_0009
                    (id, workspace_id, account_id, external_id, user_id, event, occurred_at, duration_seconds, properties)
                SELECT id, workspace_id, account_id, external_id, user_id, event, occurred_at, duration_seconds, properties
                FROM usage_event ORDER BY id;
                DROP TABLE usage_event;
                ALTER TABLE usage_event_0009 RENAME TO usage_event;
                CREATE UNIQUE INDEX usage_event_external ON usage_event(workspace_id, external_id);
                CREATE INDEX usage_event_account_time ON usage_event(account_id, occurred_at);
                """)
        }
    }
}
