import Testing
import VitalsCore

/// Renewals and their KPIs (docs/metrics.md, renewals) against values worked out by hand: a renewal that expands,
/// one that churns, one that contracts at a `renews_at` override, a two-year term that renews, one still pending.
@Suite struct RenewalTests {
    /// Five accounts, all USD. ARR = 12 x MRR.
    /// - A: annual 12,000 (MRR 1,000) from 2024-01-01, 15,000 from 2025-01-01: due 2025-01-01, 12,000 -> 15,000.
    /// - B: annual 6,000 (MRR 500) 2024-02-01 to 2025-02-01, cancelled (too_expensive): due 2025-02-01, 6,000 -> 0.
    /// - C: 24,000 every 2 years (MRR 24,000 / 24 = 1,000) from 2023-03-01: due 2025-03-01, 12,000 -> 12,000.
    /// - D: 3,000 a quarter (MRR 1,000) from 2024-12-01 with renews_at 2025-02-15 (instead of 2025-03-01), 2,400 a
    ///   quarter (MRR 800) from then: due 2025-02-15, 12,000 -> 9,600; then 2025-05-15, 9,600 -> 9,600.
    /// - E: annual 1,200 (MRR 100) from 2024-06-20: due 2025-06-20, pending (2025-06-20 + 30 days = 2025-07-20 is
    ///   after the as-of instant 2025-07-01).
    static func dataset() -> DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("A", csm: "ana")
        let bb = b.account("B", csm: "ben")
        let c = b.account("C")
        let d = b.account("D")
        let e = b.account("E")
        b.subscription(a, 12_000, from: "2024-01-01", to: "2025-01-01", id: "sA", interval: .year)
        b.subscription(a, 15_000, from: "2025-01-01", id: "sA", interval: .year)
        b.subscription(bb, 6_000, from: "2024-02-01", to: "2025-02-01", id: "sB", interval: .year)
        b.dataset.subscriptions[b.dataset.subscriptions.count - 1].cancelReason = "too_expensive"
        b.subscription(c, 24_000, from: "2023-03-01", id: "sC", interval: .year, intervalCount: 2)
        b.subscription(d, 3_000, from: "2024-12-01", to: "2025-02-15", id: "sD", interval: .month, intervalCount: 3)
        b.dataset.subscriptions[b.dataset.subscriptions.count - 1].renewsAt = at("2025-02-15")
        b.subscription(d, 2_400, from: "2025-02-15", id: "sD", interval: .month, intervalCount: 3)
        b.subscription(e, 1_200, from: "2024-06-20", id: "sE", interval: .year)
        return b
    }

    func renewals(asOf: String = "2025-07-01") -> [Renewal] {
        KPICalculator(dataset: Self.dataset().dataset, settings: ReportSettings())
            .renewals(asOf: at(asOf), through: at("2025-06-30T23:59:59Z"))
    }

    @Test func eachRenewalHasItsBeforeAfterAndOutcome() {
        let got = renewals().map { ($0.subscriptionID.rawValue, $0.dueAt, $0.arrBefore, $0.arrAfter, $0.outcome) }
        // Money in cents: 12,000.00 = 1,200,000.
        let expected: [(String, Timestamp, Int64, Int64?, RenewalOutcome)] = [
            ("sA", at("2025-01-01"), 1_200_000, 1_500_000, .expanded),
            ("sB", at("2025-02-01"), 600_000, 0, .churned),
            ("sC", at("2025-03-01"), 1_200_000, 1_200_000, .renewed),
            ("sD", at("2025-02-15"), 1_200_000, 960_000, .contracted),
            ("sD", at("2025-05-15"), 960_000, 960_000, .renewed),
            ("sE", at("2025-06-20"), 120_000, nil, .pending),
        ]
        #expect(got.count == expected.count)
        for (g, x) in zip(got, expected) {
            #expect(g.0 == x.0 && g.1 == x.1 && g.2 == x.2 && g.3 == x.3 && g.4 == x.4, "\(g) != \(x)")
        }
    }

    @Test func aRenewalStaysPendingThroughItsGraceWindow() {
        // As of 2025-06-01, D's 2025-05-15 renewal waits until 2025-06-14 (30 days).
        let d = renewals(asOf: "2025-06-01").filter { $0.subscriptionID == "sD" }
        #expect(d.map(\.outcome) == [.contracted, .pending])
        // A late renewal counts: B renewing on 2025-02-20 (within 30 days) at the same price is a renewal.
        var b = Self.dataset()
        b.subscription(AccountIndex(1), 6_000, from: "2025-02-20", id: "sB2", interval: .year)
        let late = KPICalculator(dataset: b.dataset, settings: ReportSettings())
            .renewals(asOf: at("2025-07-01"), through: at("2025-02-28"))
        #expect(late.first { $0.subscriptionID == "sB" }?.outcome == .renewed)
        // With no grace at all it is a churn at the due date.
        let strict = KPICalculator(dataset: b.dataset, settings: ReportSettings(renewalGraceDays: 0))
            .renewals(asOf: at("2025-07-01"), through: at("2025-02-28"))
        #expect(strict.first { $0.subscriptionID == "sB" }?.outcome == .churned)
    }

    @Test func theKPIsPerQuarter() {
        let report = Self.dataset().report(from: "2025-01", through: "2025-06", grain: .quarter)
        let q1 = report.rows[0]
        let q2 = report.rows[1]
        // Q1: A, B, D (02-15), C due: 12,000 + 6,000 + 12,000 + 12,000 = 42,000 up for renewal, all decided.
        #expect(q1.major(.renewalsDue) == 4)
        #expect(q1.major(.arrUpForRenewal) == 42_000)
        // gross = (12,000 + 0 + 9,600 + 12,000) / 42,000 = 33,600 / 42,000 = 0.8
        #expect(close(q1[.grossRenewalRate].double, 0.8))
        // net = (15,000 + 0 + 9,600 + 12,000) / 42,000 = 36,600 / 42,000
        #expect(close(q1[.netRenewalRate].double, 36_600.0 / 42_000))
        // logo = 3 kept of 4
        #expect(close(q1[.logoRenewalRate].double, 0.75))
        // Q2: D (05-15) 9,600 decided and renewed, E 1,200 pending: due 2, ARR 10,800; rates over D alone.
        #expect(q2.major(.renewalsDue) == 2)
        #expect(q2.major(.arrUpForRenewal) == 10_800)
        #expect(q2[.grossRenewalRate].double == 1)
        #expect(q2[.netRenewalRate].double == 1)
        #expect(q2[.logoRenewalRate].double == 1)
    }

    @Test func theKPIsPerGroupOfBy() {
        let b = Self.dataset()
        let periods = Period.range(from: CivilDate(year: 2025, month: 1, day: 1), through: CivilDate(year: 2025, month: 3, day: 31), grain: .quarter)
        let groups = KPICalculator(dataset: b.dataset, settings: ReportSettings())
            .reports(ReportScope(periods: periods), by: "csm")
        let q1 = Dictionary(uniqueKeysWithValues: groups.map { ($0.value, $0.report.rows[0]) })
        #expect(Set(q1.keys) == ["(none)", "ana", "ben"])
        // ana (A): 12,000 -> 15,000: gross 12,000 / 12,000 = 1, net 15,000 / 12,000 = 1.25.
        #expect(q1["ana"]?.major(.renewalsDue) == 1 && q1["ana"]?.major(.arrUpForRenewal) == 12_000)
        #expect(q1["ana"]?[.grossRenewalRate].double == 1)
        #expect(close(q1["ana"]?[.netRenewalRate].double, 1.25))
        #expect(q1["ana"]?[.logoRenewalRate].double == 1)
        // ben (B): churned, every rate 0.
        #expect(q1["ben"]?[.grossRenewalRate].double == 0 && q1["ben"]?[.logoRenewalRate].double == 0)
        // (none) (C and D, no CSM): 12,000 -> 12,000 and 12,000 -> 9,600: gross = net = 21,600 / 24,000 = 0.9.
        #expect(q1["(none)"]?.major(.renewalsDue) == 2 && q1["(none)"]?.major(.arrUpForRenewal) == 24_000)
        #expect(close(q1["(none)"]?[.grossRenewalRate].double, 0.9))
        #expect(close(q1["(none)"]?[.netRenewalRate].double, 0.9))
        // The groups' renewals add up to the company's 4.
        #expect(groups.reduce(0.0) { $0 + ($1.report.rows[0].major(.renewalsDue) ?? 0) } == 4)
    }

    @Test func ratesAreNullWhenEveryRenewalIsPending() {
        // As of 2025-06-01 (now before the end of Q2), both Q2 renewals are pending.
        let b = Self.dataset()
        let periods = Period.range(from: CivilDate(year: 2025, month: 4, day: 1), through: CivilDate(year: 2025, month: 6, day: 30), grain: .quarter)
        let row = KPICalculator(dataset: b.dataset, settings: ReportSettings())
            .report(ReportScope(periods: periods, now: at("2025-06-01"))).rows[0]
        #expect(row.major(.renewalsDue) == 2)
        #expect(row[.grossRenewalRate] == .null)
        #expect(row[.netRenewalRate] == .null)
        #expect(row[.logoRenewalRate] == .null)
    }

    @Test func theScheduleIsBounded() {
        func version(_ interval: BillingInterval, _ count: Int, from: String, to: String? = nil) -> SubscriptionVersion {
            SubscriptionVersion(
                subscriptionID: "s", account: AccountIndex(0), product: "Core", amount: usd(100), interval: interval,
                intervalCount: count, validFrom: at(from), validTo: to.map(at))
        }
        // Every 3 months over 50 years: 4 a year x 50 = 200 due dates, from three months in to the 50th anniversary.
        let quarterly = RenewalSchedule.dueDates(of: [version(.month, 3, from: "2000-01-31")], through: at("2050-01-31"))
        #expect(quarterly.count == 200)
        #expect(quarterly.first == at("2000-04-30"))  // Jan 31 + 3 months, clamped to April's end
        #expect(quarterly[1] == at("2000-07-31"))  // counted from the start, not from the clamped date
        #expect(quarterly.last == at("2050-01-31"))
        // Monthly terms do not renew; an item ended inside its term has no renewal then.
        #expect(RenewalSchedule.dueDates(of: [version(.month, 1, from: "2020-01-01")], through: at("2030-01-01")).isEmpty)
        #expect(RenewalSchedule.dueDates(of: [version(.year, 1, from: "2020-01-01", to: "2020-06-01")], through: at("2030-01-01")).isEmpty)
        // An open-ended term far in the future stops at the last supported year.
        let long = RenewalSchedule.dueDates(of: [version(.month, 3, from: "1900-01-01")], through: Timestamp.distantFuture)
        #expect(long.count == RenewalSchedule.maxTerms)
    }
}

