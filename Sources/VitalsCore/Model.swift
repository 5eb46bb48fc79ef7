/// A customer account: the unit every customer KPI counts.
public struct Account: Sendable, Equatable {
    public var id: AccountID
    public var name: String
    public var createdAt: Timestamp?
    public var csm: String?
    public var industry: String?
    public var country: String?
    public var referredBy: AccountID?
    /// The account this one belongs to (a subsidiary's parent company).
    public var parent: AccountID?
    /// Extra columns of accounts.csv, kept as custom attributes for segments.
    public var attributes: [String: String]

    @inlinable
    public init(
        id: AccountID, name: String, createdAt: Timestamp? = nil, csm: String? = nil, industry: String? = nil,
        country: String? = nil, referredBy: AccountID? = nil, parent: AccountID? = nil, attributes: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.csm = csm
        self.industry = industry
        self.country = country
        self.referredBy = referredBy
        self.parent = parent
        self.attributes = attributes
    }

    /// The value of a built-in or custom attribute, as segment filters see it.
    public func attribute(_ name: String) -> String? {
        switch name {
        case "account_id": id.rawValue
        case "name": self.name
        case "created_at": createdAt?.description
        case "csm": csm
        case "industry": industry
        case "country": country
        case "referred_by": referredBy?.rawValue
        case "parent_account_id": parent?.rawValue
        default: attributes[name]
        }
    }

    public static let builtInAttributes = RecordKind.accounts.columns.map(\.name)
}

/// How often a subscription bills.
public enum BillingInterval: String, Sendable, CaseIterable, Codable {
    case day, week, month, year

    /// Months per interval: a year is 12 months, a week 12/52 of a month, a day 12/365.
    /// Dividing an interval's price by this gives its monthly (MRR) value.
    public var months: Double {
        switch self {
        case .day: 12.0 / 365.0
        case .week: 12.0 / 52.0
        case .month: 1
        case .year: 12
        }
    }
}

/// The state of a subscription version. Only `active` (and `pastDue`, within the delinquency window) counts as MRR.
public enum SubscriptionStatus: String, Sendable, CaseIterable, Codable {
    case active, trialing
    case pastDue = "past_due"
    case paused
}

/// One version of a subscription item: the terms that applied during `[validFrom, validTo)`.
/// A change of price, quantity, plan or status ends one version and starts the next.
public struct SubscriptionVersion: Sendable, Equatable {
    public var subscriptionID: SubscriptionID
    public var account: AccountIndex
    public var product: String
    public var plan: String?
    /// Price per interval per unit.
    public var amount: Money
    public var interval: BillingInterval
    public var intervalCount: Int
    public var quantity: Int
    /// A recurring ("forever") percentage discount, 0...100.
    public var discountPercent: Double
    /// A recurring ("forever") fixed discount per billing interval, in `amount`'s currency.
    public var discountAmount: Int64
    public var status: SubscriptionStatus
    public var validFrom: Timestamp
    /// Exclusive; `nil` while the version still runs.
    public var validTo: Timestamp?
    /// When the subscription next renews, overriding the end of the current term (docs/metrics.md, renewals);
    /// `nil` to count terms from the first `validFrom`.
    public var renewsAt: Timestamp?
    /// Why the subscription was cancelled (free text or a code such as Stripe's `too_expensive`), on the version that
    /// ends it; `nil` when not given. Almost always `nil`, so it costs no allocation on the versions read in bulk.
    public var cancelReason: String?

    @inlinable
    public init(
        subscriptionID: SubscriptionID, account: AccountIndex, product: String, plan: String? = nil, amount: Money,
        interval: BillingInterval = .month, intervalCount: Int = 1, quantity: Int = 1, discountPercent: Double = 0,
        discountAmount: Int64 = 0, status: SubscriptionStatus = .active, validFrom: Timestamp, validTo: Timestamp? = nil,
        renewsAt: Timestamp? = nil, cancelReason: String? = nil
    ) {
        self.subscriptionID = subscriptionID
        self.account = account
        self.product = product
        self.plan = plan
        self.amount = amount
        self.interval = interval
        self.intervalCount = intervalCount
        self.quantity = quantity
        self.discountPercent = discountPercent
        self.discountAmount = discountAmount
        self.status = status
        self.validFrom = validFrom
        self.validTo = validTo
        self.renewsAt = renewsAt
        self.cancelReason = cancelReason
    }
}

