import Foundation
import GRDB
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// The three ways a save writes usage events (upsert, plain insert, insert with the indexes rebuilt) store the same
/// rows, a second import changes nothing, and a bulk import that fails stores nothing and keeps the indexes.
@Suite struct BulkLoadTests {
    /// A store whose saves of 1 event or more into an empty usage_event table take the rebuild path.
    func store(rebuildThreshold: Int = 1) throws -> Store {
        try Store(path: NSTemporaryDirectory() + "vitals-bulk-\(UUID().uuidString).sqlite", rebuildThreshold: rebuildThreshold)
    }

    /// Two accounts and four events: one with a duration, one with properties, two of the same user.
    func dataset() -> Dataset {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: "a", name: "A"))
        let b = dataset.upsert(Account(id: "b", name: "B"))
        dataset.usageEvents = UsageLog([
            UsageEvent(id: "e1", account: a, user: "u1", event: "login", occurredAt: Timestamp(seconds: 100), durationSeconds: 30),
            UsageEvent(id: "e2", account: a, user: "u1", event: "export", occurredAt: Timestamp(seconds: 200)),
            UsageEvent(
                id: "e3", account: b, user: "u2", event: "login", occurredAt: Timestamp(seconds: 300),
                properties: ["plan": "pro", "browser": "firefox"]),
            UsageEvent(id: "e4", account: b, user: "u3", event: "invite_sent", occurredAt: Timestamp(seconds: 400), durationSeconds: 0.5),
        ])
        return dataset
    }

    /// The stored events of `workspace` as text, by external id, with the account's external id.
    func rows(_ store: Store, _ workspace: Int64) throws -> [String] {
        try store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT e.external_id || '|' || a.external_id || '|' || e.user_id || '|' || e.event || '|' || e.occurred_at
                       || '|' || coalesce(e.duration_seconds, '-') || '|' || coalesce(e.properties, '-')
                FROM usage_event e JOIN account a ON a.id = e.account_id
                WHERE e.workspace_id = ? ORDER BY e.external_id
                """, arguments: [workspace])
        }
    }

    /// The rows `dataset()` must store, written out by hand.
    let expected = [
        "e1|a|u1|login|100|30.0|-",
        "e2|a|u1|export|200|-|-",
        "e3|b|u2|login|300|-|{\"browser\":\"firefox\",\"plan\":\"pro\"}",
        "e4|b|u3|invite_sent|400|0.5|-",
    ]

    func indexes(_ store: Store) throws -> [String] {
        try store.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'usage_event' ORDER BY name")
        }
    }

    @Test func theThreePathsStoreTheSameRows() throws {
        // Rebuild: an empty table.
        let bulk = try store()
        let w1 = try bulk.workspace("acme")
        let chosen = try bulk.pool.read {
            try LoadPath.choose($0, table: "usage_event", workspace: w1, rows: 4, rebuildThreshold: 1)
        }
        #expect(chosen == .rebuild)
        try bulk.save(dataset(), workspace: w1)
        #expect(try rows(bulk, w1) == expected)
        #expect(try indexes(bulk) == ["usage_event_external"])

        // Insert: another workspace has events, this one none.
        let w2 = try bulk.workspace("other")
        #expect(try bulk.pool.read { try LoadPath.choose($0, table: "usage_event", workspace: w2, rows: 4, rebuildThreshold: 1) } == .insert)
        try bulk.save(dataset(), workspace: w2)
        #expect(try rows(bulk, w2) == expected)

        // Upsert: the workspace holds two of the events already, one of them with other values.
        let upserted = try store(rebuildThreshold: .max)
        let w3 = try upserted.workspace("acme")
        var first = dataset()
        first.usageEvents = UsageLog([
            UsageEvent(id: "e4", account: AccountIndex(0), user: "old", event: "old", occurredAt: Timestamp(seconds: 1)),
            UsageEvent(id: "e1", account: AccountIndex(0), user: "u1", event: "login", occurredAt: Timestamp(seconds: 100), durationSeconds: 30),
        ])
        try upserted.save(first, workspace: w3)
        #expect(try upserted.pool.read { try LoadPath.choose($0, table: "usage_event", workspace: w3, rows: 4) } == .upsert)
        try upserted.save(dataset(), workspace: w3)
        #expect(try rows(upserted, w3) == expected)
    }

    @Test func aSecondBulkImportChangesNothing() throws {
        let store = try store()
        let workspace = try store.workspace("acme")
        try store.save(dataset(), workspace: workspace)
        let ids = try store.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM usage_event ORDER BY id") }
        try store.save(dataset(), workspace: workspace)
        #expect(try rows(store, workspace) == expected)
        #expect(try store.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM usage_event ORDER BY id") } == ids)
    }

    @Test func aBadRowInABulkImportStoresNothingAndKeepsTheIndexes() throws {
        let store = try store()
        let workspace = try store.workspace("acme")
        // A negative duration breaks the table's CHECK constraint on the last event, after the indexes were dropped.
        var negative = dataset()
        negative.usageEvents.append(
            UsageEvent(id: "e5", account: AccountIndex(0), user: "u1", event: "login", occurredAt: Timestamp(seconds: 500),
                       durationSeconds: -1))
        #expect(throws: StoreError.self) { try store.save(negative, workspace: workspace) }
        // A repeated id (the loader refuses it; a dataset built by hand may not) fails when the unique index is built.
        var repeated = dataset()
        repeated.usageEvents.append(
            UsageEvent(id: "e1", account: AccountIndex(1), user: "u9", event: "login", occurredAt: Timestamp(seconds: 600)))
        #expect(throws: StoreError.self) { try store.save(repeated, workspace: workspace) }
        for table in ["usage_event", "account"] {
            #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") } == 0)
        }
        #expect(try indexes(store) == ["usage_event_external"])
        // The unique key still holds afterwards.
        try store.save(dataset(), workspace: workspace)
        #expect(throws: (any Error).self) {
            try store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO usage_event (workspace_id, account_id, external_id, user_id, event, occurred_at)
                    SELECT workspace_id, account_id, external_id, user_id, event, occurred_at FROM usage_event LIMIT 1
                    """)
            }
        }
    }

    @Test func aBadRowInABulkImportFromFilesIsReportedWithItsLine() throws {
        let files: [String: [UInt8]] = [
            "accounts.csv": Array("account_id,name\na,A\n".utf8),
            "usage_events.csv": Array("event_id,account_id,user_id,event,occurred_at\ne1,a,u1,login,2024-01-02\ne2,zz,u1,login,2024-01-03\n".utf8),
        ]
        #expect {
            try DatasetLoader.load(files: files, reportingCurrency: .usd)
        } throws: { error in
            "\(error)".contains("usage_events.csv:3: account_id")
        }
    }

    /// A store file migrated up to `migration`, holding workspace 1, its account `a` (row 7) and `events` (SQL
    /// values after `VALUES`), then checked by `check` before the store migrates the rest.
    private func store(
        migratedUpTo migration: String, events: String, _ check: (DatabaseQueue) throws -> Void = { _ in }
    ) throws -> Store {
        let path = NSTemporaryDirectory() + "vitals-migration-\(UUID().uuidString).sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: migration)
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO workspace (id, slug, name) VALUES (1, 'acme', 'acme');
                    INSERT INTO account (id, workspace_id, external_id, name) VALUES (7, 1, 'a', 'A');
                    INSERT INTO usage_event (id, workspace_id, account_id, external_id, user_id, event, occurred_at, duration_seconds)
                    VALUES \(events);
                    """)
            }
            try check(queue)
        }
        return try Store(path: path)
    }

    @Test func migration0009KeepsTheEventsAndNamesTheKey() throws {
        // A store as 0007 left it: the key is a UNIQUE clause of the table.
        let store = try store(
            migratedUpTo: "0007 workspace data version",
            events: "(3, 1, 7, 'e1', 'u1', 'login', 100, 30), (9, 1, 7, 'e2', 'u1', 'export', 200, NULL)")
        #expect(try rows(store, 1) == ["e1|a|u1|login|100|30.0|-", "e2|a|u1|export|200|-|-"])
        #expect(try store.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM usage_event ORDER BY id") } == [3, 9])
        #expect(try indexes(store) == ["usage_event_external"])
    }

    @Test func migration0010DropsTheAccountIndexAndKeepsTheEvents() throws {
        let store = try store(
            migratedUpTo: "0009 usage event key as a named index", events: "(3, 1, 7, 'e1', 'u1', 'login', 100, 30)"
        ) { (queue) throws in
            #expect(try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'usage_event' ORDER BY name") }
                == ["usage_event_account_time", "usage_event_external"])
        }
        #expect(try rows(store, 1) == ["e1|a|u1|login|100|30.0|-"])
        #expect(try indexes(store) == ["usage_event_external"])
    }

    @Test func deletingAnAccountStillDeletesItsUsageEvents() throws {
        // Without an index by account, the foreign key's cascade finds them by a scan.
        let store = try store()
        let workspace = try store.workspace("acme")
        try store.save(dataset(), workspace: workspace)
        #expect(try store.delete(kind: .accounts, id: "a", workspace: workspace) == 1)
        #expect(try rows(store, workspace) == [expected[2], expected[3]])
    }

    @Test func aLargeSaveSkipsOnlyTheForeignKeyLookUpsItMadeRedundant() throws {
        // Every save here is "large": it runs without SQLite's foreign key look-ups when it wrote the accounts itself.
        let store = try Store(
            path: NSTemporaryDirectory() + "vitals-large-\(UUID().uuidString).sqlite", rebuildThreshold: 1, largeSave: 1)
        let workspace = try store.workspace("acme")
        try store.save(dataset(), workspace: workspace)
        #expect(try rows(store, workspace) == expected)
        let (violations, foreignKeys) = try store.pool.writeWithoutTransaction { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(violations == 0)
        #expect(foreignKeys == 1)  // on again afterwards
        // Given stored accounts (as the HTTP API does), the look-ups stay: a row id of no account is refused.
        var events = Dataset()
        for account in dataset().accounts { _ = events.upsert(account) }
        events.usageEvents = UsageLog([
            UsageEvent(id: "e9", account: AccountIndex(1), user: "u1", event: "login", occurredAt: Timestamp(seconds: 900))
        ])
        let rowIDs = try store.accountRowIDs(workspace: workspace)
        #expect(throws: StoreError.self) {
            try store.save(events, workspace: workspace, storedAccounts: [rowIDs[0], 999_999])
        }
        #expect(try rows(store, workspace) == expected)
    }
}
