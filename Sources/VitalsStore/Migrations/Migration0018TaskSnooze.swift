import GRDB

extension Schema {
    /// 0018: an open task can be set aside until an instant (`task.snoozed_until`).
    static func registerTaskSnooze(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0018 task snooze") { db in
            try db.execute(sql: "ALTER TABLE task ADD COLUMN snoozed_until INTEGER")
        }
    }
}