/// A one-time purchase.
public struct Order: Sendable, Equatable {
    public var id: OrderID
    public var account: AccountIndex
    public var orderedAt: Timestamp
    public var amount: Money

    public init(id: OrderID, account: AccountIndex, orderedAt: Timestamp, amount: Money) {
        self.id = id
        self.account = account
        self.orderedAt = orderedAt
        self.amount = amount
    }
}

/// A free trial.
public struct Trial: Sendable, Equatable {
    public var id: TrialID
    public var account: AccountIndex
    public var startedAt: Timestamp
    public var endsAt: Timestamp
    public var convertedAt: Timestamp?
    public var canceledAt: Timestamp?

    public init(
        id: TrialID, account: AccountIndex, startedAt: Timestamp, endsAt: Timestamp, convertedAt: Timestamp? = nil,
        canceledAt: Timestamp? = nil
    ) {
        self.id = id
        self.account = account
        self.startedAt = startedAt
        self.endsAt = endsAt
        self.convertedAt = convertedAt
        self.canceledAt = canceledAt
    }

    /// When the trial ended: at conversion or cancellation if that came first, else at `endsAt`.
    public var endedAt: Timestamp { min(endsAt, convertedAt ?? endsAt, canceledAt ?? endsAt) }
}

/// Sales and marketing spend over a span of days, for CAC.
public struct AcquisitionCost: Sendable, Equatable {
    /// First day covered.
    public var periodStart: Timestamp
    /// Last day covered (inclusive: a January cost runs 2024-01-01 to 2024-01-31).
    public var periodEnd: Timestamp
    public var amount: Money
    public var channel: String?

    public init(periodStart: Timestamp, periodEnd: Timestamp, amount: Money, channel: String? = nil) {
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.amount = amount
        self.channel = channel
    }
}

public enum SurveyKind: String, Sendable, CaseIterable, Codable {
    case nps, csat, ces

    /// The default answer scale: NPS 0-10, CSAT 1-5, CES 1-7.
    public var defaultScale: ClosedRange<Double> {
        switch self {
        case .nps: 0...10
        case .csat: 1...5
        case .ces: 1...7
        }
    }
}

/// One answer to an NPS, CSAT or CES survey.
public struct SurveyResponse: Sendable, Equatable {
    public var id: SurveyResponseID
    public var account: AccountIndex
    public var survey: SurveyKind
    public var score: Double
    public var scaleMin: Double
    public var scaleMax: Double
    public var respondedAt: Timestamp
    public var contact: String?
    public var comment: String?
    /// Where it was answered: `vitals` (`SurveySource.vitals`) for the hosted surveys; `nil` when not said.
    public var source: String?

    @inlinable
    public init(
        id: SurveyResponseID, account: AccountIndex, survey: SurveyKind, score: Double, scaleMin: Double? = nil,
        scaleMax: Double? = nil, respondedAt: Timestamp, contact: String? = nil, comment: String? = nil,
        source: String? = nil
    ) {
        self.id = id
        self.account = account
        self.survey = survey
        self.score = score
        self.scaleMin = scaleMin ?? survey.defaultScale.lowerBound
        self.scaleMax = scaleMax ?? survey.defaultScale.upperBound
        self.respondedAt = respondedAt
        self.contact = contact
        self.comment = comment
        self.source = source
    }
}

/// A support ticket.
public struct Ticket: Sendable, Equatable {
    public var id: TicketID
    public var account: AccountIndex
    public var openedAt: Timestamp
    public var resolvedAt: Timestamp?
    public var agentReplies: Int?
    public var reopens: Int?
    /// An explicit first-contact-resolution flag; overrides the derivation from replies and reopens.
    public var firstContactResolution: Bool?
    public var channel: String?
    /// How urgent support judged it; `nil` when not set.
    public var priority: TicketPriority?
    /// Who asked: a contact of the same account (the CSAT invitation goes to them); `nil` when not known.
    public var contact: ContactID?

    @inlinable
    public init(
        id: TicketID, account: AccountIndex, openedAt: Timestamp, resolvedAt: Timestamp? = nil, agentReplies: Int? = nil,
        reopens: Int? = nil, firstContactResolution: Bool? = nil, channel: String? = nil, priority: TicketPriority? = nil,
        contact: ContactID? = nil
    ) {
        self.id = id
        self.account = account
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.agentReplies = agentReplies
        self.reopens = reopens
        self.firstContactResolution = firstContactResolution
        self.channel = channel
        self.priority = priority
        self.contact = contact
    }
}

