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

    public init(
        id: Int64, account: AccountID, accountName: String, alertID: Int64? = nil, playbook: String, title: String, owner: String, createdAt: Timestamp, dueAt: Timestamp, status: TaskStatus, closedAt: Timestamp? = nil, closedBy: String? = nil, note: String? = nil
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
    }
}

/// The result of closing a task.
public enum TaskClosing: Sendable, Equatable {
    case closed(StoredTask)
    case notFound
    case alreadyClosed(StoredTask)
}
