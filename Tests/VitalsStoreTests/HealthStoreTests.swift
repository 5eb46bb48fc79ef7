import Foundation
import GRDB
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Migration 0004: health history, alerts with their de-duplication state, tasks, digests and deliveries.
@Suite struct HealthStoreTests {
    func fixture() throws -> (Store, Int64) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-health-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("w")
        var d = Dataset()
        d.upsert(Account(id: "a", name: "Acme", csm: "ana"))
        d.upsert(Account(id: "b", name: "Bolt"))
        try store.save(d, workspace: workspace)
        // A first evaluation with nothing holding: the baseline (docs/alerts.md), so that what follows fires.
        _ = try store.recordEvaluation(workspace: workspace, at: Timestamp(seconds: 1), fired: [], cleared: [], tasks: []) { _ in [] }
        return (store, workspace)
    }

    func alert(_ subject: String, rule: String = "red") -> NewAlert {
        NewAlert(
            AlertObservation(rule: rule, kind: .turnedRed, severity: "critical", subject: subject, account: nil, title: "\(subject) turned red", reason: "health 20"),
            account: AccountID(subject))
    }

    @Test func healthHistoryKeepsOneScorePerAccountAndDay() throws {
        let (store, w) = try fixture()
        let day = CivilDate(year: 2026, month: 6, day: 1)
        try store.saveHealth([
            HealthRecord(account: "a", day: day, score: 35, band: .red, model: "default", components: [.csmPulse: 0, .billing: 100], mrr: 10_000),
            HealthRecord(account: "ghost", day: day, score: 50, band: .yellow, model: "default", components: [:], mrr: 0),
        ], workspace: w)
        // The same day again replaces; the next day adds.
        try store.saveHealth([HealthRecord(account: "a", day: day, score: 45, band: .yellow, model: "default", components: [.csmPulse: 25], mrr: 10_000)], workspace: w)
        try store.saveHealth([HealthRecord(account: "a", day: day.adding(days: 1), score: 80, band: .green, model: "default", components: [:], mrr: 10_000)], workspace: w)
        let history = try store.healthHistory(workspace: w, account: "a")
        #expect(history.map(\.score) == [45, 80])
        #expect(history[0].components == [.csmPulse: 25])
        #expect(try store.healthHistory(workspace: w, account: "a", from: day.adding(days: 1)).count == 1)
        #expect(try store.healthDays(workspace: w) == [day.adding(days: 1), day])
    }

    @Test func anOpenAlertIsStoredOnceAndFiresAgainOnlyAfterClearing() throws {
        let (store, w) = try fixture()
        var calls = 0
        let first = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 100), fired: [alert("a")], cleared: [],
            tasks: [NewTask(trigger: AlertKey(rule: "red", subject: "a"), account: "a", playbook: "call", title: "Call Acme", owner: "ana", dueAt: Timestamp(seconds: 200))]
        ) { _ in
            calls += 1
            return [NewDelivery(webhook: "ops", kind: "alert", payload: "{}")]
        }
        #expect(first.fired.count == 1 && first.tasks == 1 && first.deliveries == 1)
        #expect(try store.openAlertKeys(workspace: w) == [AlertKey(rule: "red", subject: "a")])
        // A second evaluator firing the same open alert stores nothing: no alert, task or delivery.
        let second = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 150), fired: [alert("a")], cleared: [],
            tasks: [NewTask(trigger: AlertKey(rule: "red", subject: "a"), account: "a", playbook: "call", title: "Call Acme", owner: "ana", dueAt: Timestamp(seconds: 250))]
        ) { _ in
            calls += 1
            return [NewDelivery(webhook: "ops", kind: "alert", payload: "{}")]
        }
        #expect(second == RecordedEvaluation(fired: [], cleared: 0, tasks: 0, deliveries: 0))
        #expect(calls == 1)
        // Cleared, then fired again: a new alert.
        let cleared = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 300), fired: [], cleared: [AlertKey(rule: "red", subject: "a")], tasks: []) { _ in [] }
        #expect(cleared.cleared == 1)
        let again = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 400), fired: [alert("a")], cleared: [], tasks: []) { _ in [] }
        #expect(again.fired.count == 1)
        let all = try store.alerts(workspace: w)
        #expect(all.map(\.firedAt.seconds) == [400, 100])
        #expect(all[1].clearedAt == Timestamp(seconds: 300))
        #expect(try store.alerts(workspace: w, openOnly: true).map(\.id) == [again.fired[0].id])
        #expect(try store.alerts(workspace: w, account: "b").isEmpty)
    }

    @Test func closingATaskRecordsWhenAndByWhom() throws {
        let (store, w) = try fixture()
        _ = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 100), fired: [alert("a"), alert("b")], cleared: [],
            tasks: [
                NewTask(trigger: AlertKey(rule: "red", subject: "a"), account: "a", playbook: "call", title: "Call Acme", owner: "ana", dueAt: Timestamp(seconds: 300)),
                NewTask(trigger: AlertKey(rule: "red", subject: "b"), account: "b", playbook: "call", title: "Call Bolt", owner: "bo", dueAt: Timestamp(seconds: 200)),
            ]) { _ in [] }
        #expect(try store.tasks(workspace: w).map(\.title) == ["Call Bolt", "Call Acme"])  // soonest due first
        let mine = try store.tasks(workspace: w, owner: "ana")
        #expect(mine.map(\.accountName) == ["Acme"])
        let id = mine[0].id
        guard case .closed(let task) = try store.closeTask(workspace: w, id: id, status: .done, by: "ana", note: "called", at: Timestamp(seconds: 500))
        else { Issue.record("not closed"); return }
        #expect(task.status == .done && task.closedBy == "ana" && task.closedAt == Timestamp(seconds: 500) && task.note == "called")
        #expect(try store.tasks(workspace: w, owner: "ana", status: .open).isEmpty)
        #expect(try store.tasks(workspace: w, owner: "ana", status: .done).first?.closedBy == "ana")
        guard case .alreadyClosed = try store.closeTask(workspace: w, id: id, status: .dismissed, by: "bo", at: Timestamp(seconds: 600))
        else { Issue.record("closed twice"); return }
        #expect(try store.closeTask(workspace: w, id: 999, status: .done, by: "x", at: Timestamp(seconds: 1)) == .notFound)
        // Another workspace cannot close it.
        let other = try store.workspace("other")
        #expect(try store.closeTask(workspace: other, id: id, status: .done, by: "x", at: Timestamp(seconds: 1)) == .notFound)
    }

    @Test func digestsAreStoredOncePerPeriodAndDeliveriesRetry() throws {
        let (store, w) = try fixture()
        let period = Period(grain: .day, containing: CivilDate(year: 2026, month: 6, day: 1))
        let saved = try store.saveDigest(workspace: w, grain: .day, period: period, at: Timestamp(seconds: 10), body: "{}", text: "digest") {
            [NewDelivery(webhook: "ops", kind: "digest", payload: "{\"id\":\($0)}")]
        }
        #expect(saved != nil)
        #expect(try store.saveDigest(workspace: w, grain: .day, period: period, at: Timestamp(seconds: 20), body: "{}", text: "digest") { _ in [] } == nil)
        #expect(try store.digests(workspace: w).count == 1)
        let due = try store.dueDeliveries(at: Timestamp(seconds: 10))
        #expect(due.count == 1 && due[0].kind == "digest" && due[0].digestID == saved?.id)
        try store.recordAttempt(due[0].id, at: Timestamp(seconds: 10), outcome: .retry(next: Timestamp(seconds: 40), error: "HTTP 500"))
        #expect(try store.dueDeliveries(at: Timestamp(seconds: 39)).isEmpty)
        #expect(try store.nextDeliveryAttempt() == Timestamp(seconds: 40))
        try store.recordAttempt(due[0].id, at: Timestamp(seconds: 40), outcome: .delivered)
        let done = try store.deliveries(workspace: w)[0]
        #expect(done.status == "delivered" && done.attempts == 2 && done.deliveredAt == Timestamp(seconds: 40))
        #expect(try store.nextDeliveryAttempt() == nil)
    }
}