/// A ticket's urgency, in the four levels of Zendesk and Freshdesk, least urgent first.
public enum TicketPriority: String, Sendable, CaseIterable, Codable, Comparable, FieldRepresentable {
    case low, normal, high, urgent

    public static func < (a: TicketPriority, b: TicketPriority) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A product usage event from a tracker.
public struct UsageEvent: Sendable, Equatable {
    public var id: UsageEventID
    public var account: AccountIndex
    public var user: UserID
    public var event: String
    public var occurredAt: Timestamp
    public var durationSeconds: Double?
    /// Extra columns (CSV) or fields (NDJSON), kept as properties.
    public var properties: [String: String]

    public init(
        id: UsageEventID, account: AccountIndex, user: UserID, event: String, occurredAt: Timestamp,
        durationSeconds: Double? = nil, properties: [String: String] = [:]
    ) {
        self.id = id
        self.account = account
        self.user = user
        self.event = event
        self.occurredAt = occurredAt
        self.durationSeconds = durationSeconds
        self.properties = properties
    }
}

/// One onboarding milestone of an account.
public struct OnboardingMilestone: Sendable, Equatable {
    public var account: AccountIndex
    public var milestone: String
    public var required: Bool
    public var startedAt: Timestamp?
    public var dueAt: Timestamp?
    public var completedAt: Timestamp?

    @inlinable
    public init(
        account: AccountIndex, milestone: String, required: Bool = true, startedAt: Timestamp? = nil,
        dueAt: Timestamp? = nil, completedAt: Timestamp? = nil
    ) {
        self.account = account
        self.milestone = milestone
        self.required = required
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.completedAt = completedAt
    }
}

public enum LeadSource: String, Sendable, CaseIterable, Codable {
    case referral, csql, upsell
    case crossSell = "cross_sell"
    case marketing, other
}

public enum LeadStatus: String, Sendable, CaseIterable, Codable {
    case open, won, lost
}

/// A sales lead, including those customer success creates (CS-qualified leads, upsells, referrals).
public struct Lead: Sendable, Equatable {
    public var id: LeadID
    public var account: AccountIndex?
    public var source: LeadSource
    public var createdAt: Timestamp
    public var status: LeadStatus
    public var closedAt: Timestamp?
    public var amount: Money?

    @inlinable
    public init(
        id: LeadID, account: AccountIndex? = nil, source: LeadSource, createdAt: Timestamp, status: LeadStatus,
        closedAt: Timestamp? = nil, amount: Money? = nil
    ) {
        self.id = id
        self.account = account
        self.source = source
        self.createdAt = createdAt
        self.status = status
        self.closedAt = closedAt
        self.amount = amount
    }
}

/// A goal the customer wants to reach with the product (the customer's "value from the solution").
public struct SuccessGoal: Sendable, Equatable {
    public var id: SuccessGoalID
    public var account: AccountIndex
    public var name: String
    public var targetDate: Timestamp?
    public var achievedAt: Timestamp?

    public init(
        id: SuccessGoalID, account: AccountIndex, name: String, targetDate: Timestamp? = nil, achievedAt: Timestamp? = nil
    ) {
        self.id = id
        self.account = account
        self.name = name
        self.targetDate = targetDate
        self.achievedAt = achievedAt
    }
}

/// A CSM's own rating of an account (1 = at risk ... 5 = thriving).
public struct CsmPulse: Sendable, Equatable {
    public var account: AccountIndex
    public var recordedAt: Timestamp
    public var rating: Int
    public var note: String?

    @inlinable
    public init(account: AccountIndex, recordedAt: Timestamp, rating: Int, note: String? = nil) {
        self.account = account
        self.recordedAt = recordedAt
        self.rating = rating
        self.note = note
    }
}

/// Units of the reporting currency for one unit of `currency`, from `date` on.
public struct FxRate: Sendable, Equatable {
    public var date: Timestamp
    public var currency: CurrencyCode
    public var rate: Double

    public init(date: Timestamp, currency: CurrencyCode, rate: Double) {
        self.date = date
        self.currency = currency
        self.rate = rate
    }
}
