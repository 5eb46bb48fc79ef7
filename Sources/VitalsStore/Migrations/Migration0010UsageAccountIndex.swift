import GRDB

extension Schema {
    /// 0010: usage events lose their index by (account, time).
    ///
    /// No read uses it: the KPIs, pages and API compute from the workspace's dataset in memory, and the store reads
    /// usage events whole, in id order. Keeping it cost every write a random leaf of a B-tree as large as the table:
    /// events arrive in time order for many accounts at once, so a batch of N events dirtied up to N pages of it, each
    /// written to the log at the commit. Without it, HTTP ingestion of usage events ran 1.8 times as fast (120,000
    /// against 215,000 events a second on the benchmark of BENCHMARKS.md, #4).
    ///
    /// What it served is rare and stays correct, only slower: deleting an account (the foreign key cascades to its
    /// usage events) and freeing a Stripe placeholder account each scan the workspace's usage events once, about a
    /// second per 10 million rows.
    static func registerUsageAccountIndex(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0010 usage events without the account index") { db in
            try db.execute(sql: "DROP INDEX usage_event_account_time")
        }
    }
}
