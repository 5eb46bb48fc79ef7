/// A person at a customer account (docs/workspace.md, "Contacts"): who the CS team talks to, and in what role.
public struct Contact: Sendable, Equatable {
    public var id: ContactID
    public var account: AccountIndex
    public var name: String?
    public var email: String?
    public var role: ContactRole
    public var title: String?
    /// The account's main contact (at most one per account).
    public var primary: Bool

    public init(
        id: ContactID, account: AccountIndex, name: String? = nil, email: String? = nil, role: ContactRole = .other,
        title: String? = nil, primary: Bool = false
    ) {
        self.id = id
        self.account = account
        self.name = name
        self.email = email
        self.role = role
        self.title = title
        self.primary = primary
    }

    /// The name to show: the name, else the email, else the id.
    public var displayName: String { name ?? email ?? id.rawValue }
}

/// What a contact is to the deal and the relationship, in the buying-committee terms CS tools use.
public enum ContactRole: String, Sendable, CaseIterable, Codable, FieldRepresentable {
    case champion
    case decisionMaker = "decision_maker"
    case economicBuyer = "economic_buyer"
    case billing, user, other

    public var label: String {
        switch self {
        case .champion: "Champion"
        case .decisionMaker: "Decision maker"
        case .economicBuyer: "Economic buyer"
        case .billing: "Billing"
        case .user: "User"
        case .other: "Other"
        }
    }
}

/// Something the CS team did with an account (docs/workspace.md, "Activities"): a note, a call, a meeting, an email
/// or a business review, logged by its author.
public struct Activity: Sendable, Equatable {
    public var id: ActivityID
    public var account: AccountIndex
    public var kind: ActivityKind
    public var occurredAt: Timestamp
    public var author: String?
    public var contact: ContactID?
    public var subject: String?
    public var body: String?
    public var sentiment: Sentiment?

    public init(
        id: ActivityID, account: AccountIndex, kind: ActivityKind, occurredAt: Timestamp, author: String? = nil,
        contact: ContactID? = nil, subject: String? = nil, body: String? = nil, sentiment: Sentiment? = nil
    ) {
        self.id = id
        self.account = account
        self.kind = kind
        self.occurredAt = occurredAt
        self.author = author
        self.contact = contact
        self.subject = subject
        self.body = body
        self.sentiment = sentiment
    }
}

public enum ActivityKind: String, Sendable, CaseIterable, Codable, FieldRepresentable {
    case note, call, meeting, email, qbr

    public var label: String {
        switch self {
        case .note: "Note"
        case .call: "Call"
        case .meeting: "Meeting"
        case .email: "Email"
        case .qbr: "QBR"
        }
    }
}

/// How an exchange with the customer went, as its author judged it.
public enum Sentiment: String, Sendable, CaseIterable, Codable, FieldRepresentable {
    case positive, neutral, negative
}

/// A champion who left an account: the contact was deleted, or its role changed from champion (docs/alerts.md,
/// `champion_left`). The store notes each one as it happens.
public struct ChampionDeparture: Sendable, Equatable {
    public var account: AccountID
    public var contact: ContactID
    /// The contact's name (or email, or id) when it left.
    public var name: String
    public var at: Timestamp
    /// The contact's role after the change; nil when the contact was deleted.
    public var roleAfter: ContactRole?

    public init(account: AccountID, contact: ContactID, name: String, at: Timestamp, roleAfter: ContactRole?) {
        self.account = account
        self.contact = contact
        self.name = name
        self.at = at
        self.roleAfter = roleAfter
    }
}
