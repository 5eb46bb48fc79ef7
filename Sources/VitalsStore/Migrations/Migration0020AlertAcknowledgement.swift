import GRDB

extension Schema {
    /// 0020: an open alert can be acknowledged (`alert.acknowledged_at`, `acknowledged_by`) or set aside until an
    /// instant (`alert.snoozed_until`).
    static func registerAlertAcknowledgement(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0020 alert acknowledgement") { db in
            try db.execute(sql: "ALTER TABLE alert ADD COLUMN acknowledged_at INTEGER")
            try db.execute(sql: "ALTER TABLE alert ADD COLUMN acknowledged_by TEXT")
            try db.execute(sql: "ALTER TABLE alert ADD COLUMN snoozed_until INTEGER")
        }
    }
}
