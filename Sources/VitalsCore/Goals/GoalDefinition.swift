/// A KGI (key goal indicator): the final goal, stated as what, how much and by when, with the key success factors
/// (KSFs) that lead to it and, under each, the KPI targets that quantify the factor. `docs/goals.md` defines every
/// field.
///
/// Example: "Grow revenue from existing customers" (what), NRR of 110 % (how much, the goal's own `target`) by
/// 2026-12-31 (by when); KSF "customers reach value in onboarding", with the KPI target "onboarding completion rate of
/// 85 % by 2026-06-30".
public struct GoalDefinition: Sendable, Equatable {
    /// A stable, human-readable key, unique in a workspace (e.g. `nrr-2026`); configuration files match by it.
    public var key: String
    /// What the goal is, in words.
    public var name: String
    public var description: String?
    /// Who answers for the goal (free text: a person, a team).
    public var owner: String?
    /// When the goal starts: the default baseline date of its targets.
    public var start: CivilDate?
    /// By when (inclusive): the default deadline of the goal's own target.
    public var deadline: CivilDate
    /// The KGI's own measurable target (how much), if it names a KPI.
    public var target: KPITarget?
    /// The key success factors, each with its KPI targets.
    public var factors: [SuccessFactor]

    public init(
        key: String, name: String, description: String? = nil, owner: String? = nil, start: CivilDate? = nil,
        deadline: CivilDate, target: KPITarget? = nil, factors: [SuccessFactor] = []
    ) {
        self.key = key
        self.name = name
        self.description = description
        self.owner = owner
        self.start = start
        self.deadline = deadline
        self.target = target
        self.factors = factors
    }

    /// Every target of the tree: the goal's own first, then each factor's in order.
    public var allTargets: [KPITarget] { (target.map { [$0] } ?? []) + factors.flatMap(\.targets) }
}

/// A key success factor: a qualitative condition for reaching the goal, quantified by its KPI targets.
public struct SuccessFactor: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var targets: [KPITarget]

    public init(name: String, description: String? = nil, targets: [KPITarget] = []) {
        self.name = name
        self.description = description
        self.targets = targets
    }
}

/// How much: an absolute value of the KPI, or a change relative to the baseline.
public enum TargetAmount: Sendable, Equatable {
    /// The KPI's value in its unit: fractions for rates (0.85 = 85 %), major units of the reporting currency for
    /// money, plain numbers otherwise.
    case value(Double)
    /// A change relative to the baseline, as a signed fraction: -0.10 = "reduce by 10 %". Target = baseline + change x
    /// |baseline|, which is baseline x (1 + change) for a positive baseline; for a negative one (an NPS of -20) a
    /// positive change still raises it: +50 % of -20 is -10.
    case change(Double)

    /// The target value given the baseline, or `nil` for a relative amount without a baseline.
    public func resolved(baseline: Double?) -> Double? {
        switch self {
        case .value(let value): value
        case .change(let change): baseline.map { $0 + change * abs($0) }
        }
    }
}

/// An intermediate milestone of a staged target, e.g. "5 % less churn within 3 months" before "10 % by year end".
public struct TargetStage: Sendable, Equatable {
    public var amount: TargetAmount
    /// By when (inclusive).
    public var deadline: CivilDate

    public init(amount: TargetAmount, deadline: CivilDate) {
        self.amount = amount
        self.deadline = deadline
    }
}

/// Whether a larger value of a KPI is an improvement.
public enum GoalDirection: String, Sendable, Equatable, CaseIterable {
    case higher, lower

    /// +1 when higher is better, -1 when lower is better: `sign x (a - b) > 0` means a is better than b.
    public var sign: Double { self == .higher ? 1 : -1 }
}

/// How often a target is reviewed.
public enum ReviewCadence: String, Sendable, Equatable, CaseIterable {
    case weekly, monthly, quarterly, yearly

    /// The day one cadence after `date` (months clamp to the end of a shorter month).
    public func next(after date: CivilDate) -> CivilDate {
        switch self {
        case .weekly: date.adding(days: 7)
        case .monthly: date.adding(months: 1)
        case .quarterly: date.adding(months: 3)
        case .yearly: date.adding(months: 12)
        }
    }
}

