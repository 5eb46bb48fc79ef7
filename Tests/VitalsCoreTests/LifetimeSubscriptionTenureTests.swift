import Testing
import VitalsCore

/// Tenures and survival-based lifetime value on a hand-built company (days worked out by hand, as-of 2024-07-01).
@Suite struct LifetimeSubscriptionTenureTests {
    static let month = 365.25 / 12

    func company() -> DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("A", industry: "Retail")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-04-01")  // churns after 91 days
        let bb = b.account("B", industry: "Retail")
        b.subscription(bb, 100, from: "2024-02-01")  // still paying: censored after 151 days
        let c = b.account("C", industry: "Media")
        b.subscription(c, 100, from: "2024-01-01", status: .trialing)  // never pays: no tenure
        let d = b.account("D", industry: "Media")
        b.subscription(d, 50, from: "2024-03-01", to: "2024-05-01")  // first spell: 61 days, then churned
        b.subscription(d, 50, from: "2024-06-01")  // a reactivation does not extend the first lifetime
        let e = b.account("E", industry: "Media")
        b.subscription(e, 100, from: "2024-08-01")  // starts after the as-of instant
        let f = b.account("F", industry: "Media")
        b.subscription(f, 50, from: "2024-01-01", to: "2024-03-01")  // upgraded back to back: one spell
        b.subscription(f, 80, from: "2024-03-01")  // censored after 182 days
        let g = b.account("G", industry: "Media")
        b.subscription(g, 100, from: "2024-05-01", to: "2024-07-01")  // churns exactly at the as-of instant
        return b
    }

    @Test func tenuresFromTheRevenueTimeline() {
        let builder = company()
        let tenures = SubscriptionTenure.tenures(dataset: builder.dataset, settings: ReportSettings(), asOf: at("2024-07-01"))
        let byName = Dictionary(uniqueKeysWithValues: tenures.map { (builder.dataset[$0.account].name, $0) })
        #expect(Set(byName.keys) == ["A", "B", "D", "F", "G"])
        let expected: [String: (days: Double, churned: Bool, revenueMinorDays: Double)] = [
            "A": (91, true, 10_000 * 91), "B": (151, false, 10_000 * 151), "D": (61, true, 5_000 * 61),
            "F": (182, false, 5_000 * 60 + 8_000 * 122), "G": (61, true, 10_000 * 61),
        ]
        for (name, want) in expected {
            let t = byName[name]!
            #expect(t.days == want.days, "\(name)")
            #expect(t.churned == want.churned, "\(name)")
            #expect(relativelyClose(t.revenue, want.revenueMinorDays / Self.month, 1e-12), "\(name)")
        }
        #expect(relativelyClose(byName["A"]!.months, 91 / Self.month, 1e-15))
        #expect(SubscriptionTenure.cohort(of: byName["B"]!, grain: .quarter) == "2024-Q1")
        #expect(SubscriptionTenure.cohort(of: byName["G"]!, grain: .year) == "2024")
        // Before anyone churned, everyone who paid is censored.
        let early = SubscriptionTenure.tenures(dataset: builder.dataset, settings: ReportSettings(), asOf: at("2024-02-15"))
        #expect(early.count == 3 && early.allSatisfy { !$0.churned })
    }

    @Test func survivalBasedLifetimeValueByHand() {
        let builder = company()
        let tenures = SubscriptionTenure.tenures(dataset: builder.dataset, settings: ReportSettings(), asOf: at("2024-07-01"))
        let analysis = SurvivalLifetimeValue.analyse(
            tenures, grossMargin: 0.8, segmentOf: { builder.dataset[$0.account].industry ?? "(none)" })
        let all = analysis.overall
        // Events at 61 days (D, G of 5 at risk): S = 3/5; at 91 days (A of 3): S = 2/5; B, F censored.
        #expect(all.accounts == 5 && all.churned == 3)
        #expect(relativelyClose(all.kaplanMeier.survival(at: 61 / Self.month), 0.6, 1e-15))
        #expect(relativelyClose(all.median!, 91 / Self.month, 1e-15))
        // τ = the longest tenure, 182 days; RMST = (61 + 0.6 x 30 + 0.4 x 91) days.
        #expect(relativelyClose(all.restrictedTo, 182 / Self.month, 1e-15))
        #expect(relativelyClose(all.restrictedMeanMonths, 115.4 / Self.month, 1e-12))
        // ARPA = Σ revenue / Σ months = 4,611,000 minor-unit-days / 546 days.
        #expect(relativelyClose(all.arpa!, 4_611_000.0 / 546, 1e-12))
        #expect(relativelyClose(all.lifetimeValue!, 4_611_000.0 / 546 * 0.8 * 115.4 / Self.month, 1e-12))
        #expect(analysis.segments.map(\.segment) == ["Media", "Retail"])
        #expect(analysis.segments[0].accounts == 3 && analysis.segments[1].accounts == 2)
        #expect(analysis.segments.allSatisfy { $0.restrictedTo == all.restrictedTo })
        #expect(analysis.logRank?.degreesOfFreedom == 1)
    }

    @Test func noPayingAccounts() {
        var b = DatasetBuilder()
        b.account("A")
        let tenures = SubscriptionTenure.tenures(dataset: b.dataset, settings: ReportSettings(), asOf: at("2024-07-01"))
        #expect(tenures.isEmpty)
        let analysis = SurvivalLifetimeValue.analyse(tenures, grossMargin: 1)
        #expect(analysis.overall.accounts == 0 && analysis.overall.arpa == nil && analysis.overall.lifetimeValue == nil)
        #expect(analysis.logRank == nil)
    }
}
