import Foundation
import GRDB
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Migration 0027: the first evaluation of a workspace is its baseline (docs/alerts.md, the first evaluation), and
/// alert and playbook deliveries are made once per evaluation.
@Suite struct EvaluationBaselineTests {
    func fixture() throws -> (Store, Int64) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-baseline-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("w")
        var d = Dataset()
        d.upsert(Account(id: "a", name: "Acme", csm: "ana"))
        d.upsert(Account(id: "b", name: "Bolt", csm: "bo"))
        d.upsert(Account(id: "c", name: "Cargo", csm: "cy"))
        try store.save(d, workspace: workspace)
        return (store, workspace)
    }

    func red(_ subject: String) -> NewAlert {
        NewAlert(
            AlertObservation(rule: "red", kind: .turnedRed, severity: "critical", subject: subject, account: nil, title: "\(subject) turned red", reason: "health 20"),
            account: AccountID(subject))
    }

    func call(_ subject: String) -> NewTask {
        NewTask(trigger: AlertKey(rule: "red", subject: subject), account: AccountID(subject), playbook: "call", title: "Call \(subject)", owner: "ana", dueAt: Timestamp(seconds: 10_000))
    }

    @Test func theFirstEvaluationStoresItsConditionsSilentlyAndLaterOnesFireOnlyWhatIsNew() throws {
        let (store, w) = try fixture()
        #expect(try store.firstEvaluation(workspace: w) == nil)
        var batches: [[String]] = []
        func deliveries(_ alerts: [StoredAlert]) -> [NewDelivery] {
            batches.append(alerts.map(\.subject))
            return [NewDelivery(webhook: "ops", kind: "alert", payload: "{\"n\":\(alerts.count)}")]
        }
        // First evaluation at 100: a and b hold. Stored open but silent: no task, no delivery, nothing fired.
        let first = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 100), fired: [red("a"), red("b")], cleared: [], tasks: [call("a"), call("b")],
            deliveries: deliveries)
        #expect(first == RecordedEvaluation(fired: [], cleared: 0, tasks: 0, deliveries: 0, isBaseline: true, baseline: 2))
        #expect(batches.isEmpty)
        #expect(try store.firstEvaluation(workspace: w) == Timestamp(seconds: 100))
        let open = try store.alerts(workspace: w, openOnly: true)
        #expect(open.map(\.subject).sorted() == ["a", "b"] && open.allSatisfy(\.baseline))
        #expect(try store.openAlertKeys(workspace: w) == [AlertKey(rule: "red", subject: "a"), AlertKey(rule: "red", subject: "b")])
        #expect(try store.tasks(workspace: w).isEmpty)
        #expect(try store.deliveries(workspace: w).isEmpty)

        // Second at 200: a still holds (open: not stored again), c is new and fires with its task; one batch.
        let second = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 200), fired: [red("a"), red("c")], cleared: [], tasks: [call("a"), call("c")],
            deliveries: deliveries)
        #expect(!second.isBaseline && second.baseline == 0)
        #expect(second.fired.map(\.subject) == ["c"] && second.fired[0].baseline == false)
        #expect(second.tasks == 1 && second.deliveries == 1)
        #expect(batches == [["c"]])
        #expect(try store.tasks(workspace: w).map(\.title) == ["Call c"])
        let stored = try store.deliveries(workspace: w)
        #expect(stored.count == 1 && stored[0].alertID == nil && stored[0].evaluationID != nil && stored[0].payload == "{\"n\":1}")
        // The first evaluation stays the first.
        #expect(try store.firstEvaluation(workspace: w) == Timestamp(seconds: 100))

        // b clears at 300 and holds again at 400: a new alert, fired (not baseline), with its task.
        let cleared = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 300), fired: [], cleared: [AlertKey(rule: "red", subject: "b")], tasks: [],
            deliveries: deliveries)
        #expect(cleared.cleared == 1 && cleared.deliveries == 0)
        let back = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 400), fired: [red("b")], cleared: [], tasks: [call("b")], deliveries: deliveries)
        #expect(back.fired.map(\.subject) == ["b"] && back.tasks == 1)
        #expect(batches == [["c"], ["b"]])  // nothing to deliver at 300: the closure is not called
        let nowOpen = try store.alerts(workspace: w, openOnly: true)
        // Open: b (fired at 400), c (200), a (baseline, 100), newest first.
        #expect(nowOpen.map(\.subject) == ["b", "c", "a"])
        #expect(nowOpen.map(\.baseline) == [false, false, true])
    }

    @Test func eachWorkspaceHasItsOwnFirstEvaluation() throws {
        let (store, w) = try fixture()
        _ = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 100), fired: [], cleared: [], tasks: []) { _ in [] }
        let other = try store.workspace("other")
        var d = Dataset()
        d.upsert(Account(id: "a", name: "Other Acme"))
        try store.save(d, workspace: other)
        let there = try store.recordEvaluation(workspace: other, at: Timestamp(seconds: 150), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        #expect(there.isBaseline && there.baseline == 1 && there.fired.isEmpty)
        let here = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 150), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        #expect(!here.isBaseline && here.fired.count == 1)
    }

    /// A store evaluated before 0027 (health scores on 2026-06-01 = day 20,605, and an alert with its delivery) is
    /// not taken for a new one: its evaluation row is at the start of the next day, (20,605 + 1) × 86,400
    /// = 1,780,358,400 s; its old delivery keeps its alert.
    @Test func aStoreEvaluatedBeforeTheMigrationIsNotABaseline() throws {
        let path = NSTemporaryDirectory() + "vitals-0027-\(UUID().uuidString).sqlite"
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "0022 mail and settings")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO workspace (id, slug, name) VALUES (1, 'w', 'w')")
            try db.execute(sql: "INSERT INTO account (id, workspace_id, external_id, name) VALUES (7, 1, 'a', 'Acme')")
            try db.execute(sql: """
                INSERT INTO health_score (workspace_id, account_id, day, score, band, model, mrr_minor)
                VALUES (1, 7, 20604, 30, 'red', 'default', 100), (1, 7, 20605, 20, 'red', 'default', 100)
                """)
            try db.execute(sql: """
                INSERT INTO alert (id, workspace_id, rule, kind, severity, subject, account_id, title, reason, fired_at)
                VALUES (3, 1, 'red', 'turned_red', 'critical', 'a', 7, 'Acme turned red', 'health 20', 1780272000)
                """)
            try db.execute(sql: """
                INSERT INTO delivery (workspace_id, webhook, kind, alert_id, payload, next_attempt_at, created_at)
                VALUES (1, 'ops', 'alert', 3, '{}', 1780272000, 1780272000)
                """)
        }
        try queue.close()
        let store = try Store(path: path)
        #expect(try store.firstEvaluation(workspace: 1) == Timestamp(seconds: 1_780_358_400))
        #expect(try store.alerts(workspace: 1).map(\.baseline) == [false])
        #expect(try store.deliveries(workspace: 1).map(\.alertID) == [3])
        let next = try store.recordEvaluation(
            workspace: 1, at: Timestamp(seconds: 1_780_400_000), fired: [], cleared: [AlertKey(rule: "red", subject: "a")], tasks: []) { _ in [] }
        #expect(!next.isBaseline && next.cleared == 1)
    }
}
