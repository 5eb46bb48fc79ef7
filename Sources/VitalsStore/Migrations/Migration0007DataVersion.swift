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
