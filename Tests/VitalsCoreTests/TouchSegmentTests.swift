import Testing
import VitalsCore

/// Segments on the touch tier use each account's tier as of each period's start, and the twelve-month NRR cohort's
/// tier as of twelve months before the period end (issue 27, item 3; docs/metrics.md, segments). Every expected value
/// is worked out by hand below.
@Suite struct TouchSegmentTests {
    /// ARR basis: high touch from ARR 12,000 (MRR 1,000), low touch from ARR 1,200 (MRR 100), tech below.
    static var health: HealthSettings {
        var h = HealthSettings()
        h.touch.basis = .arr
        h.touch.highFrom = 12_000
        h.touch.lowFrom = 1_200
        return h
    }

    static func calculator(_ b: DatasetBuilder, tiersAt end: String) -> KPICalculator {
        KPICalculator(dataset: b.dataset, settings: ReportSettings(), touchTiers: health, at: at(end))
    }

    static func months(_ from: String, _ through: String) -> [Period] {
        Period.range(from: try! CivilDate.parseBound(from).first, through: try! CivilDate.parseBound(through).last, grain: .month)
    }

    /// a: 500 from Jan, 1,500 from 15 Mar. b: 2,000 from Jan, 600 from 10 Feb, churns 20 Apr. c: 50 from Jan, 200
    /// from 20 Feb. Tiers (MRR as of the instant x 12):
    ///
    /// | account | 1 Feb | 1 Mar | 1 Apr | 1 May (report end) |
    /// |---|---|---|---|---|
    /// | a | low (6,000) | low (6,000) | high (18,000) | high |
    /// | b | high (24,000) | low (7,200) | low (7,200) | tech (0) |
    /// | c | tech (600) | low (2,400) | low (2,400) | low |
    static var growing: DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("a", industry: "Retail")
        b.subscription(a, 500, from: "2024-01-01", to: "2024-03-15", id: "sub_a")
        b.subscription(a, 1_500, from: "2024-03-15", id: "sub_a")
        let bee = b.account("b", industry: "Media")
        b.subscription(bee, 2_000, from: "2024-01-01", to: "2024-02-10", id: "sub_b")
        b.subscription(bee, 600, from: "2024-02-10", to: "2024-04-20", id: "sub_b")
        let c = b.account("c", industry: "Retail")
        b.subscription(c, 50, from: "2024-01-01", to: "2024-02-20", id: "sub_c")
        b.subscription(c, 200, from: "2024-02-20", id: "sub_c")
        return b
    }

    @Test func highTouchSegmentFollowsTheTierAtEachPeriodStart() throws {
        let calculator = Self.calculator(Self.growing, tiersAt: "2024-05-01")
        let high = try SegmentFilter.parse("touch = high", knownAttributes: ["touch"])
        let rows = calculator.report(ReportScope(periods: Self.months("2024-02", "2024-04"), segment: high)).rows
        // February: high = {b}: start 2,000, contraction 1,400 on the 10th, end 600.
        #expect(rows[0].major(.mrr) == 600)
        #expect(rows[0].major(.contractionMRR) == 1_400)
        #expect(close(rows[0][.grr].double, 0.30))  // (2,000 - 1,400) / 2,000
        #expect(close(rows[0][.nrrPeriod].double, 0.30))  // 600 / 2,000
        // March: nobody is high touch on 1 March (a grows on the 15th, in the low tier's row).
        #expect(rows[1].major(.mrr) == 0)
        #expect(rows[1].major(.expansionMRR) == 0)
        #expect(rows[1][.grr] == .null)
        // April: high = {a}: 1,500 throughout.
        #expect(rows[2].major(.mrr) == 1_500)
        #expect(close(rows[2][.grr].double, 1.0))
        // (With the tier as of 1 May, high would be {a} in every month: February MRR 500, March NRR (period) 300 %.)
        #expect(rows[0].major(.payingCustomers) == 1)
    }

    @Test func membersOfAPeriodAreThoseItsRowCounts() throws {
        let calculator = Self.calculator(Self.growing, tiersAt: "2024-05-01")
        let high = try SegmentFilter.parse("touch = high", knownAttributes: ["touch"])
        let months = Self.months("2024-02", "2024-04")
        // Accounts a, b, c: high on 1 February is b, on 1 March nobody, on 1 April a.
        #expect(calculator.members(of: high, in: months[0]) == [false, true, false])
        #expect(calculator.members(of: high, in: months[1]) == [false, false, false])
        #expect(calculator.members(of: high, in: months[2]) == [true, false, false])
        // A fixed attribute: the same in every period.
        let retail = try SegmentFilter.parse("industry = Retail", knownAttributes: ["industry"])
        #expect(calculator.members(of: retail, in: months[0]) == [true, false, true])
    }

    @Test func byTouchPartitionsEachPeriodByTheStartTier() {
        let calculator = Self.calculator(Self.growing, tiersAt: "2024-05-01")
        let groups = calculator.reports(ReportScope(periods: Self.months("2024-02", "2024-04")), by: "touch")
        #expect(groups.map(\.value) == ["high", "low", "tech"])
        let mrr = Dictionary(uniqueKeysWithValues: groups.map { ($0.value, $0.report.rows.map { $0.major(.mrr) ?? -1 }) })
        // February: high {b} 600, low {a} 500, tech {c} 200 (expanded on the 20th). March: low {a, b, c}
        // 1,500 + 600 + 200. April: high {a} 1,500, low {b, c} 0 + 200 (b churns on the 20th), tech nobody.
        #expect(mrr["high"] == [600, 0, 1_500])
        #expect(mrr["low"] == [500, 2_300, 200])
        #expect(mrr["tech"] == [200, 0, 0])
        // The groups add up to the company: 1,300, 2,300, 1,700.
        let all = calculator.report(ReportScope(periods: Self.months("2024-02", "2024-04"))).rows.map { $0.major(.mrr) }
        #expect(all == [1_300, 2_300, 1_700])
        let low = groups[1].report.rows
        // Low in March: start 500 + 600 + 200 = 1,300, a expands by 1,000: NRR (period) 2,300 / 1,300, GRR 100 %.
        #expect(close(low[1][.nrrPeriod].double, 2_300.0 / 1_300.0))
        #expect(close(low[1][.grr].double, 1.0))
        // Low in April: start 600 + 200 = 800, b churns 600: GRR 200 / 800 = 25 %, one of two customers lost.
        #expect(close(low[2][.grr].double, 0.25))
        #expect(close(low[2][.customerChurnRate].double, 0.5))
        #expect(groups[0].report.segment == "touch=high")
    }

    @Test func segmentOnTierAndFixedAttributeTogether() throws {
        let calculator = Self.calculator(Self.growing, tiersAt: "2024-05-01")
        let filter = try SegmentFilter.parse("touch = low and industry = Retail", knownAttributes: ["touch", "industry"])
        let rows = calculator.report(ReportScope(periods: Self.months("2024-02", "2024-04"), segment: filter)).rows
        // Retail = {a, c}. Low on 1 Feb: {a} 500; 1 Mar: {a, c} 1,500 + 200; 1 Apr: {c} 200.
        #expect(rows.map { $0.major(.mrr) } == [500, 1_700, 200])
    }

    /// Twelve-month NRR of June 2024 (cohort: accounts paying on 1 July 2023). d: 2,000 from January 2023 (high on
    /// 1 July 2023), 500 from 10 January 2024 (low since). e: 300 from January 2023 (low on 1 July 2023), 3,000
    /// from 1 December 2023 (high since).
    @Test func twelveMonthNRRTakesTheCohortByItsTierAYearBack() throws {
        var b = DatasetBuilder()
        let d = b.account("d")
        b.subscription(d, 2_000, from: "2023-01-01", to: "2024-01-10", id: "sub_d")
        b.subscription(d, 500, from: "2024-01-10", id: "sub_d")
        let e = b.account("e")
        b.subscription(e, 300, from: "2023-01-01", to: "2023-12-01", id: "sub_e")
        b.subscription(e, 3_000, from: "2023-12-01", id: "sub_e")
        let calculator = Self.calculator(b, tiersAt: "2024-07-01")
        let june = Self.months("2024-06", "2024-06")
        let high = try SegmentFilter.parse("touch = high", knownAttributes: ["touch"])
        let highJune = calculator.report(ReportScope(periods: june, segment: high)).rows[0]
        // High a year back = {d}: 500 now / 2,000 then = 25 % (as of the end, {e}: 3,000 / 300 = 1,000 %).
        #expect(close(highJune[.nrr].double, 0.25))
        #expect(highJune.revenue.yearAgoMRR == 200_000)
        #expect(highJune.revenue.yearAgoCohortMRRNow == 50_000)
        // The month itself: high on 1 June = {e}, 3,000.
        #expect(highJune.major(.mrr) == 3_000)
        let groups = calculator.reports(ReportScope(periods: june), by: "touch")
        let low = try #require(groups.first { $0.value == "low" }).report.rows[0]
        // Low a year back = {e}: 3,000 / 300 = 1,000 %; low on 1 June = {d}: 500.
        #expect(close(low[.nrr].double, 10.0))
        #expect(low.major(.mrr) == 500)
    }

    @Test func fixedAttributeSegmentsAreUnchanged() throws {
        let b = Self.growing
        let tagged = Self.calculator(b, tiersAt: "2024-05-01")
        let plain = KPICalculator(dataset: b.dataset, settings: ReportSettings())
        let retail = try SegmentFilter.parse("industry = Retail", knownAttributes: ["industry"])
        let scope = ReportScope(periods: Self.months("2024-01", "2024-04"), segment: retail)
        let x = tagged.report(scope).rows
        let y = plain.report(scope).rows
        for kpi in KPI.allCases {
            #expect(x.map { $0[kpi] } == y.map { $0[kpi] }, "\(kpi)")
        }
        // Retail {a, c}: 550, 700, 1,700, 1,700.
        #expect(x.map { $0.major(.mrr) } == [550, 700, 1_700, 1_700])
    }
}
