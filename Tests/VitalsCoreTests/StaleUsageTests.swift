import Testing

@testable import VitalsCore

/// The stale-data guard (docs/alerts.md, stale usage data).
@Suite struct StaleUsageTests {
    @Test func usageOlderThanTwoDaysBeforeTheInstantIsStale() throws {
        let t = try Timestamp.parse("2026-12-08")
        // t - 2 days = 2026-12-06 00:00: an event at 2026-12-05 23:00 is before it (stale, data stops on 12-05);
        // one at 2026-12-06 00:00 is not before it (fresh).
        #expect(StaleUsage.stopDate(newestEvent: try Timestamp.parse("2026-12-05T23:00:00Z"), at: t) == CivilDate(year: 2026, month: 12, day: 5))
        #expect(StaleUsage.stopDate(newestEvent: try Timestamp.parse("2026-12-06T00:00:00Z"), at: t) == nil)
        #expect(StaleUsage.stopDate(newestEvent: try Timestamp.parse("2026-12-07T12:00:00Z"), at: t) == nil)
        // No usage data at all: nothing to compare, nothing stale.
        #expect(StaleUsage.stopDate(newestEvent: nil, at: t) == nil)
    }

    @Test func staleUsageLeavesUsageDropRulesUnevaluated() {
        let d = Dataset()
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: HealthSettings()), accounts: d.accounts)
        let evaluator = AlertEvaluator(engine: engine, rules: [
            AlertRule(id: "red", kind: .turnedRed), AlertRule(id: "usage", kind: .usageDrop, percent: 50),
        ])
        #expect(evaluator.evaluatedRules(externalSources: []) == ["red", "usage"])
        #expect(evaluator.evaluatedRules(externalSources: [], staleUsage: true) == ["red"])
        // An open usage alert is neither cleared nor fired again while the data is stale.
        let open: Set<AlertKey> = [AlertKey(rule: "usage", subject: "a")]
        let (fire, clear) = AlertDeduplication.apply([], open: open, evaluated: evaluator.evaluatedRules(externalSources: [], staleUsage: true))
        #expect(fire.isEmpty && clear.isEmpty)
    }
}