/// A measurable target on one KPI: how much, by when, from which baseline, for which accounts.
public struct KPITarget: Sendable, Equatable {
    /// The store's id of the target (reviews refer to it), or `nil` for a target not stored (configuration).
    public var id: Int64?
    /// An optional label; the default reads "<KPI title> <amount> by <deadline>".
    public var label: String?
    public var kpi: KPI
    /// The final amount, due at `deadline`.
    public var amount: TargetAmount
    /// By when (inclusive): the KPI's value for the period containing this day is the one judged.
    public var deadline: CivilDate
    /// When the target starts: the baseline is the KPI's value for the last whole period ending on or before it.
    public var start: CivilDate
    /// A baseline given by hand, instead of the KPI's value at `start`.
    public var baseline: Double?
    /// A segment filter (`SegmentFilter` syntax), or `nil` for every account.
    public var segment: String?
    /// The period length the KPI is measured in.
    public var grain: Grain
    /// Overrides the KPI's own direction (`KPI.betterDirection`).
    public var directionOverride: GoalDirection?
    /// Earlier milestones, by increasing deadline, each before `deadline`.
    public var stages: [TargetStage]
    public var review: ReviewCadence
    /// How many of the latest periods with a value the trend is fitted on (3 or more).
    public var trendPeriods: Int

    public static let defaultTrendPeriods = 6

    public init(
        id: Int64? = nil, label: String? = nil, kpi: KPI, amount: TargetAmount, deadline: CivilDate, start: CivilDate,
        baseline: Double? = nil, segment: String? = nil, grain: Grain = .month, direction: GoalDirection? = nil,
        stages: [TargetStage] = [], review: ReviewCadence = .monthly, trendPeriods: Int = KPITarget.defaultTrendPeriods
    ) {
        self.id = id
        self.label = label
        self.kpi = kpi
        self.amount = amount
        self.deadline = deadline
        self.start = start
        self.baseline = baseline
        self.segment = segment
        self.grain = grain
        self.directionOverride = direction
        self.stages = stages
        self.review = review
        self.trendPeriods = trendPeriods
    }

    /// The direction in force: the override, else the KPI's own.
    public var direction: GoalDirection { directionOverride ?? kpi.betterDirection }

    /// The milestones in deadline order: the stages, then the final amount.
    public var milestones: [TargetStage] { stages + [TargetStage(amount: amount, deadline: deadline)] }
}

extension KPI {
    /// Whether a larger value is an improvement: lower for churn, contraction, costs, tickets, waiting times,
    /// detractors and effort (CES is "how easy": higher is better, see docs/metrics.md); higher for the rest.
    public var betterDirection: GoalDirection {
        switch self {
        case .contractionMRR, .churnedMRR, .churnedCustomers, .customerChurnRate, .grossRevenueChurnRate,
            .netRevenueChurnRate, .netRevenueChurnRateCohort, .cac, .cacPaybackMonths, .npsDetractors, .npsMarginOfError, .ticketsOpened,
            .ticketsPerAccount, .medianResolutionHours, .medianDaysToOnboard, .onboardingOverdue, .voluntaryChurnedMRR,
            .delinquentChurnedMRR, .churnedMRRByReason:
            .lower
        default: .higher
        }
    }

    /// Whether a target can be set on the KPI: every KPI with one number per period (not the breakdowns).
    public var isTargetable: Bool { !unit.isBreakdown }
}

extension KPI {
    /// The values the KPI can take, where bounded: shares lie in [0, 1], NPS in [-100, 100], CES in [1, 7], CSAT's
    /// mean in [1, 5], the satisfaction index in [0, 100]; counts, money and durations are never negative (net new
    /// MRR and net revenue churn can be). A trend's forecast is clamped to this range.
    public var possibleRange: ClosedRange<Double>? {
        switch self {
        case .customerChurnRate, .customerRetentionRate, .grossRevenueChurnRate, .grr, .upsellRate, .crossSellRate,
            .trialConversionRate, .repeatPurchaseRate, .csat, .cesEasyShare, .fcrRate, .onboardingCompletionRate,
            .stickiness, .referralConversionRate, .csqlWinRate, .goalAttainmentRate:
            0...1
        case .nps: -100...100
        case .ces: 1...7
        case .csatMean: 1...5
        case .satisfactionIndex: 0...100
        case .netNewMRR: nil
        case .netRevenueChurnRate, .netRevenueChurnRateCohort: -Double.infinity...1
        default: 0...Double.infinity
        }
    }
}
