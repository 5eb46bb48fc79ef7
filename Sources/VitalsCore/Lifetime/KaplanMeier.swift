#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The Kaplan-Meier product-limit estimate of a survival function from right-censored durations (Kaplan and Meier
/// 1958, "Nonparametric estimation from incomplete observations", *JASA* 53, 457-481):
/// S(t) = Π over event times tⱼ ≤ t of (1 - dⱼ/nⱼ), with dⱼ events among the nⱼ subjects at risk just before tⱼ.
///
/// Variance by Greenwood's formula, Var S(t) = S(t)² Σ dⱼ/(nⱼ(nⱼ-dⱼ)); the pointwise confidence band is the
/// "exponential Greenwood" (log-log) one, S(t)^exp(±z √Σ / ln S(t)), as in lifelines' `KaplanMeierFitter`
/// (Kalbfleisch and Prentice 2002, §1.4). Subjects censored at an event time count as at risk at that time.
public struct KaplanMeier: Sendable {
    /// The estimate at one distinct observed time (an event or a censoring).
    public struct Step: Sendable, Equatable {
        public var time: Double
        /// Subjects still under observation just before `time`.
        public var atRisk: Int
        public var events: Int
        public var censored: Int
        /// S(time), after this time's events.
        public var survival: Double
        /// Greenwood's sum Σ dⱼ/(nⱼ(nⱼ-dⱼ)) over event times up to `time` (terms with dⱼ = nⱼ are left out, as lifelines
        /// does).
        public var greenwoodSum: Double
        /// The lower and upper pointwise confidence limits of S(time).
        public var lower: Double
        public var upper: Double

        /// Greenwood's standard error of S(time).
        public var standardError: Double { survival * greenwoodSum.squareRoot() }
    }

    /// One step per distinct time, in increasing time order.
    public private(set) var steps: [Step]
    public let subjects: Int
    public let events: Int
    public let confidenceLevel: Double

    /// Estimates from `durations` (≥ 0) and whether each ended in the event (`true`) or was censored (`false`).
    public init(durations: [Double], observed: [Bool], confidenceLevel: Double = 0.95) {
        precondition(durations.count == observed.count, "one observed flag per duration")
        precondition(confidenceLevel > 0 && confidenceLevel < 1, "confidence level must be in (0, 1)")
        var eventTimes: [Double] = []
        var censorTimes: [Double] = []
        eventTimes.reserveCapacity(durations.count)
        for (d, e) in zip(durations, observed) {
            if e { eventTimes.append(d) } else { censorTimes.append(d) }
        }
        eventTimes.sort()
        censorTimes.sort()
        let z = SpecialFunctions.normalQuantile(1 - (1 - confidenceLevel) / 2)
        var steps: [Step] = []
        var atRisk = durations.count
        var survival = 1.0
        var sum = 0.0
        var i = 0
        var j = 0
        while i < eventTimes.count || j < censorTimes.count {
            let t = min(i < eventTimes.count ? eventTimes[i] : .infinity, j < censorTimes.count ? censorTimes[j] : .infinity)
            var d = 0
            var c = 0
            while i < eventTimes.count && eventTimes[i] == t {
                d += 1
                i += 1
            }
            while j < censorTimes.count && censorTimes[j] == t {
                c += 1
                j += 1
            }
            if d > 0 {
                survival *= 1 - Double(d) / Double(atRisk)
                if d < atRisk { sum += Double(d) / (Double(atRisk) * Double(atRisk - d)) }
            }
            let band = KaplanMeier.band(survival: survival, greenwoodSum: sum, z: z)
            steps.append(
                Step(time: t, atRisk: atRisk, events: d, censored: c, survival: survival, greenwoodSum: sum,
                     lower: band.lower, upper: band.upper))
            atRisk -= d + c
        }
        self.steps = steps
        self.subjects = durations.count
        self.events = eventTimes.count
        self.confidenceLevel = confidenceLevel
    }

    /// The log-log band S^exp(±z√Σ/ln S); (1, 1) where S = 1 and (0, 0) where S = 0, as lifelines reports them.
    static func band(survival s: Double, greenwoodSum sum: Double, z: Double) -> (lower: Double, upper: Double) {
        if s >= 1 { return (1, 1) }
        if s <= 0 { return (0, 0) }
        let v = log(s)
        let spread = z * sum.squareRoot() / v  // negative
        return (exp(-exp(log(-v) - spread)), exp(-exp(log(-v) + spread)))
    }

    /// The steps at which an event happened (the rows of a life table such as Kleinbaum and Klein's).
    public var eventSteps: [Step] { steps.filter { $0.events > 0 } }

    /// S(t): 1 before the first event, right-continuous, flat after the last observed time.
    public func survival(at t: Double) -> Double {
        // The last step with time ≤ t.
        var low = 0
        var high = steps.count
        while low < high {
            let mid = (low + high) / 2
            if steps[mid].time <= t { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 1 : steps[low - 1].survival
    }

    /// The median survival time: the first time S(t) ≤ 0.5 (lifelines' `median_survival_time_`), or `nil` when the
    /// curve stays above one half (for instance when every duration is censored).
    public var median: Double? { firstTime { $0.survival <= 0.5 } }

    /// The confidence interval of the median, by the method lifelines' `median_survival_times(confidence_interval_)`
    /// uses: the first times the lower and the upper limits of the pointwise log-log band fall to 0.5 or below
    /// (in the spirit of Brookmeyer and Crowley 1982, who invert the pointwise test). `upper` is `nil` when the
    /// upper band never reaches 0.5 (an open-ended interval), `lower` likewise.
    public var medianConfidenceInterval: (lower: Double?, upper: Double?) {
        (firstTime { $0.lower <= 0.5 }, firstTime { $0.upper <= 0.5 })
    }

    private func firstTime(_ predicate: (Step) -> Bool) -> Double? { steps.first(where: predicate)?.time }

    /// The restricted mean survival time ∫₀^τ S(t) dt (Royston and Parmar 2013, "Restricted mean survival time",
    /// *BMC Med. Res. Methodol.* 13:152): the mean lifetime when every lifetime is cut at τ. The curve is taken flat
    /// after the last observed time, as lifelines' `restricted_mean_survival_time` does.
    public func restrictedMean(upTo tau: Double) -> Double {
        var area = 0.0
        var previousTime = 0.0
        var level = 1.0
        for step in steps {
            if step.time >= tau { break }
            area += level * (step.time - max(0, previousTime))
            previousTime = step.time
            level = step.survival
        }
        return area + level * max(0, tau - previousTime)
    }

    /// The last observed time (event or censoring), or 0 without data.
    public var lastTime: Double { steps.last?.time ?? 0 }
}
