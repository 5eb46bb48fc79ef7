import Testing
import VitalsCore

/// The remission times of Freireich et al. (1963, *Blood* 21, 699-716), 6-MP versus placebo, as tabulated in
/// Kleinbaum and Klein, *Survival Analysis: A Self-Learning Text* (3rd ed., 2012), ch. 2 (weeks; `false` = censored).
enum Freireich {
    static let treatment: [(Double, Bool)] = [
        (6, true), (6, true), (6, true), (6, false), (7, true), (9, false), (10, true), (10, false), (11, false),
        (13, true), (16, true), (17, false), (19, false), (20, false), (22, true), (23, true), (25, false),
        (32, false), (32, false), (34, false), (35, false),
    ]
    static let placebo: [(Double, Bool)] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
        .map { (Double($0), true) }

    static func kaplanMeier(_ group: [(Double, Bool)]) -> KaplanMeier {
        KaplanMeier(durations: group.map(\.0), observed: group.map(\.1))
    }
}

@Suite struct LifetimeKaplanMeierTests {
    @Test func reproducesKleinbaumAndKleinsTableFor6MP() {
        let km = Freireich.kaplanMeier(Freireich.treatment)
        // Kleinbaum and Klein, table for group 1: t(f), n(f), m(f), S(t(f)).
        let table: [(Double, Int, Int, Double)] = [
            (6, 21, 3, 0.8571), (7, 17, 1, 0.8067), (10, 15, 1, 0.7529), (13, 12, 1, 0.6902), (16, 11, 1, 0.6275),
            (22, 7, 1, 0.5378), (23, 6, 1, 0.4482),
        ]
        let rows = km.eventSteps
        #expect(rows.count == table.count)
        for (row, expected) in zip(rows, table) {
            #expect(row.time == expected.0)
            #expect(row.atRisk == expected.1)
            #expect(row.events == expected.2)
            #expect(abs(row.survival - expected.3) < 0.00005)
        }
        #expect(km.subjects == 21 && km.events == 9)
        #expect(km.survival(at: 5.99) == 1)
        #expect(abs(km.survival(at: 30) - 0.4482) < 0.00005)
    }

    @Test func greenwoodStandardErrorByHand() {
        let km = Freireich.kaplanMeier(Freireich.treatment)
        // At t = 6: S = 18/21, Σ d/(n(n-d)) = 3/(21 x 18); SE = S √Σ = 0.0763604.
        let first = km.eventSteps[0]
        #expect(relativelyClose(first.greenwoodSum, 3.0 / (21 * 18), 1e-15))
        #expect(abs(first.standardError - 0.0763604) < 1e-7)
        // At t = 7: Σ += 1/(17 x 16).
        #expect(relativelyClose(km.eventSteps[1].greenwoodSum, 3.0 / 378 + 1.0 / 272, 1e-15))
    }

    /// lifelines 0.30.3:
    /// ```python
    /// k = KaplanMeierFitter().fit(t, e); k.confidence_interval_; k.median_survival_time_
    /// median_survival_times(k.confidence_interval_); restricted_mean_survival_time(k, t=35)
    /// ```
    @Test func confidenceBandMedianAndRestrictedMeanMatchLifelines() {
        let treated = Freireich.kaplanMeier(Freireich.treatment)
        let band: [(Double, Double, Double)] = [
            (6, 0.6197179553, 0.9515517476), (13, 0.4316102225, 0.8490659633), (23, 0.1880520060, 0.6801426285),
        ]
        for (t, lower, upper) in band {
            let step = treated.steps.first { $0.time == t }!
            #expect(abs(step.lower - lower) < 1e-9)
            #expect(abs(step.upper - upper) < 1e-9)
        }
        #expect(treated.median == 23)
        #expect(treated.medianConfidenceInterval.lower == 13)
        #expect(treated.medianConfidenceInterval.upper == nil)  // lifelines: inf
        #expect(abs(treated.restrictedMean(upTo: 35) - 23.2873949580) < 1e-9)
        #expect(abs(treated.restrictedMean(upTo: 20) - 16.1165266106) < 1e-9)

        let placebo = Freireich.kaplanMeier(Freireich.placebo)
        #expect(placebo.median == 8)  // Kleinbaum and Klein: median 8 weeks
        #expect(placebo.medianConfidenceInterval.lower == 4)
        #expect(placebo.medianConfidenceInterval.upper == 11)
        let at12 = placebo.steps.first { $0.time == 12 }!
        #expect(abs(at12.lower - 0.0594817014) < 1e-9 && abs(at12.upper - 0.3774348906) < 1e-9)
        // S reaches 0 at 23: the band is (0, 0) there, as lifelines reports it.
        #expect(placebo.steps.last!.survival == 0 && placebo.steps.last!.lower == 0 && placebo.steps.last!.upper == 0)
        #expect(abs(placebo.restrictedMean(upTo: 35) - 8.6666666667) < 1e-9)
        #expect(abs(placebo.restrictedMean(upTo: 20) - 8.4285714286) < 1e-9)
    }

    @Test func allCensored() {
        let km = KaplanMeier(durations: [1, 2, 3], observed: [false, false, false])
        #expect(km.median == nil)  // lifelines: inf
        #expect(km.medianConfidenceInterval.lower == nil && km.medianConfidenceInterval.upper == nil)
        #expect(km.steps.allSatisfy { $0.survival == 1 && $0.lower == 1 && $0.upper == 1 })
        #expect(km.restrictedMean(upTo: 3) == 3)
        #expect(km.events == 0)
    }

    @Test func emptyAndSingleSubject() {
        let empty = KaplanMeier(durations: [], observed: [])
        #expect(empty.steps.isEmpty && empty.median == nil && empty.restrictedMean(upTo: 4) == 4)
        let one = KaplanMeier(durations: [2], observed: [true])
        #expect(one.survival(at: 2) == 0 && one.median == 2 && one.restrictedMean(upTo: 5) == 2)
    }
}
