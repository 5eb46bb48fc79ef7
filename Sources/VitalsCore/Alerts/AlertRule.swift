/// What an alert rule watches.
public enum AlertKind: String, Sendable, CaseIterable, Codable {
    /// The account's health is in the red band.
    case turnedRed = "turned_red"
    /// The account's health is at least `points` lower than `days` days earlier.
    case scoreDrop = "score_drop"
    /// A company KPI of the last complete period is outside `[min, max]`.
    case kpiOffTarget = "kpi_off_target"
    /// The account gave an NPS answer of 6 or less (on 0-10) in the last `days` days.
    case npsDetractor = "nps_detractor"
    /// The account's next renewal is within `days` days while its band is one of `bands` (yellow or red by default).
    case renewalAtRisk = "renewal_at_risk"
    /// The account's usage (active users and time on platform) of the last `days` days fell by at least `percent` %
    /// against the `days` before, which had activity (7 by default: this week against last week).
    case usageDrop = "usage_drop"
    /// A required onboarding milestone of the account is more than `days` days past due.
    case onboardingOverdue = "onboarding_overdue"
    /// A champion of the account left in the last `days` days (30 by default): the contact was deleted, or its role
    /// changed from champion.
    case championLeft = "champion_left"
    /// The account stopped paying (its MRR fell to 0) in the last `days` days.
    case churn
    /// The account, still paying, pays at least `percent` % less than `days` days ago.
    case contraction
    /// A condition reported from outside the health engine (e.g. goals: a target at risk), by `source`.
    case external
}

/// An alert rule from `[[alerts.rules]]` in vitals.toml (`docs/alerts.md`).
public struct AlertRule: Sendable, Equatable {
    /// The rule's unique name; alerts and playbooks refer to it.
    public var id: String
    public var kind: AlertKind
    /// Only accounts matching this filter (account rules only).
    public var segment: SegmentFilter?
    /// `info`, `warning` or `critical`.
    public var severity: String
    public var points: Double
    public var days: Int
    public var percent: Double
    public var bands: [HealthBand]
    public var kpi: KPI?
    public var minimum: Double?
    public var maximum: Double?
    /// For `external` rules: the source whose conditions this rule raises.
    public var source: String?

    public init(
        id: String, kind: AlertKind, segment: SegmentFilter? = nil, severity: String = "warning", points: Double = 20,
        days: Int? = nil, percent: Double = 50, bands: [HealthBand] = [.yellow, .red], kpi: KPI? = nil,
        minimum: Double? = nil, maximum: Double? = nil, source: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.segment = segment
        self.severity = severity
        self.points = points
        self.days = days ?? AlertRule.defaultDays(kind)
        self.percent = percent
        self.bands = bands
        self.kpi = kpi
        self.minimum = minimum
        self.maximum = maximum
        self.source = source
    }

    /// 14 days for a score drop, 7 for a usage drop (a week against the week before), 30 for detractor answers,
    /// champions who left, churn and contraction, 60 for renewals, 0 for onboarding.
    public static func defaultDays(_ kind: AlertKind) -> Int {
        switch kind {
        case .scoreDrop: 14
        case .usageDrop: 7
        case .npsDetractor, .championLeft, .churn, .contraction: 30
        case .renewalAtRisk: 60
        default: 0
        }
    }

    /// Whether the rule is about single accounts (rather than the company or an outside source).
    public var isAccountRule: Bool { kind != .kpiOffTarget && kind != .external }
}

/// A condition reported by another part of the product, for `external` alert rules: e.g. the goals engine reporting
/// a target at risk. The caller passes the complete current set of a source's conditions at each evaluation; one that
/// is no longer reported has cleared.
public struct ExternalCondition: Sendable, Equatable {
    /// The reporting part, e.g. `goals`.
    public var source: String
    /// Identifies the condition within its source (e.g. the target's name): the alert fires once per key.
    public var key: String
    public var title: String
    public var reason: String
    /// The account concerned, when there is one.
    public var account: AccountID?

    public init(source: String, key: String, title: String, reason: String, account: AccountID? = nil) {
        self.source = source
        self.key = key
        self.title = title
        self.reason = reason
        self.account = account
    }
}

/// A rule's condition found to hold as of an instant, for one subject (an account, the company, an outside key).
public struct AlertObservation: Sendable, Equatable {
    public var rule: String
    public var kind: AlertKind
    public var severity: String
    /// What the condition is about: the account id, `company` for a KPI, the source's key for external conditions.
    public var subject: String
    public var account: AccountIndex?
    public var title: String
    public var reason: String

    public init(
        rule: String, kind: AlertKind, severity: String, subject: String, account: AccountIndex?, title: String,
        reason: String
    ) {
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.account = account
        self.title = title
        self.reason = reason
    }

    /// The de-duplication key: one open alert per rule and subject.
    public var key: AlertKey { AlertKey(rule: rule, subject: subject) }
}

public struct AlertKey: Sendable, Hashable, Comparable {
    public var rule: String
    public var subject: String
    public init(rule: String, subject: String) {
        self.rule = rule
        self.subject = subject
    }
    public static func < (a: AlertKey, b: AlertKey) -> Bool { (a.rule, a.subject) < (b.rule, b.subject) }
}

/// Fire-once de-duplication: an alert fires when its condition starts to hold, stays open (and silent) while it still
/// holds, and clears (re-arms) when it no longer holds, so that it can fire again the next time.
public enum AlertDeduplication {
    /// - Parameters:
    ///   - observations: every condition holding now.
    ///   - open: the keys of the alerts open (fired, not cleared).
    ///   - evaluated: the rules evaluated this time; open alerts of other rules neither fire nor clear.
    /// - Returns: the observations that fire (not already open) and the open keys that clear (no longer observed).
    public static func apply(_ observations: [AlertObservation], open: Set<AlertKey>, evaluated: Set<String>)
        -> (fire: [AlertObservation], clear: [AlertKey])
    {
        var seen = Set<AlertKey>()
        var fire: [AlertObservation] = []
        for o in observations where evaluated.contains(o.rule) {
            let key = o.key
            guard seen.insert(key).inserted else { continue }
            if !open.contains(key) { fire.append(o) }
        }
        let clear = open.filter { evaluated.contains($0.rule) && !seen.contains($0) }.sorted()
        return (fire, clear)
    }
}
