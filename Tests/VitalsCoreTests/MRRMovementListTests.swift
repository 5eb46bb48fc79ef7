import Testing
@testable import VitalsCore

/// The accounts behind each revenue KPI (issue 27): every movement of the period of that KPI's kind, with its date and
/// the MRR before and after, adding up to the KPI. Worked by hand on March 2024:
///
/// | account | history | March movements |
/// |---|---|---|
/// | a | Core 100 from January; adds Analytics 50 on 03-10, which drops to 20 on 03-20 | expansion 50 (100 → 150, cross-sell), contraction 30 (150 → 120) |
/// | b | 80 from January, ends 03-05; 60 again from 03-25 | churn 80 (80 → 0), reactivation 60 (0 → 60) |
/// | c | 40 from February, ends 03-15 | churn 40 (40 → 0) |
/// | d | new on 03-12 at 25 | new 25 |
/// | e | paid 70 June-August 2023; 70 again from 03-01 00:00 | reactivation 70 (at the period's first instant) |
/// | f | 50 from January, unchanged | none |
/// | g | new on 03-03 at 10, ends 03-28 | new 10, churn 10 (not in the start cohort) |
///
/// MRR at start = a 100 + b 80 + c 40 + f 50 = 270; new 35, expansion 50, reactivation 130, contraction 30, churn 130;
/// at end 270 + 35 + 50 + 130 - 30 - 130 = 325 (a 120 + b 60 + d 25 + e 70 + f 50). Customers lost: c only (b came
/// back, g was not paying at the start).
@Suite struct MRRMovementListTests {
    static func builder() -> DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", product: "Core")
        b.subscription(a, 50, from: "2024-03-10", to: "2024-03-20", product: "Analytics", id: "sa2")
        b.subscription(a, 20, from: "2024-03-20", product: "Analytics", id: "sa2")
        let bee = b.account("b")
        b.subscription(bee, 80, from: "2024-01-01", to: "2024-03-05")
        b.subscription(bee, 60, from: "2024-03-25")
        b.subscription(b.account("c"), 40, from: "2024-02-01", to: "2024-03-15")
        b.subscription(b.account("d"), 25, from: "2024-03-12")
        let e = b.account("e")
        b.subscription(e, 70, from: "2023-06-01", to: "2023-09-01")
        b.subscription(e, 70, from: "2024-03-01T00:00:00Z")
        b.subscription(b.account("f"), 50, from: "2024-01-01")
        b.subscription(b.account("g"), 10, from: "2024-03-03", to: "2024-03-28")
        return b
    }

    static let march = Period(grain: .month, containing: CivilDate(year: 2024, month: 3, day: 1))

    func drivers(_ kpi: KPI, _ calculator: KPICalculator) -> [(String, String, Double, String, Int64?, Int64?)] {
        KPIDrivers.drivers(of: kpi, in: Self.march, calculator: calculator, include: { _ in true }).map {
            (calculator.dataset.accounts[$0.account.int].id.rawValue, $0.reason, $0.amount / 100, $0.at!.date.description, $0.before, $0.after)
        }
    }

    @Test func eachMovementKPIListsExactlyItsMovementsWithDateAndMRRBeforeAndAfter() {
        let calculator = KPICalculator(dataset: Self.builder().dataset, settings: ReportSettings())
        #expect(drivers(.newMRR, calculator).map { "\($0.0) \($0.2) \($0.3) \($0.4!)→\($0.5!)" } == [
            "d 25.0 2024-03-12 0→2500", "g 10.0 2024-03-03 0→1000",
        ])
        #expect(drivers(.expansionMRR, calculator).map { "\($0.0) \($0.2) \($0.3) \($0.4!)→\($0.5!)" } == ["a 50.0 2024-03-10 10000→15000"])
        #expect(drivers(.contractionMRR, calculator).map { "\($0.0) \($0.2) \($0.3) \($0.4!)→\($0.5!)" } == ["a 30.0 2024-03-20 15000→12000"])
        #expect(drivers(.churnedMRR, calculator).map { "\($0.0) \($0.2) \($0.3)" } == [
            "b 80.0 2024-03-05", "c 40.0 2024-03-15", "g 10.0 2024-03-28",
        ])
        #expect(drivers(.reactivationMRR, calculator).map { "\($0.0) \($0.1) \($0.2) \($0.3)" } == [
            "e reactivated 70.0 2024-03-01", "b reactivated 60.0 2024-03-25",
        ])
        // Customer churn: the start-cohort customers not paying at the end, with their churn.
        #expect(drivers(.customerChurnRate, calculator).map { "\($0.0) \($0.3) \($0.4!)→\($0.5!)" } == ["c 2024-03-15 4000→0"])
        #expect(drivers(.churnedCustomers, calculator).count == 1)
        // Gross revenue churn: the start cohort's churn and contraction (b 80, c 40, a 30 = 150 of 270).
        #expect(drivers(.grossRevenueChurnRate, calculator).map { "\($0.0) \($0.2)" } == ["b 80.0", "c 40.0", "a 30.0"])
        // Net revenue churn (every movement but new ones) and its cohort form (the cohort's only: not e's or g's).
        #expect(drivers(.netRevenueChurnRate, calculator).map(\.0) == ["b", "e", "b", "a", "c", "a", "g"])
        #expect(drivers(.netRevenueChurnRateCohort, calculator).map(\.0) == ["b", "b", "a", "c", "a"])
        #expect(drivers(.crossSellRate, calculator).map(\.0) == ["a"])
        #expect(drivers(.upsellRate, calculator).isEmpty)
        // MRR: all nine movements (a 2, b 2, c, d, e, g 2), none left out.
        #expect(drivers(.mrr, calculator).count == 9)
    }

    @Test func everyListAddsUpToItsKPI() {
        let b = Self.builder()
        let row = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(row.major(.newMRR) == 35 && row.major(.expansionMRR) == 50 && row.major(.contractionMRR) == 30)
        #expect(row.major(.churnedMRR) == 130 && row.major(.reactivationMRR) == 130 && row.major(.mrr) == 325)
        #expect(close(row[.customerChurnRate].double, 1.0 / 4.0))
        #expect(close(row[.grossRevenueChurnRate].double, 150.0 / 270.0))
        let calculator = KPICalculator(dataset: b.dataset, settings: ReportSettings())
        for kind in MRRMovement.Kind.allCases {
            let listed = drivers(kind.kpi, calculator).reduce(0) { $0 + $1.2 }
            #expect(listed == row.major(kind.kpi), "\(kind)")
        }
        // The signed changes of all movements add up to net new MRR: 325 - 270 = 55.
        let movements = MRRMovements.list(in: Self.march, timeline: calculator.timeline, include: { _ in true })
        #expect(movements.reduce(0) { $0 + $1.change } == 5_500)
        #expect(row.major(.netNewMRR) == 55)
        // A segment lists its own accounts only.
        let onlyB = KPIDrivers.drivers(of: .churnedMRR, in: Self.march, calculator: calculator, include: { $0 == 1 })
        #expect(onlyB.map(\.account.int) == [1])
    }

    /// Twelve-month NRR of March 2024: the cohort paying just before 2023-04-01 is h (200) and i (100); h contracted to
    /// 150 on 2023-12-01: NRR = 250 / 300, and h is the one account behind it.
    @Test func nrrListsTheTwelveMonthCohortsChanges() {
        var b = DatasetBuilder()
        let h = b.account("h")
        b.subscription(h, 200, from: "2023-01-01", to: "2023-12-01", id: "sh")
        b.subscription(h, 150, from: "2023-12-01", id: "sh")
        b.subscription(b.account("i"), 100, from: "2023-01-01")
        b.subscription(b.account("j"), 500, from: "2023-06-01")
        let row = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(close(row[.nrr].double, 250.0 / 300.0))
        let calculator = KPICalculator(dataset: b.dataset, settings: ReportSettings())
        let list = KPIDrivers.drivers(of: .nrr, in: Self.march, calculator: calculator, include: { _ in true })
        #expect(list.map(\.account.int) == [0])
        #expect(list.map(\.before) == [20_000] && list.map(\.after) == [15_000])
        #expect(list.first?.at == Timestamp(year: 2023, month: 4, day: 1))
    }
}
