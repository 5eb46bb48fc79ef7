/// One input of the health score, measured per account as of an instant (every record dated before it counts).
///
/// Each component has a raw *value* in its own unit (a percent change, a count of days, an NPS...) that a
/// `ScoreCurve` maps onto a 0-100 *score*. `docs/health.md` defines each one.
public enum HealthComponent: String, CaseIterable, Sendable, Codable, Comparable {
    /// Change of usage this period against the period before, in percent (-100 ... +100, capped): the mean of the
    /// change of active users and the change of time on platform (only users when no event has a duration).
    case usageTrend = "usage_trend"
    /// Share of the key features the account used in the last period, in percent (0 ... 100).
    case featureAdoption = "feature_adoption"
    /// The account's NPS over its answers in the survey window, in points (-100 ... 100).
    case nps
    /// The account's CSAT (top-two-box share) over its answers in the survey window, in percent (0 ... 100).
    case csat
    /// Support tickets the account opened in the last period (a count; fewer is healthier).
    case supportLoad = "support_load"
    /// First contact resolution of the account's tickets resolved in the support window, in percent (0 ... 100).
    case fcr
    /// Days the most overdue open required onboarding milestone is past its due date (0 when none is overdue).
    case onboarding
    /// Days the account's longest past-due subscription item has been past due (0 when billing is current).
    case billing
    /// The CSM's latest rating of the account (1 = at risk ... 5 = thriving) within the pulse window.
    case csmPulse = "csm_pulse"

    public static func < (a: HealthComponent, b: HealthComponent) -> Bool { a.position < b.position }

    /// The component's place in `allCases`, used as its column in flat arrays.
    public var position: Int { HealthComponent.allCases.firstIndex(of: self)! }

    public static let count = allCases.count

    /// A short human title.
    public var title: String {
        switch self {
        case .usageTrend: "Usage trend"
        case .featureAdoption: "Feature adoption"
        case .nps: "NPS"
        case .csat: "CSAT"
        case .supportLoad: "Support load"
        case .fcr: "First contact resolution"
        case .onboarding: "Onboarding"
        case .billing: "Billing"
        case .csmPulse: "CSM pulse"
        }
    }

    /// The unit of the raw value, for display.
    public var unit: String {
        switch self {
        case .usageTrend: "% change"
        case .featureAdoption, .csat, .fcr: "%"
        case .nps: "points"
        case .supportLoad: "tickets"
        case .onboarding: "days overdue"
        case .billing: "days past due"
        case .csmPulse: "rating 1-5"
        }
    }

    /// The default weight (the defaults add up to 100).
    public var defaultWeight: Double {
        switch self {
        case .usageTrend: 20
        case .featureAdoption: 15
        case .nps: 10
        case .csat: 5
        case .supportLoad: 5
        case .fcr: 5
        case .onboarding: 10
        case .billing: 15
        case .csmPulse: 15
        }
    }

    /// The default curve from value to score (`docs/health.md` gives the reasons).
    public var defaultCurve: ScoreCurve {
        switch self {
        case .usageTrend: ScoreCurve([(-50, 0), (0, 70), (25, 100)])
        case .featureAdoption: ScoreCurve([(0, 0), (60, 100)])
        case .nps: ScoreCurve([(-100, 0), (0, 50), (50, 100)])
        case .csat: ScoreCurve([(0, 0), (50, 40), (80, 80), (100, 100)])
        case .supportLoad: ScoreCurve([(0, 100), (2, 70), (5, 30), (10, 0)])
        case .fcr: ScoreCurve([(0, 0), (50, 40), (70, 70), (90, 100)])
        case .onboarding: ScoreCurve([(0, 100), (14, 40), (30, 0)])
        case .billing: ScoreCurve([(0, 100), (1, 50), (15, 20), (30, 0)])
        case .csmPulse: ScoreCurve([(1, 0), (5, 100)])
        }
    }

    /// The value in words, as a risk factor reads it: "usage fell 62 % against the previous 30 days".
    public func describe(_ value: Double, periodDays: Int) -> String {
        func n(_ x: Double) -> String { Self.format(x) }
        switch self {
        case .usageTrend:
            return value < 0
                ? "usage fell \(n(-value)) % against the previous \(periodDays) days"
                : "usage rose \(n(value)) % against the previous \(periodDays) days"
        case .featureAdoption: return "uses \(n(value)) % of the key features"
        case .nps: return "account NPS is \(n(value))"
        case .csat: return "\(n(value)) % of CSAT answers are satisfied"
        case .supportLoad: return "\(n(value)) support tickets in the last \(periodDays) days"
        case .fcr: return "\(n(value)) % of tickets resolved on first contact"
        case .onboarding: return value > 0 ? "onboarding is \(n(value)) days overdue" : "onboarding is on track"
        case .billing: return value > 0 ? "billing is \(n(value)) days past due" : "billing is current"
        case .csmPulse: return "the CSM rates the account \(n(value))/5"
        }
    }

    /// The value with its unit, as the account page's breakdown shows it (docs/health.md, "value"): "+5.3 %",
    /// "100 % of key features", "3/5".
    public func reading(_ value: Double) -> String {
        let n = Self.format(value)
        switch self {
        case .usageTrend: return (value > 0 ? "+" : "") + n + " %"
        case .featureAdoption: return n + " % of key features"
        case .nps: return n
        case .csat: return n + " % satisfied"
        case .supportLoad: return value == 1 ? "1 ticket" : n + " tickets"
        case .fcr: return n + " %"
        case .onboarding: return value == 1 ? "1 day overdue" : n + " days overdue"
        case .billing: return value == 1 ? "1 day past due" : n + " days past due"
        case .csmPulse: return n + "/5"
        }
    }

    /// A number with at most one decimal, without a trailing ".0".
    public static func format(_ x: Double) -> String {
        let rounded = (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
