import Foundation
import GRDB
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Group commit: several writes in one transaction, each stored whole or not at all.
@Suite struct BatchSaveTests {
    func events(_ ids: [String], account: String = "a", duration: Double? = nil) -> Dataset {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: AccountID(account), name: account.uppercased()))
        dataset.usageEvents = UsageLog(ids.enumerated().map { k, id in
            UsageEvent(id: UsageEventID(id), account: a, user: "u", event: "login", occurredAt: Timestamp(seconds: Int64(100 * (k + 1))),
                       durationSeconds: duration)
        })
        return dataset
    }

    func ids(_ store: Store, _ workspace: Int64) throws -> [String] {
        try store.pool.read {
            try String.fetchAll($0, sql: "SELECT external_id FROM usage_event WHERE workspace_id = ? ORDER BY external_id", arguments: [workspace])
        }
    }

    @Test func aFailingWriteInAGroupStoresNothingAndTheOthersAreStored() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-batch-\(UUID().uuidString).sqlite")
        let acme = try store.workspace("acme")
        let other = try store.workspace("other")
        let results = store.save([
            SaveRequest(events(["e1", "e2"]), workspace: acme),
            // A negative duration breaks a CHECK constraint: this write fails after its account was written.
            SaveRequest(events(["bad1", "bad2"], account: "z", duration: -1), workspace: acme),
            SaveRequest(events(["e1"]), workspace: other),
            // The same events again (a retried request): stored once.
            SaveRequest(events(["e2", "e3"]), workspace: acme),
        ])
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true, true])
        #expect(try results[0].get().counts.map(\.rows) == [1, 2])
        #expect(try ids(store, acme) == ["e1", "e2", "e3"])
        #expect(try ids(store, other) == ["e1"])
        // Nothing of the failed write: not even its account.
        #expect(try store.pool.read { try String.fetchAll($0, sql: "SELECT external_id FROM account ORDER BY 1") } == ["a", "a"])
        // Each write counts as one change of its workspace.
        #expect(try store.dataVersion(workspace: acme) == 2)
        #expect(try store.dataVersion(workspace: other) == 1)
    }
}
