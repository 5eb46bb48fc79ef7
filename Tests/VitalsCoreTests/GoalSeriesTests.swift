import Testing

@testable import VitalsCore

/// The KPI series goals are evaluated on: which reports are needed, money in major units, and the text form the
/// server caches them in.
@Suite struct GoalSeriesTests {
    func report(_ values: [Int64?]) -> KPIReport {
        var period = Period(grain: .month, containing: CivilDate(year: 2026, month: 1, day: 1))
        var rows: [KPIReport.Row] = []
        for value in values {
            rows.append(KPIReport.Row(period: period, values: [.mrr: KPIValue(value.map(Double.init)), .nps: .number(-12.5)], revenue: RevenueTally()))
            period = period.next
        }
        return KPIReport(currency: .usd, grain: .month, segment: nil, rows: rows)
    }

    @Test func moneyIsInMajorUnitsAndTheTextFormRoundTrips() throws {
        // 123,456 cents = 1,234.56 dollars; 100 cents = 1 dollar; no value stays no value.
        let series = KPISeries(report([123_456, nil, 100]), kpi: .mrr)
        #expect(series.points.map(\.value) == [1234.56, nil, 1])
        #expect(series.points.map(\.period.label) == ["2026-01", "2026-02", "2026-03"])
        let text = GoalSeriesTable.encode(report([123_456, nil, 100]), kpis: [.mrr, .nps])
        #expect(text == "month\t2026-01-01\nmrr\t1234.56,,1.0\nnps\t-12.5,-12.5,-12.5")
        let decoded = try #require(GoalSeriesTable.decode(text))
        #expect(decoded[.mrr] == series)
        #expect(decoded[.nps]?.points.map(\.value) == [-12.5, -12.5, -12.5])
        #expect(GoalSeriesTable.decode("nonsense") == nil)
        #expect(GoalSeriesTable.decode(GoalSeriesTable.encode(report([]), kpis: [.mrr]))?[.mrr]?.points == [])
    }

    @Test func thePlanAsksOneReportPerGrainAndSegment() {
        let start = CivilDate(year: 2026, month: 3, day: 10)
        let end = CivilDate(year: 2026, month: 12, day: 31)
        let goal = GoalDefinition(
            key: "g", name: "G", deadline: end,
            target: KPITarget(kpi: .mrr, amount: .value(1), deadline: end, start: start),
            factors: [SuccessFactor(name: "F", targets: [
                KPITarget(kpi: .nps, amount: .value(1), deadline: end, start: start),
                KPITarget(kpi: .nps, amount: .value(1), deadline: end, start: start, segment: "industry = Retail"),
                KPITarget(kpi: .nps, amount: .value(1), deadline: end, start: start, segment: "tier = gold"),
                KPITarget(kpi: .csat, amount: .value(1), deadline: end, start: start, grain: .quarter),
            ])])
        let plan = GoalSeriesPlan(
            goals: [goal], dataStart: CivilDate(year: 2025, month: 6, day: 15), asOf: Timestamp(year: 2026, month: 7, day: 1),
            knownAttributes: ["industry"])
        #expect(plan.requests.count == 4)
        // All accounts, monthly: MRR and NPS. The baseline needs February (the month before the start's), the trend
        // three times 6 months back from June 2026: January 2025, but no earlier than the data (June 2025).
        let all = plan.requests[0]
        #expect(all.kpis == [.mrr, .nps])
        #expect(all.scope?.periods.first?.label == "2025-06")
        #expect(all.scope?.periods.last?.label == "2026-06")
        #expect(plan.requests[1].scope?.segment?.text == "industry = Retail")
        // An unknown attribute: no report, and the reason.
        #expect(plan.requests[2].scope == nil)
        #expect(plan.requests[2].problem?.contains("unknown attribute 'tier'") == true)
        // Quarterly: from the quarter of the data's start through the quarter containing 2026-06-30.
        #expect(plan.requests[3].scope?.periods.map(\.label) == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"])
        var table = GoalSeriesTable()
        table.fail(plan.requests[2].key, problem: "bad")
        #expect(table.lookup(goal.factors[0].targets[2]).problem == "bad")
        #expect(table.lookup(goal.factors[0].targets[0]).series == nil)
    }
}
