/// A goal as stored: its definition (with target ids), when it was created and last changed, and whether archived.
public struct StoredGoal: Sendable, Equatable {
    public var id: Int64
    public var definition: GoalDefinition
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var archivedAt: Timestamp?

    public init(
        id: Int64, definition: GoalDefinition, createdAt: Timestamp, updatedAt: Timestamp, archivedAt: Timestamp? = nil
    ) {
        self.id = id
        self.definition = definition
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
    }

    public var archived: Bool { archivedAt != nil }
}

/// One entry of a goal's history.
public struct GoalChange: Sendable, Equatable {
    public var id: Int64
    public var changedAt: Timestamp
    /// Who made the change: `api:vk_<key prefix>`, `cli:<file>`, a user name.
    public var actor: String
    /// `created`, `edited`, `archived` or `restored`.
    public var action: String
    /// What changed, one line each (`GoalDefinition.changes(from:)`).
    public var changes: [String]
    /// The whole definition after the change, as `GoalJSON.definition` wrote it.
    public var definitionJSON: String

    public init(
        id: Int64, changedAt: Timestamp, actor: String, action: String, changes: [String], definitionJSON: String
    ) {
        self.id = id
        self.changedAt = changedAt
        self.actor = actor
        self.action = action
        self.changes = changes
        self.definitionJSON = definitionJSON
    }
}
