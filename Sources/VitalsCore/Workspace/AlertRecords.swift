/// An alert as stored: open until its condition clears.
public struct StoredAlert: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    public var kind: AlertKind
    public var severity: String
    public var subject: String
    public var account: AccountID?
    public var title: String
    public var reason: String
    public var firedAt: Timestamp
    public var clearedAt: Timestamp?
    /// When and by whom the alert was acknowledged (docs/alerts.md, acknowledging and snoozing): seen and in hand, so
    /// it leaves the open alerts to act on while its condition still holds.
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
    /// The instant until which the alert is set aside; it is back among the open alerts to act on from then.
    public var snoozedUntil: Timestamp?
    /// Whether the alert was stored silently by the workspace's first evaluation, as a condition already holding
    /// then (docs/alerts.md, the first evaluation): no webhook delivery, no playbook task, listed apart.
    public var baseline: Bool

    public init(
        id: Int64, rule: String, kind: AlertKind, severity: String, subject: String, account: AccountID? = nil, title: String, reason: String, firedAt: Timestamp, clearedAt: Timestamp? = nil,
        acknowledgedAt: Timestamp? = nil, acknowledgedBy: String? = nil, snoozedUntil: Timestamp? = nil, baseline: Bool = false
    ) {
        self.id = id
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.account = account
        self.title = title
        self.reason = reason
        self.firedAt = firedAt
        self.clearedAt = clearedAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.snoozedUntil = snoozedUntil
        self.baseline = baseline
    }

    public var key: AlertKey { AlertKey(rule: rule, subject: subject) }

    /// Whether the alert is open, not acknowledged and not snoozed at `t`: one to act on.
    public func isActionable(at t: Timestamp) -> Bool {
        clearedAt == nil && acknowledgedAt == nil && (snoozedUntil.map { $0 <= t } ?? true)
    }
}

/// The result of acknowledging or snoozing an alert.
public enum AlertUpdate: Sendable, Equatable {
    case updated(StoredAlert)
    case notFound
    /// Only open alerts change: a cleared one is history.
    case alreadyCleared(StoredAlert)
}

/// An alert about to be recorded.
public struct NewAlert: Sendable, Equatable {
    public var rule: String
    public var kind: AlertKind
    public var severity: String
    public var subject: String
    public var account: AccountID?
    public var title: String
    public var reason: String

    public init(_ o: AlertObservation, account: AccountID?) {
        rule = o.rule
        kind = o.kind
        severity = o.severity
        subject = o.subject
        self.account = account
        title = o.title
        reason = o.reason
    }

    public var key: AlertKey { AlertKey(rule: rule, subject: subject) }
}

/// A playbook task about to be created for the alert `trigger`.
public struct NewTask: Sendable, Equatable {
    public var trigger: AlertKey
    public var account: AccountID
    public var playbook: String
    public var title: String
    public var owner: String
    public var dueAt: Timestamp

    public init(trigger: AlertKey, account: AccountID, playbook: String, title: String, owner: String, dueAt: Timestamp) {
        self.trigger = trigger
        self.account = account
        self.playbook = playbook
        self.title = title
        self.owner = owner
        self.dueAt = dueAt
    }
}

/// A webhook delivery about to be queued.
public struct NewDelivery: Sendable, Equatable {
    public var webhook: String
    /// `alert` or `playbook` (digests are queued with their digest): one delivery per evaluation and webhook, for
    /// all the alerts it fired or all the playbook messages they asked for.
    public var kind: String
    public var payload: String

    public init(webhook: String, kind: String, payload: String) {
        self.webhook = webhook
        self.kind = kind
        self.payload = payload
    }
}

/// What recording one evaluation stored.
public struct RecordedEvaluation: Sendable, Equatable {
    /// The alerts fired: stored, delivered and acted on (empty for a baseline).
    public var fired: [StoredAlert]
    public var cleared: Int
    public var tasks: Int
    public var deliveries: Int
    /// Whether no evaluation of the workspace was stored before this one: its conditions are the baseline, stored
    /// silently (docs/alerts.md, the first evaluation).
    public var isBaseline: Bool
    /// The conditions stored silently as the baseline (0 unless `isBaseline`).
    public var baseline: Int

    public init(fired: [StoredAlert], cleared: Int, tasks: Int, deliveries: Int, isBaseline: Bool = false, baseline: Int = 0) {
        self.fired = fired
        self.cleared = cleared
        self.tasks = tasks
        self.deliveries = deliveries
        self.isBaseline = isBaseline
        self.baseline = baseline
    }
}
