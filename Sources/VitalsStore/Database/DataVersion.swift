import GRDB

extension Schema {
    /// Every workspace counts the writes to its records, so a server can tell that another process (`vitals import`,
    /// `vitals connect stripe`) changed the data it holds in memory.
    static func registerDataVersion(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0007 workspace data version") { db in
            try db.execute(sql: "ALTER TABLE workspace ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0")
        }
    }
}

extension Store {
    /// The count of committed writes to the records of `workspace` (by any process). It changes with every import,
    /// ingest, delete, Stripe event and tracking batch, and with nothing else (sessions, alerts, tasks, goals).
    public func dataVersion(workspace: Int64) throws(StoreError) -> Int64 {
        try read("reading the data version") { db in
            try Int64.fetchOne(db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace]) ?? 0
        }
    }

    /// Counts a write to the records of `workspace`, inside the writing transaction; returns the new version.
    @discardableResult
    package static func bumpDataVersion(_ db: Database, workspace: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db, sql: "UPDATE workspace SET data_version = data_version + 1 WHERE id = ? RETURNING data_version",
            arguments: [workspace]) ?? 0
    }
}
