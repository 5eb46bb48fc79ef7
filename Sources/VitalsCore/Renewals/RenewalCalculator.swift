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
