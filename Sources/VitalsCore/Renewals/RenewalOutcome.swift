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

/// Works out every renewal of a set of subscription versions (docs/metrics.md, renewals). Pure: the versions, the
/// FX table and delinquency window the revenue KPIs use (`SubscriptionMRR`), the revenue timeline they read, the
/// as-of instant and the grace window in, the renewals out.
public struct RenewalCalculator: Sendable {
    public var fx: FxTable
    public var delinquencyDays: Int
    /// Days after the due date during which a late renewal still counts.
    public var graceDays: Int

    public init(fx: FxTable, delinquencyDays: Int, graceDays: Int) {
        self.fx = fx
        self.delinquencyDays = delinquencyDays
        self.graceDays = graceDays
    }

    /// The renewals due up to and including `through`, in subscription item order then time.
    ///
    /// - Parameters:
    ///   - timeline: every account's MRR changes per product (the same versions' `RevenueTimeline`).
    ///   - asOf: renewals whose due date plus the grace window is after it are `pending`.
    public func renewals(
        of versions: [SubscriptionVersion], timeline: RevenueTimeline, asOf: Timestamp, through: Timestamp
    ) -> [Renewal] {
        let grace = Int64(max(0, min(graceDays, 36_500))) * 86_400
        let productIndex = Dictionary(
            timeline.productNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var renewals: [Renewal] = []
        let order = SubscriptionMRR.itemOrder(versions)
        var start = 0
        while start < order.count {
            let head = versions[order[start]]
            var end = start + 1
            while end < order.count, versions[order[end]].subscriptionID == head.subscriptionID,
                versions[order[end]].product == head.product
            {
                end += 1
            }
            let item = order[start..<end].map { versions[$0] }
            start = end
            let dates = RenewalSchedule.dueDates(of: item, through: through)
            guard !dates.isEmpty else { continue }
            let spans = SubscriptionMRR.spans(of: item, fx: fx, delinquencyDays: delinquencyDays)
            for due in dates {
                // The item's MRR just before the due date: spans running up to it.
                let mrrBefore = spans.reduce(Int64(0)) { sum, s in
                    s.from < due && (s.to.map { $0 >= due } ?? true) ? sum + s.mrr : sum
                }
                guard mrrBefore > 0 else { continue }  // nothing up for renewal (paused, trialing, delinquent)
                let before = 12 * mrrBefore  // at most 12 x 2^56: no overflow
                let decidedAt = due.adding(seconds: grace)
                var after: Int64?
                if decidedAt <= asOf {
                    let product = productIndex[head.product]
                    after = 12 * Self.mrr(timeline, of: head.account, product: product, at: decidedAt)
                }
                renewals.append(
                    Renewal(
                        account: head.account, subscriptionID: head.subscriptionID, product: head.product, dueAt: due,
                        arrBefore: before, arrAfter: after,
                        outcome: after.map { RenewalOutcome(before: before, after: $0) } ?? .pending))
            }
        }
        return renewals
    }

    /// The account's MRR of one product at instant `t` (every change at or before `t` applied); 0 for a product the
    /// timeline never saw.
    static func mrr(_ timeline: RevenueTimeline, of account: AccountIndex, product: Int32?, at t: Timestamp) -> Int64 {
        guard let product else { return 0 }
        var total: Int64 = 0
        for i in timeline.offsets[account.int]..<timeline.offsets[account.int + 1] {
            if timeline.times[i] > t.seconds { break }
            if timeline.products[i] == product { total += timeline.deltas[i] }
        }
        return max(0, total)
    }
}
