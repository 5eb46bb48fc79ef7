/// The red / yellow / green band of a health score.
public enum HealthBand: String, Sendable, Codable, CaseIterable, Comparable {
    case red, yellow, green

    public static func < (a: HealthBand, b: HealthBand) -> Bool { a.rank < b.rank }
    private var rank: Int {
        switch self {
        case .red: 0
        case .yellow: 1
        case .green: 2
        }
    }
}

/// Where the bands begin: red below `yellowFrom`, yellow from it to below `greenFrom`, green from `greenFrom` on.
public struct HealthBands: Sendable, Equatable {
    public var yellowFrom: Double
    public var greenFrom: Double

    /// The default bands: red < 40 <= yellow < 70 <= green.
    public init(yellowFrom: Double = 40, greenFrom: Double = 70) {
        self.yellowFrom = yellowFrom
        self.greenFrom = greenFrom
    }

    public func band(_ score: Double) -> HealthBand {
        score < yellowFrom ? .red : (score < greenFrom ? .yellow : .green)
    }
}

/// One health model: the weights, curves and bands that turn component values into a score, for the accounts its
/// segment filter matches (every account for the default model).
public struct HealthModel: Sendable, Equatable {
    public var name: String
    /// The accounts this model scores; `nil` for the default model.
    public var segment: SegmentFilter?
    /// Weight per component, by `HealthComponent.position`. A weight of 0 leaves the component out.
    public var weights: [Double]
    /// Curve per component, by `HealthComponent.position`.
    public var curves: [ScoreCurve]
    public var bands: HealthBands

    /// The default model: the default weights, curves and bands.
    public init(name: String = "default", segment: SegmentFilter? = nil) {
        self.name = name
        self.segment = segment
        weights = HealthComponent.allCases.map(\.defaultWeight)
        curves = HealthComponent.allCases.map(\.defaultCurve)
        bands = HealthBands()
    }

    public func weight(_ c: HealthComponent) -> Double { weights[c.position] }
    public mutating func setWeight(_ c: HealthComponent, _ w: Double) { weights[c.position] = w }
    public func curve(_ c: HealthComponent) -> ScoreCurve { curves[c.position] }
    public mutating func setCurve(_ c: HealthComponent, _ curve: ScoreCurve) { curves[c.position] = curve }
}

/// How accounts are split into touch tiers (high, low and tech touch): by ARR or by CLV against two thresholds.
public struct TouchSettings: Sendable, Equatable {
    public enum Basis: String, Sendable, Equatable, CaseIterable {
        /// The account's MRR x 12 as of the instant.
        case arr
        /// Subscription CLV: MRR x gross margin / monthly customer churn (`monthlyChurn`, else measured).
        case clv
    }

    public var basis: Basis
    /// High touch from this ARR or CLV on, in major units of the reporting currency.
    public var highFrom: Double
    /// Low touch from this on (and below `highFrom`); tech touch below it.
    public var lowFrom: Double
    /// The monthly customer churn for CLV; `nil` measures it: the share of the accounts paying 90 days earlier that
    /// pay nothing at the instant, as a monthly rate.
    public var monthlyChurn: Double?
    /// The account attribute the tier is visible as in segment filters.
    public var attribute: String

    public init(basis: Basis = .arr, highFrom: Double = 50_000, lowFrom: Double = 5_000, monthlyChurn: Double? = nil,
                attribute: String = "touch") {
        self.basis = basis
        self.highFrom = highFrom
        self.lowFrom = lowFrom
        self.monthlyChurn = monthlyChurn
        self.attribute = attribute
    }
}

/// Everything configurable about health: the models, the measurement windows, the key features, touch tiers and
/// the renewal window of revenue at risk. `docs/health.md` describes each setting and its `vitals.toml` key.
public struct HealthSettings: Sendable, Equatable {
    /// Segment models, tried in order; the first whose segment matches an account scores it.
    public var segmentModels: [HealthModel]
    /// The model for accounts no segment model matches.
    public var defaultModel: HealthModel
    /// Length of "this period" for usage trend, feature adoption and support load, and of "since last period".
    public var periodDays: Int
    /// Answers older than this do not count towards NPS and CSAT.
    public var surveyWindowDays: Int
    /// Tickets resolved longer ago than this do not count towards FCR.
    public var supportWindowDays: Int
    /// A CSM pulse older than this is ignored.
    public var pulseWindowDays: Int
    /// The key features (event names) adoption counts; empty: every event name (the 64 most used).
    public var keyFeatures: [String]
    public var touch: TouchSettings
    /// Revenue at risk counts accounts below green whose renewal is within this many days.
    public var renewalWindowDays: Int
    /// An account attribute holding the next renewal date (YYYY-MM-DD), preferred to the subscription terms.
    public var renewalAttribute: String
    /// The reporting settings (currency, gross margin, delinquency) MRR is computed with.
    public var report: ReportSettings

    public init(
        segmentModels: [HealthModel] = [], defaultModel: HealthModel = HealthModel(), periodDays: Int = 30,
        surveyWindowDays: Int = 365, supportWindowDays: Int = 90, pulseWindowDays: Int = 180, keyFeatures: [String] = [],
        touch: TouchSettings = TouchSettings(), renewalWindowDays: Int = 90, renewalAttribute: String = "renewal_date",
        report: ReportSettings = ReportSettings()
    ) {
        self.segmentModels = segmentModels
        self.defaultModel = defaultModel
        self.periodDays = periodDays
        self.surveyWindowDays = surveyWindowDays
        self.supportWindowDays = supportWindowDays
        self.pulseWindowDays = pulseWindowDays
        self.keyFeatures = keyFeatures
        self.touch = touch
        self.renewalWindowDays = renewalWindowDays
        self.renewalAttribute = renewalAttribute
        self.report = report
    }

    /// Every model, segment models first, the default last.
    public var models: [HealthModel] { segmentModels + [defaultModel] }

    /// The model that scores `account`: the first segment model matching it, else the default.
    public func model(for account: Account) -> HealthModel {
        segmentModels.first { $0.segment?.matches(account) ?? false } ?? defaultModel
    }

    /// The position in `models` of the model for `account`.
    public func modelIndex(for account: Account) -> Int {
        segmentModels.firstIndex { $0.segment?.matches(account) ?? false } ?? segmentModels.count
    }
}
