/// Where a target, KSF or goal stands. `docs/goals.md` gives the rules.
public enum GoalStatus: String, Sendable, Equatable, CaseIterable {
    /// The KPI's latest whole period meets the target (or met it at a passed deadline).
    case achieved
    /// The trend's forecast at the deadline meets the target: a 50 % chance or better under the linear trend.
    case onTrack = "on_track"
    /// The forecast misses, but the target lies inside the 80 % prediction interval: a 10 to 50 % chance.
    case atRisk = "at_risk"
    /// Even the interval's better end misses (under a 10 % chance), or the deadline passed unmet.
    case offTrack = "off_track"
    /// Nothing to judge by: no value, no baseline for a relative target, or fewer than 3 periods for a trend.
    case noData = "no_data"

    /// A readable label: "on track".
    public var title: String {
        switch self {
        case .achieved: "achieved"
        case .onTrack: "on track"
        case .atRisk: "at risk"
        case .offTrack: "off track"
        case .noData: "no data"
        }
    }

    /// The roll-up order: a larger number is worse. Achieved and on track are both fine; no data is unranked.
    public var severity: Int {
        switch self {
        case .achieved: 0
        case .onTrack: 1
        case .atRisk: 2
        case .offTrack: 3
        case .noData: -1
        }
    }
}

/// A KPI value of one period, for charts and for stating which period a value belongs to.
public struct GoalValuePoint: Sendable, Equatable {
    public var period: Period
    public var value: Double

    public init(period: Period, value: Double) {
        self.period = period
        self.value = value
    }
}

/// The trend's forecast for one period: the fitted value and its 80 % prediction interval.
public struct ForecastPoint: Sendable, Equatable {
    public var period: Period
    public var value: Double
    public var low: Double
    public var high: Double
}

/// The least-squares trend on the recent periods and its forecast at the final deadline.
public struct TargetForecast: Sendable, Equatable {
    /// The period whose value is judged: the one containing the deadline.
    public var period: Period
    /// The fitted value for that period.
    public var value: Double
    /// The standard error of a new observation there (`LinearTrend.predictionStandardError`).
    public var standardError: Double
    /// The 80 % prediction interval.
    public var low: Double
    public var high: Double
    /// The trend's change per period (its slope), in the KPI's unit.
    public var slope: Double
    /// The periods the line was fitted on (the latest `trendPeriods` with a value).
    public var fittedOn: [Period]
    /// The forecast for every period after the latest value up to the deadline's, for the chart (at most 120).
    public var path: [ForecastPoint]
}

/// One milestone of a target (a stage, or the final amount): its target value and where it stands.
public struct MilestoneEvaluation: Sendable, Equatable {
    public var deadline: CivilDate
    /// The period whose value is judged.
    public var period: Period
    public var isFinal: Bool
    /// The resolved target value, or `nil` for a relative amount without a baseline.
    public var targetValue: Double?
    /// Whether the deadline's period is over (as of the evaluation).
    public var passed: Bool
    /// For a passed milestone: the KPI's value in the deadline's period (or the latest before it).
    public var valueAtDeadline: Double?
    /// For a milestone to come: the trend's forecast for its period and the 80 % interval.
    public var forecast: Double?
    public var forecastLow: Double?
    public var forecastHigh: Double?
    public var status: GoalStatus
}

/// A recorded review of a target: who looked at it, when, and what they noted.
public struct TargetReview: Sendable, Equatable {
    public var id: Int64?
    public var reviewedAt: Timestamp
    public var reviewer: String
    public var note: String

    public init(id: Int64? = nil, reviewedAt: Timestamp, reviewer: String, note: String) {
        self.id = id
        self.reviewedAt = reviewedAt
        self.reviewer = reviewer
        self.note = note
    }
}

/// When a target is next due for review.
public struct ReviewState: Sendable, Equatable {
    public var cadence: ReviewCadence
    public var last: TargetReview?
    /// One cadence after the last review's day, or after the target's start when never reviewed.
    public var nextDue: CivilDate
    /// Whether `nextDue` is on or before the evaluation's day.
    public var isDue: Bool

    /// The review state of a target with cadence `cadence` that started on `start`, as of `asOf`.
    public init(cadence: ReviewCadence, start: CivilDate, last: TargetReview?, asOf: Timestamp) {
        self.cadence = cadence
        self.last = last
        nextDue = cadence.next(after: last?.reviewedAt.date ?? start)
        isDue = nextDue <= asOf.date
    }
}

/// A target evaluated as of an instant: the numbers behind its status. `docs/goals.md` defines each field.
public struct TargetEvaluation: Sendable, Equatable {
    public var target: KPITarget
    /// The label, or "<KPI title> <amount> by <deadline>".
    public var title: String
    public var direction: GoalDirection
    public var unit: KPIUnit
    /// The baseline value and its period (`nil` period when given by hand).
    public var baseline: Double?
    public var baselinePeriod: Period?
    /// The latest whole period's value.
    public var current: Double?
    public var currentPeriod: Period?
    /// The final target value (a relative amount resolved against the baseline).
    public var targetValue: Double?
    /// The share of the way from the baseline to the final target covered by the current value: 0 at the baseline,
    /// 1 at the target, below 0 when worse than the baseline, above 1 beyond the target.
    public var progress: Double?
    /// Whole periods from the current value's period to the final deadline's.
    public var periodsLeft: Int?
    /// The change per period from the current value that reaches the final target at the deadline.
    public var requiredPace: Double?
    public var forecast: TargetForecast?
    /// The stages and the final amount, in deadline order.
    public var milestones: [MilestoneEvaluation]
    /// The first milestone whose deadline has not passed (the last when all have).
    public var activeMilestone: Int
    public var status: GoalStatus
    /// Why the status is what it is, in one sentence.
    public var reason: String
    /// The KPI's values from the baseline's period (or the trend's first, if earlier) to the latest, for the chart.
    public var history: [GoalValuePoint]
    public var review: ReviewState

    /// The milestone in force.
    public var active: MilestoneEvaluation { milestones[activeMilestone] }
}
