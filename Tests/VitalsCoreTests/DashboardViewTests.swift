import Testing
@testable import VitalsCore

/// The core's page models: cohorts, account summaries and KPI drivers, on hand-made histories.
@Suite struct DashboardViewTests {
    static func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: .usd) }

    /// Three accounts signed up in January 2024: a pays 100 throughout, b pays 100 and churns on 2024-02-10, c pays
    /// 100 and upgrades to 200 on 2024-03-05. d signs up in February at 50.
    static func dataset() -> Dataset {
        var d = Dataset()
        let a = d.upsert(Account(id: "a", name: "A")), b = d.upsert(Account(id: "b", name: "B"))
        let c = d.upsert(Account(id: "c", name: "C")), e = d.upsert(Account(id: "d", name: "D"))
        let jan = Timestamp(year: 2024, month: 1, day: 1)
        d.subscriptions = [
            SubscriptionVersion(subscriptionID: "sa", account: a, product: "Core", plan: "pro", amount: usd(10_000), validFrom: jan),
            SubscriptionVersion(subscriptionID: "sb", account: b, product: "Core", amount: usd(10_000), validFrom: jan,
                                validTo: Timestamp(year: 2024, month: 2, day: 10)),
            SubscriptionVersion(subscriptionID: "sc", account: c, product: "Core", plan: "basic", amount: usd(10_000), validFrom: jan,
                                validTo: Timestamp(year: 2024, month: 3, day: 5)),
            SubscriptionVersion(subscriptionID: "sc", account: c, product: "Core", plan: "pro", amount: usd(20_000),
                                validFrom: Timestamp(year: 2024, month: 3, day: 5)),
            SubscriptionVersion(subscriptionID: "sd", account: e, product: "Core", amount: usd(60_000), interval: .year,
                                validFrom: Timestamp(year: 2024, month: 2, day: 20)),
        ]
        return d
    }

    @Test func cohortsCountLogosAndRevenueAtEachMonthEnd() {
        let calculator = KPICalculator(dataset: Self.dataset(), settings: ReportSettings())
        let retention = CohortRetention(
            timeline: calculator.timeline, include: { _ in true }, from: CivilDate(year: 2024, month: 1, day: 1),
            asOf: Timestamp(year: 2024, month: 4, day: 1), maxAge: 3)
        #expect(retention.cohorts.count == 2)
        let jan = retention.cohorts[0]
        // January: a, b, c with 300 at the end of January; end of February: a and c (200); end of March: a 100 + c 200.
        #expect(jan.month == CivilDate(year: 2024, month: 1, day: 1))
        #expect(jan.accounts == 3 && jan.startingMRR == 30_000)
        #expect(jan.logo == [1, 2.0 / 3, 2.0 / 3, nil])
        #expect(jan.revenue == [1, 2.0 / 3, 1, nil])
        // February: d, 600 a year = 50 a month; still paying at the ends of February and March.
        let feb = retention.cohorts[1]
        #expect(feb.accounts == 1 && feb.startingMRR == 5_000)
        #expect(feb.logo == [1, 1, nil, nil])
    }

    @Test func summariesGivePlanMRRStatusAndRenewal() {
        let calculator = KPICalculator(dataset: Self.dataset(), settings: ReportSettings())
        let summaries = AccountSummary.all(calculator: calculator, asOf: Timestamp(year: 2024, month: 3, day: 20))
        #expect(summaries.map(\.mrr) == [10_000, 0, 20_000, 5_000])
        #expect(summaries.map(\.status) == [.paying, .churned, .paying, .paying])
        #expect(summaries.map(\.plan) == ["pro", nil, "pro", "Core"])
        // Monthly from January 1st: next renewal April 1st. c's subscription started January 1st too. d renews
        // yearly from 2024-02-20.
        #expect(summaries.map(\.renewal) == [
            CivilDate(year: 2024, month: 4, day: 1), nil, CivilDate(year: 2024, month: 4, day: 1), CivilDate(year: 2025, month: 2, day: 20),
        ])
    }

    @Test func renewalsFallOnWholeTerms() {
        let start = Timestamp(year: 2023, month: 1, day: 31)
        // Month terms from January 31st land on the last day of shorter months (CivilDate.adding(months:) clamps).
        #expect(AccountSummary.nextRenewal(start: start, interval: .month, count: 1, after: Timestamp(year: 2023, month: 2, day: 10))
                == CivilDate(year: 2023, month: 2, day: 28))
        #expect(AccountSummary.nextRenewal(start: start, interval: .year, count: 1, after: Timestamp(year: 2024, month: 5, day: 1))
                == CivilDate(year: 2025, month: 1, day: 31))
        #expect(AccountSummary.nextRenewal(start: start, interval: .week, count: 2, after: Timestamp(year: 2023, month: 2, day: 1))
                == CivilDate(year: 2023, month: 2, day: 14))
    }

    @Test func revenueDriversAreTheLargestMovesOfThePeriod() {
        let calculator = KPICalculator(dataset: Self.dataset(), settings: ReportSettings())
        let feb = Period(grain: .month, containing: CivilDate(year: 2024, month: 2, day: 1))
        let drivers = KPIDrivers.drivers(of: .mrr, in: feb, calculator: calculator, include: { _ in true })
        // February: b churns (100 → 0 on the 10th), d starts (0 → 50 on the 20th).
        #expect(drivers.map(\.reason) == ["churned", "new customer"])
        #expect(drivers.map(\.amount) == [10_000, 5_000])
        #expect(drivers.map(\.at) == [Timestamp(year: 2024, month: 2, day: 10), Timestamp(year: 2024, month: 2, day: 20)])
        #expect(drivers.map(\.before) == [10_000, 0] && drivers.map(\.after) == [0, 5_000])
        let mar = feb.next
        #expect(KPIDrivers.drivers(of: .expansionMRR, in: mar, calculator: calculator, include: { _ in true }).map(\.reason) == ["expanded"])
    }
}
