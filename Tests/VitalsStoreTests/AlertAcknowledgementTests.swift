import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Migration 0020: acknowledging and snoozing open alerts (docs/alerts.md, acknowledging and snoozing).
@Suite struct AlertAcknowledgementTests {
    func fixture() throws -> (Store, Int64) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-ack-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("w")
        var d = Dataset()
        d.upsert(Account(id: "a", name: "Acme", csm: "ana"))
        try store.save(d, workspace: workspace)
        // A first evaluation with nothing holding: the baseline (docs/alerts.md), so that what follows fires.
        _ = try store.recordEvaluation(workspace: workspace, at: Timestamp(seconds: 1), fired: [], cleared: [], tasks: []) { _ in [] }
        return (store, workspace)
    }

    func red(_ subject: String) -> NewAlert {
        NewAlert(
            AlertObservation(rule: "red", kind: .turnedRed, severity: "critical", subject: subject, account: nil, title: "\(subject) turned red", reason: "health 20"),
            account: AccountID(subject))
    }

    @Test func acknowledgingKeepsWhoAndWhenAndTheAlertStaysOpen() throws {
        let (store, w) = try fixture()
        let fired = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 100), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        let id = try #require(fired.fired.first?.id)
        guard case .updated(let alert) = try store.acknowledgeAlert(workspace: w, id: id, by: "ana", at: Timestamp(seconds: 150)) else {
            Issue.record("not acknowledged")
            return
        }
        #expect(alert.acknowledgedBy == "ana")
        #expect(alert.acknowledgedAt == Timestamp(seconds: 150))
        // Read back from the file: still open, acknowledged, so not one to act on.
        let stored = try #require(try store.alerts(workspace: w, openOnly: true).first)
        #expect(stored.acknowledgedBy == "ana" && stored.acknowledgedAt == Timestamp(seconds: 150) && stored.clearedAt == nil)
        #expect(!stored.isActionable(at: Timestamp(seconds: 1_000_000)))
        // Still open: firing again stores nothing new.
        let again = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 200), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        #expect(again.fired.isEmpty)
        #expect(try store.acknowledgeAlert(workspace: w, id: id + 100, by: "ana", at: Timestamp(seconds: 150)) == .notFound)
    }

    @Test func aSnoozedAlertComesBackOnItsDateAndAClearedOneIsNotChanged() throws {
        let (store, w) = try fixture()
        let fired = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 100), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        let id = try #require(fired.fired.first?.id)
        // Snoozed until 2026-12-20 00:00 UTC = 1_797_724_800 s (20,807 days after 1970-01-01 × 86,400).
        let until = try Timestamp.parse("2026-12-20")
        #expect(until.seconds == 1_797_724_800)
        _ = try store.snoozeAlert(workspace: w, id: id, until: until)
        let stored = try #require(try store.alerts(workspace: w, openOnly: true).first)
        #expect(stored.snoozedUntil == until)
        #expect(!stored.isActionable(at: Timestamp(seconds: 1_797_724_799)))
        #expect(stored.isActionable(at: Timestamp(seconds: 1_797_724_800)))
        // Woken at once with nil.
        guard case .updated(let woken) = try store.snoozeAlert(workspace: w, id: id, until: nil) else {
            Issue.record("not woken")
            return
        }
        #expect(woken.snoozedUntil == nil && woken.isActionable(at: Timestamp(seconds: 0)))
        // Cleared: no longer changed; firing again is a new alert, neither acknowledged nor snoozed.
        _ = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 300), fired: [], cleared: [AlertKey(rule: "red", subject: "a")], tasks: []) { _ in [] }
        guard case .alreadyCleared = try store.snoozeAlert(workspace: w, id: id, until: until) else {
            Issue.record("a cleared alert changed")
            return
        }
        let again = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 400), fired: [red("a")], cleared: [], tasks: []) { _ in [] }
        let new = try #require(again.fired.first)
        #expect(new.id != id && new.acknowledgedAt == nil && new.snoozedUntil == nil)
    }
}
