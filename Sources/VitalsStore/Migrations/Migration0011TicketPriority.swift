import GRDB

extension Schema {
    /// 0011: a ticket's priority (`tickets.priority`), empty for tickets stored before.
    static func registerTicketPriority(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0011 ticket priority") { db in
            try db.execute(sql: "ALTER TABLE ticket ADD COLUMN priority TEXT")
        }
    }
}
