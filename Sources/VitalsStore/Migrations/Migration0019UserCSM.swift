import GRDB

extension Schema {
    /// 0019: the CSM name a person signs in as (`user.csm`): the name accounts (`accounts.csm`) and tasks (`owner`) use
    /// for them, so that their pages open on their own book.
    static func registerUserCSM(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0019 user csm") { db in
            try db.execute(sql: "ALTER TABLE user ADD COLUMN csm TEXT")
        }
    }
}
