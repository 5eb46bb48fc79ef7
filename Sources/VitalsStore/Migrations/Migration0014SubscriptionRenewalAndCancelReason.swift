import GRDB

extension Schema {
    /// 0014: a subscription version's renewal date override (`renews_at`) and cancellation reason (`cancel_reason`),
    /// both empty for versions stored before.
    static func registerSubscriptionRenewalAndCancelReason(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0014 subscription renews_at and cancel_reason") { db in
            try db.execute(sql: "ALTER TABLE subscription_version ADD COLUMN renews_at INTEGER")
            try db.execute(sql: "ALTER TABLE subscription_version ADD COLUMN cancel_reason TEXT")
        }
    }
}
