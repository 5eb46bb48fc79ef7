import VitalsCore

/// A Stripe customer, as the account it becomes: the account id is the customer's `metadata.vitals_account_id` when
/// set (to join Stripe with the product's own account ids), else the Stripe customer id.
public struct StripeCustomer: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var name: String
    public var createdAt: Timestamp?
    public var country: String?
    /// `email`, `description` and each `metadata` key as `metadata_<key>`; `stripe_deleted_at` once deleted.
    public var attributes: [String: String]

    public init(
        id: String, accountID: String? = nil, name: String, createdAt: Timestamp? = nil, country: String? = nil,
        attributes: [String: String] = [:]
    ) {
        self.id = id
        self.accountID = accountID ?? id
        self.name = name
        self.createdAt = createdAt
        self.country = country
        self.attributes = attributes
    }
}

/// One observation of a subscription, with the customer it belongs to.
public struct StripeObservation: Sendable, Equatable {
    public var subscription: String
    public var customer: String
    public var observation: SubscriptionObservation
}

/// A paid invoice that is not a subscription's: a one-time purchase (an order).
public struct StripeOrder: Sendable, Equatable {
    public var id: String
    public var customer: String
    public var paidAt: Timestamp
    public var amountMinor: Int64
    public var currency: String
}

/// What a Stripe event, backfill or export means for the store.
public struct StripeChanges: Sendable, Equatable {
    public var customers: [StripeCustomer] = []
    public var observations: [StripeObservation] = []
    public var orders: [StripeOrder] = []

    public init() {}

    public var isEmpty: Bool { customers.isEmpty && observations.isEmpty && orders.isEmpty }
}

/// A Stripe object that cannot be mapped (a price without an amount, an unknown interval...).
public struct StripeMappingError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
