/// Survival of one segment's accounts and its survival-based lifetime value.
public struct SegmentSurvival: Sendable {
    public var segment: String
    public var accounts: Int { kaplanMeier.subjects }
    public var churned: Int { kaplanMeier.events }
    /// Kaplan-Meier estimate of tenure, in months of 30.4375 days.
    public var kaplanMeier: KaplanMeier
    /// The months to which the mean lifetime is restricted (τ).
    public var restrictedTo: Double
    /// The restricted mean lifetime ∫₀^τ S(t) dt, in months.
    public var restrictedMeanMonths: Double
    /// Average revenue per paying account-month over the observed tenures, in reporting-currency minor units:
    /// Σ revenue / Σ tenure months; `nil` when the tenures add up to no time.
    public var arpa: Double?
    /// ARPA x gross margin x restricted mean lifetime (months), in reporting-currency minor units; `nil` without ARPA.
    public var lifetimeValue: Double?

    public var median: Double? { kaplanMeier.median }
    public var medianConfidenceInterval: (lower: Double?, upper: Double?) { kaplanMeier.medianConfidenceInterval }
}

/// Kaplan-Meier survival per segment, the log-rank test between segments, and a survival-based lifetime value.
public struct SurvivalAnalysis: Sendable {
    /// Every account together.
    public var overall: SegmentSurvival
    /// One entry per segment, sorted by name; empty when not segmented.
    public var segments: [SegmentSurvival]
    /// The log-rank test across `segments`; `nil` with fewer than two segments or no churn.
    public var logRank: LogRankTest?
}

/// The survival-based expected lifetime and CLV of subscription accounts.
///
/// The expected lifetime is the restricted mean survival time (RMST, Royston and Parmar 2013) of the Kaplan-Meier
/// curve of tenure in months, up to τ (default: the longest observed tenure of all accounts, the same τ for every
/// segment so that they compare; a segment's curve is flat after its own last observation). The plain mean
/// ∫₀^∞ S(t) dt is undefined while the curve has not reached zero, which it has not whenever the longest tenure is
/// censored, so RMST is a lower bound of the mean lifetime.
///
/// CLV = ARPA x gross margin x RMST (months), with ARPA the revenue per paying account-month over the observed tenures
/// (so it is the revenue rate of the same lifetimes), undiscounted. This is the survival analogue of Skok's
/// ARPA x gross margin / churn (docs/metrics.md, `ltv`), where 1 / churn is the mean lifetime under a constant churn.
public enum SurvivalLifetimeValue {
    public static func analyse(
        _ tenures: [AccountTenure], grossMargin: Double, segmentOf: ((AccountTenure) -> String)? = nil,
        restrictedTo tau: Double? = nil, confidenceLevel: Double = 0.95
    ) -> SurvivalAnalysis {
        let horizon = tau ?? tenures.reduce(0) { max($0, $1.months) }
        let overall = segment("all", tenures, grossMargin: grossMargin, tau: horizon, confidenceLevel: confidenceLevel)
        guard let segmentOf else { return SurvivalAnalysis(overall: overall, segments: [], logRank: nil) }
        var groups: [String: [AccountTenure]] = [:]
        for t in tenures { groups[segmentOf(t), default: []].append(t) }
        let names = groups.keys.sorted()
        let segments = names.map {
            segment($0, groups[$0]!, grossMargin: grossMargin, tau: horizon, confidenceLevel: confidenceLevel)
        }
        let logRank = LogRankTest(groups: names.map { name in
            (groups[name]!.map(\.months), groups[name]!.map(\.churned))
        })
        return SurvivalAnalysis(overall: overall, segments: segments, logRank: logRank)
    }

    static func segment(
        _ name: String, _ tenures: [AccountTenure], grossMargin: Double, tau: Double, confidenceLevel: Double
    ) -> SegmentSurvival {
        let km = KaplanMeier(
            durations: tenures.map(\.months), observed: tenures.map(\.churned), confidenceLevel: confidenceLevel)
        let rmst = km.restrictedMean(upTo: tau)
        let months = tenures.reduce(0) { $0 + $1.months }
        let arpa = months > 0 ? tenures.reduce(0) { $0 + $1.revenue } / months : nil
        return SegmentSurvival(
            segment: name, kaplanMeier: km, restrictedTo: tau, restrictedMeanMonths: rmst, arpa: arpa,
            lifetimeValue: arpa.map { $0 * grossMargin * rmst })
    }
}