/// Churned MRR by cause (docs/metrics.md, `voluntary_churned_mrr`, `delinquent_churned_mrr`, `churned_mrr_by_reason`).
@Suite struct ChurnCauseTests {
    @Test func voluntaryAndDelinquentChurnAddUpToChurnedMRR() {
        var b = DatasetBuilder()
        let cancelled = b.account("B")
        let delinquent = b.account("F")
        let silent = b.account("G")
        // B: 500 a month until 2025-02-01, cancelled as too_expensive.
        b.subscription(cancelled, 500, from: "2024-02-01", to: "2025-02-01")
        b.dataset.subscriptions[b.dataset.subscriptions.count - 1].cancelReason = "too_expensive"
        // F: 200 a month, past_due from 2025-01-10: with 30 days' delinquency it churns on 2025-02-09.
        b.subscription(delinquent, 200, from: "2024-06-01", to: "2025-01-10")
        b.subscription(delinquent, 200, from: "2025-01-10", status: .pastDue)
        // G: 300 a month until 2025-02-20, no reason given.
        b.subscription(silent, 300, from: "2024-01-01", to: "2025-02-20")
        let feb = b.report(from: "2025-02", through: "2025-02").rows[0]
        // churned = 500 + 200 + 300 = 1,000; voluntary = 500 + 300 = 800; delinquent = 200.
        #expect(feb.major(.churnedMRR) == 1_000)
        #expect(feb.major(.voluntaryChurnedMRR) == 800)
        #expect(feb.major(.delinquentChurnedMRR) == 200)
        #expect(feb[.churnedMRRByReason] == .breakdown(["too_expensive": 50_000, "delinquent": 20_000, "(none)": 30_000]))
        // January: nothing churned.
        let jan = b.report(from: "2025-01", through: "2025-01").rows[0]
        #expect(jan.major(.voluntaryChurnedMRR) == 0 && jan.major(.delinquentChurnedMRR) == 0)
        #expect(jan[.churnedMRRByReason] == .breakdown([:]))
    }
}
