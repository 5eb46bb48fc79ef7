public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    case open, done, dismissed
}

/// A task for a CSM, created by a playbook.
public struct StoredTask: Sendable, Equatable {
    public var id: Int64
    public var account: AccountID
    public var accountName: String
    public var alertID: Int64?
    public var playbook: String
    public var title: String
    public var owner: String
    public var createdAt: Timestamp
    public var dueAt: Timestamp
    public var status: TaskStatus
    public var closedAt: Timestamp?
    public var closedBy: String?
    public var note: String?
    /// An open task set aside until this instant (it leaves the open lists until then).
    public var snoozedUntil: Timestamp?

    public init(
        id: Int64, account: AccountID, accountName: String, alertID: Int64? = nil, playbook: String, title: String, owner: String, createdAt: Timestamp, dueAt: Timestamp, status: TaskStatus, closedAt: Timestamp? = nil, closedBy: String? = nil, note: String? = nil,
        snoozedUntil: Timestamp? = nil
    ) {
        self.id = id
        self.account = account
        self.accountName = accountName
        self.alertID = alertID
        self.playbook = playbook
        self.title = title
        self.owner = owner
        self.createdAt = createdAt
        self.dueAt = dueAt
        self.status = status
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.note = note
        self.snoozedUntil = snoozedUntil
    }

    /// Whether the task is open and not snoozed at `t`.
    public func isActionable(at t: Timestamp) -> Bool { status == .open && (snoozedUntil.map { $0 <= t } ?? true) }
}

/// The result of snoozing or reassigning a task.
public enum TaskUpdate: Sendable, Equatable {
    case updated(StoredTask)
    case notFound
    /// Only open tasks change.
    case alreadyClosed(StoredTask)

    public var isUpdated: Bool { if case .updated = self { true } else { false } }
}

/// The result of closing a task.
public enum TaskClosing: Sendable, Equatable {
    case closed(StoredTask)
    case notFound
    case alreadyClosed(StoredTask)
}
