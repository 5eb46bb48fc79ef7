import GRDB

extension Schema {
    /// 0015: the CSMs' forecast calls on renewals (`renewal_forecast`), one per renewal of a workspace, known by the
    /// renewal's key (`subscription_id|product|due seconds`), with who set it and when.
    static func registerRenewalForecast(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0015 renewal forecast") { db in
            try db.execute(sql: """
                CREATE TABLE renewal_forecast (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    renewal_key TEXT NOT NULL CHECK (length(renewal_key) BETWEEN 1 AND 600),
                    call TEXT NOT NULL CHECK (call IN ('commit', 'likely', 'at_risk', 'lost')),
                    set_by TEXT NOT NULL,
                    set_at INTEGER NOT NULL,
                    UNIQUE (workspace_id, renewal_key)
                ) STRICT
                """)
        }
    }
}
