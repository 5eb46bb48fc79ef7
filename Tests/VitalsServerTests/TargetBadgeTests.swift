import Foundation
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsStore

/// A tile's target badge for a period before the latest whole one is that period's own verdict (issue 27, item 6;
/// docs/goals.md, tiles). Worked by hand:
///
/// Workspace c: account p pays 100 a month from 2024-01-01 and 150 from 2024-05-01; account q pays 10 from
/// 2024-10-15, the last record, so the page is as of 2024-10-15 and the latest whole quarter is 2024-Q3. MRR at each
/// quarter's end: Q1 100, Q2 150, Q3 150.
///
/// The target: MRR of 200 by 2024-06-30 (a stage), then 150 by 2024-09-30, measured by quarter. Stage: Q2's 150 < 200,
/// missed. Final: Q3's 150 >= 150, achieved, so the target is achieved today. Before the fix every tile said
/// "achieved", Q1's and Q2's included.
@Suite struct TargetBadgeTests {
    static func fixture() throws -> (APIFixture, Int64) {
        let f = try DashboardTests.fixture()
        let c = try f.store.workspace("c")
        var data = Dataset()
        let p = data.upsert(Account(id: "p", name: "P"))
        let q = data.upsert(Account(id: "q", name: "Q"))
        func usd(_ major: Int64) -> Money { Money(minorUnits: major * 100, currency: .usd) }
        data.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "sp", account: p, product: "Core", amount: usd(100),
                validFrom: Timestamp(year: 2024, month: 1, day: 1), validTo: Timestamp(year: 2024, month: 5, day: 1)),
            SubscriptionVersion(
                subscriptionID: "sp", account: p, product: "Core", amount: usd(150),
                validFrom: Timestamp(year: 2024, month: 5, day: 1)),
            SubscriptionVersion(
                subscriptionID: "sq", account: q, product: "Core", amount: usd(10),
                validFrom: Timestamp(year: 2024, month: 10, day: 15)),
        ]
        try f.store.save(data, workspace: c)
        try f.store.createUser(
            workspace: c, email: "cy@c.example", name: "Cy", passwordHash: Passwords.hash(DashboardTests.password), at: Date())
        let target = KPITarget(
            kpi: .mrr, amount: .value(150), deadline: CivilDate(year: 2024, month: 9, day: 30),
            start: CivilDate(year: 2024, month: 1, day: 1), grain: .quarter,
            stages: [TargetStage(amount: .value(200), deadline: CivilDate(year: 2024, month: 6, day: 30))])
        _ = try f.store.createGoal(
            GoalDefinition(key: "grow", name: "Grow", deadline: CivilDate(year: 2024, month: 9, day: 30), target: target),
            workspace: c, actor: "Cy", at: Timestamp(year: 2024, month: 1, day: 1))
        return (f, c)
    }

    /// The MRR tile of a page: from its opening tag to its closing one.
    static func mrrTile(_ page: String) throws -> Substring {
        let start = try #require(page.range(of: "<a class=\"tile\" href=\"/kpis/mrr"))
        let end = try #require(page.range(of: "</a>", range: start.upperBound..<page.endIndex))
        return page[start.lowerBound..<end.upperBound]
    }

    /// The badges (`data-target-status` spans) of a fragment.
    static func badges(_ html: Substring) -> [(status: String, period: String?, text: String)] {
        html.matches(of: /<span class="status [a-z_]+" title="[^"]*" data-target-status="([a-z_]+)"(?: data-target-period="([^"]+)")?>([a-z ]+)<\/span>/)
            .map { (String($0.1), $0.2.map(String.init), String($0.3)) }
    }

    @Test func aPastQuarterShowsItsOwnVerdictAndTheLatestShowsTodays() async throws {
        let (f, _) = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "cy@c.example"))
            // 2024-Q3, the latest whole quarter: today's status, achieved (Q3's 150 met the final 150).
            let (_, latest) = try await DashboardTests.get(client, "/?grain=quarter", cookie: cookie)
            let q3 = try Self.mrrTile(latest)
            #expect(q3.contains("data-value=\"150.00\" data-period=\"2024-Q3\""))
            #expect(Self.badges(q3).map(\.status) == ["achieved"])
            #expect(Self.badges(q3).first?.period == nil)
            // 2024-Q2: the stage due in it (200 by 2024-06-30) was missed: Q2's MRR was 150.
            let (_, second) = try await DashboardTests.get(client, "/?grain=quarter&to=2024-06", cookie: cookie)
            let q2 = try Self.mrrTile(second)
            #expect(q2.contains("data-value=\"150.00\" data-period=\"2024-Q2\""))
            let q2Badges = Self.badges(q2)
            #expect(q2Badges.map(\.status) == ["missed"])
            #expect(q2Badges.first?.period == "2024-Q2")
            #expect(q2Badges.first?.text == "missed")
            #expect(q2.contains("class=\"status off_track\""))
            #expect(q2.contains("due 2024-06-30: 200.00, was 150.00 in 2024-Q2"))
            // 2024-Q1: no milestone was due in it: no badge at all.
            let (_, first) = try await DashboardTests.get(client, "/?grain=quarter&to=2024-03", cookie: cookie)
            let q1 = try Self.mrrTile(first)
            #expect(q1.contains("data-value=\"100.00\" data-period=\"2024-Q1\""))
            #expect(Self.badges(q1).isEmpty)
            #expect(!q1.contains("data-target-status"))
            // By month: June holds the stage's deadline (missed, judged on Q2); August holds none; September is the
            // latest whole month, so it shows today's status.
            let (_, june) = try await DashboardTests.get(client, "/?to=2024-06", cookie: cookie)
            let jun = Self.badges(try Self.mrrTile(june))
            #expect(jun.map(\.status) == ["missed"] && jun.first?.period == "2024-06")
            let (_, august) = try await DashboardTests.get(client, "/?to=2024-08", cookie: cookie)
            #expect(Self.badges(try Self.mrrTile(august)).isEmpty)
            let (_, september) = try await DashboardTests.get(client, "/?to=2024-09", cookie: cookie)
            let sep = Self.badges(try Self.mrrTile(september))
            #expect(sep.map(\.status) == ["achieved"] && sep.first?.period == nil)
            // The KPI page shows the same badge beside the period's value.
            let (_, kpi) = try await DashboardTests.get(client, "/kpis/mrr?grain=quarter&to=2024-06", cookie: cookie)
            let value = try #require(kpi.range(of: "<p><span class=\"value\""))
            let end = try #require(kpi.range(of: "</p>", range: value.upperBound..<kpi.endIndex))
            let line = kpi[value.lowerBound..<end.upperBound]
            #expect(line.contains("data-period=\"2024-Q2\""))
            #expect(Self.badges(line).map(\.status) == ["missed"])
            let (_, kpiLatest) = try await DashboardTests.get(client, "/kpis/mrr?grain=quarter", cookie: cookie)
            #expect(kpiLatest.contains("data-target-status=\"achieved\">achieved</span>"))
        }
    }
}
