/// How a renewal turned out (docs/metrics.md, renewals): the ARR after against the ARR before.
public enum RenewalOutcome: String, Sendable, CaseIterable, Codable {
    /// ARR after equals ARR before.
    case renewed
    /// ARR after is higher.
    case expanded
    /// ARR after is lower, but above 0.
    case contracted
    /// ARR after is 0.
    case churned
    /// The grace window after the due date has not run out by the as-of instant: not decided yet.
    case pending

    /// The outcome of a decided renewal.
    public init(before: Int64, after: Int64) {
        if after == 0 {
            self = .churned
        } else if after == before {
            self = .renewed
        } else {
            self = after > before ? .expanded : .contracted
        }
    }
}

/// One renewal of a subscription item: due at `dueAt`, with the ARR it put up for renewal and what came of it.
/// Money is in reporting-currency minor units.
public struct Renewal: Sendable, Equatable {
    public var account: AccountIndex
    public var subscriptionID: SubscriptionID
    public var product: String
    public var dueAt: Timestamp
    /// The item's ARR just before `dueAt`.
    public var arrBefore: Int64
    /// The account's ARR of `product` at `dueAt` plus the grace window; `nil` while pending.
    public var arrAfter: Int64?
    public var outcome: RenewalOutcome

    public init(
        account: AccountIndex, subscriptionID: SubscriptionID, product: String, dueAt: Timestamp, arrBefore: Int64,
        arrAfter: Int64?, outcome: RenewalOutcome
    ) {
        self.account = account
        self.subscriptionID = subscriptionID
        self.product = product
        self.dueAt = dueAt
        self.arrBefore = arrBefore
        self.arrAfter = arrAfter
        self.outcome = outcome
    }
}
