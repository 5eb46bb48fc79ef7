/// A typed identifier: the external id of a record as it appears in the source data.
///
/// The phantom `Tag` keeps an account id from being passed where a subscription id is expected.
public struct ID<Tag>: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: ID, rhs: ID) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum AccountTag {}
public enum SubscriptionTag {}
public enum OrderTag {}
public enum TrialTag {}
public enum SurveyResponseTag {}
public enum TicketTag {}
public enum UsageEventTag {}
public enum LeadTag {}
public enum SuccessGoalTag {}
public enum UserTag {}
public enum ContactTag {}
public enum ActivityTag {}
public enum SurveyInvitationTag {}

public typealias AccountID = ID<AccountTag>
public typealias SubscriptionID = ID<SubscriptionTag>
public typealias OrderID = ID<OrderTag>
public typealias TrialID = ID<TrialTag>
public typealias SurveyResponseID = ID<SurveyResponseTag>
public typealias TicketID = ID<TicketTag>
public typealias UsageEventID = ID<UsageEventTag>
public typealias LeadID = ID<LeadTag>
public typealias SuccessGoalID = ID<SuccessGoalTag>
public typealias ContactID = ID<ContactTag>
public typealias ActivityID = ID<ActivityTag>
public typealias SurveyInvitationID = ID<SurveyInvitationTag>
public typealias UserID = ID<UserTag>

/// The dense position of an account in a `Dataset`'s `accounts` array.
///
/// Records refer to their account by this index rather than by `AccountID`, so that KPI loops index arrays
/// instead of hashing strings.
public struct AccountIndex: Hashable, Comparable, Sendable {
    public let value: Int32
    public init(_ value: Int) { self.value = Int32(value) }
    public var int: Int { Int(value) }
    public static func < (lhs: AccountIndex, rhs: AccountIndex) -> Bool { lhs.value < rhs.value }
}
