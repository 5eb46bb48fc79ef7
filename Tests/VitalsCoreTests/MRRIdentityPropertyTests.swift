import Testing
import VitalsCore

/// Property: for every period and every segment, MRR_end = MRR_start + new + expansion + reactivation - contraction -
/// churn, and each period starts where the previous one ended.
@Suite struct MRRIdentityPropertyTests {
    /// A random company: accounts with random version chains (gaps, plan changes, all statuses, several products,
    /// intervals and currencies).
    static func randomDataset(seed: UInt64) -> Dataset {
        var rng = SplitMix64(state: seed)
        var b = DatasetBuilder()
        b.dataset.fxRates = [FxRate(date: at("2022-01-01"), currency: .eur, rate: 1.07)]
        let industries = ["Retail", "Media", "Software"]
        let accounts = Int.random(in: 1...30, using: &rng)
        for n in 0..<accounts {
            let a = b.account("a\(n)", industry: industries.randomElement(using: &rng))
            for product in ["Core", "Analytics"].prefix(Int.random(in: 1...2, using: &rng)) {
                var day = Int.random(in: 0...500, using: &rng)
                let sub = "s\(n)-\(product)"
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    let start = CivilDate(year: 2023, month: 1, day: 1).adding(days: day)
                    let length = Int.random(in: 1...120, using: &rng)
                    let open = Bool.random(using: &rng) && Int.random(in: 0...3, using: &rng) == 0
                    let end = start.adding(days: length)
                    let statuses: [SubscriptionStatus] = [.active, .active, .active, .trialing, .pastDue, .paused]
                    b.subscription(
                        a, Double(Int.random(in: 0...500, using: &rng)), from: start.description,
                        to: open ? nil : end.description, product: product, id: sub,
                        status: statuses.randomElement(using: &rng)!,
                        interval: BillingInterval.allCases.randomElement(using: &rng)!,
                        intervalCount: Int.random(in: 1...3, using: &rng), quantity: Int.random(in: 0...5, using: &rng),
                        currency: Bool.random(using: &rng) ? .usd : .eur)
                    if open { break }
                    // Either consecutive (a change) or after a gap (churn and win-back).
                    day += length + (Bool.random(using: &rng) ? 0 : Int.random(in: 1...90, using: &rng))
                }
            }
        }
        return b.dataset
    }

    @Test(arguments: 0..<150)
    func identityHoldsForEveryPeriodAndSegment(seed: Int) throws {
        let dataset = Self.randomDataset(seed: UInt64(seed))
        var rng = SplitMix64(state: UInt64(seed) &* 7919)
        let grain = Grain.allCases.randomElement(using: &rng)!
        let periods = Period.range(
            from: CivilDate(year: 2023, month: 1, day: 1).adding(days: Int.random(in: 0...200, using: &rng)),
            through: CivilDate(year: 2024, month: 6, day: 1).adding(days: Int.random(in: 0...400, using: &rng)),
            grain: grain == .day ? .week : grain)
        let calculator = KPICalculator(dataset: dataset, settings: ReportSettings(delinquencyDays: Int.random(in: 0...60, using: &rng)))
        let whole = calculator.report(ReportScope(periods: periods))
        var reports = [whole]
        for value in ["Retail", "Media", "Software"] {
            let filter = try SegmentFilter.parse("industry=\(value)", knownAttributes: ["industry"])
            reports.append(calculator.report(ReportScope(periods: periods, segment: filter)))
        }
        for report in reports {
            var previousEnd: Int64?
            for row in report.rows {
                let t = row.revenue
                #expect(t.endMRR == t.startMRR + t.newMRR + t.expansionMRR + t.reactivationMRR - t.contractionMRR - t.churnedMRR)
                #expect(t.cohortEndMRR == t.startMRR - t.cohortChurnedMRR - t.cohortContractionMRR + t.cohortExpansionMRR + t.cohortReactivationMRR)
                if let previousEnd { #expect(t.startMRR == previousEnd) }
                previousEnd = t.endMRR
                #expect(t.endMRR >= 0)
            }
        }
        // The segments partition the accounts, so their movements add up to the whole.
        for p in periods.indices {
            let parts = reports.dropFirst().map { $0.rows[p].revenue }
            let total = whole.rows[p].revenue
            #expect(parts.map(\.newMRR).reduce(0, +) == total.newMRR)
            #expect(parts.map(\.churnedMRR).reduce(0, +) == total.churnedMRR)
            #expect(parts.map(\.endMRR).reduce(0, +) == total.endMRR)
            #expect(parts.map(\.payingAtEnd).reduce(0, +) == total.payingAtEnd)
        }
    }
}
