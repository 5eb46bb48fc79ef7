import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsStore

/// The health page keeps the conditions of the first evaluation (the baseline, docs/alerts.md) apart from the alerts
/// that fired: a line saying how many and since when, linking to their own list.
@Suite struct HealthPageBaselineTests {
    static func condition(_ key: String, title: String) -> NewAlert {
        NewAlert(
            AlertObservation(rule: "targets", kind: .external, severity: "warning", subject: "goals:\(key)", account: nil, title: title, reason: "short of the target"),
            account: nil)
    }

    @Test func baselineConditionsAreListedApartFromFiredAlerts() async throws {
        let f = try DashboardTests.fixture()
        // First evaluation on 2024-02-01: two conditions hold, the baseline; on 2024-02-10 a third fires.
        let first = try f.store.recordEvaluation(
            workspace: f.a, at: Timestamp(year: 2024, month: 2, day: 1),
            fired: [Self.condition("x", title: "Target at risk: X"), Self.condition("y", title: "Target at risk: Y")], cleared: [], tasks: []) { _ in [] }
        #expect(first.baseline == 2)
        let later = try f.store.recordEvaluation(
            workspace: f.a, at: Timestamp(year: 2024, month: 2, day: 10), fired: [Self.condition("z", title: "Target off track: Z")], cleared: [],
            tasks: []) { _ in [] }
        let fired = try #require(later.fired.first)
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (status, page) = try await DashboardTests.get(client, "/health", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains("<p class=\"muted\" data-baseline=\"2\"><a href=\"/health?alerts=baseline#alerts\">2 conditions already holding</a> at the first evaluation on 2024-02-01"))
            // The open alerts to act on: only the one that fired.
            #expect(page.contains("Open alerts, newest first (1 in all)"))
            #expect(page.components(separatedBy: "data-alert=\"").count - 1 == 1)
            #expect(page.contains("data-alert=\"\(fired.id)\""))
            #expect(!page.contains("Target at risk: X"))
            let (_, baseline) = try await DashboardTests.get(client, "/health?alerts=baseline", cookie: cookie)
            #expect(baseline.contains("Conditions already holding at the first evaluation on 2024-02-01, still open (2 in all)"))
            #expect(baseline.contains("Target at risk: X") && baseline.contains("Target at risk: Y"))
            #expect(!baseline.contains("Target off track: Z"))
            #expect(baseline.contains("<a href=\"/health#alerts\">Back to the alerts to act on</a>"))
            #expect(!baseline.contains("data-baseline="))
        }
        // The API marks them.
        let listed = try f.store.alerts(workspace: f.a, openOnly: true)
        #expect(listed.map(\.baseline) == [false, true, true])
    }
}
