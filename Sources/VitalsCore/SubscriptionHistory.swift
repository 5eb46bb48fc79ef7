/// One look at a subscription in a billing system (a webhook's copy of the object, a backfill, an export row): the
/// terms it showed, and from when they held.
///
/// Billing systems hold a subscription's *current* state; Vitals holds its history as dated versions
/// (docs/data-format.md, subscriptions.csv). `SubscriptionHistory.versions` turns the observations of one subscription,
/// in any order of arrival, into those versions.
public struct SubscriptionObservation: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The whole subscription as it was at `observedAt`.
        case snapshot
        /// A paid invoice of the subscription: it was paid at `observedAt` (a past-due subscription is active again).
        /// Its items come from the invoice lines and are used only when no snapshot is known.
        case payment
    }

    /// The subscription's state from `observedAt` on.
    public enum State: String, Sendable, Codable {
        case active, trialing
        case pastDue = "past_due"
        case paused
        /// Canceled: it stopped at `endsAt`.
        case ended
        /// Created but never paid for (Stripe's `incomplete`, `incomplete_expired`): no revenue.
        case notStarted = "not_started"
    }

    public var kind: Kind
    public var observedAt: Timestamp
    /// When the subscription began (Stripe's `start_date`): the first observation's terms reach back to it.
    public var startedAt: Timestamp
    /// Before this instant the subscription was in its free trial.
    public var trialEnd: Timestamp?
    public var state: State
    /// For `ended`, when it stopped; otherwise a scheduled cancellation (exclusive end), or `nil`.
    public var endsAt: Timestamp?
    public var items: [Item]
    public var discounts: [Discount]
    /// Why it was (or is to be) cancelled (Stripe's `cancellation_details`), kept on the versions it ends.
    public var cancelReason: String?

    public init(
        kind: Kind = .snapshot, observedAt: Timestamp, startedAt: Timestamp, trialEnd: Timestamp? = nil,
        state: State, endsAt: Timestamp? = nil, items: [Item], discounts: [Discount] = [], cancelReason: String? = nil
    ) {
        self.kind = kind
        self.observedAt = observedAt
        self.startedAt = startedAt
        self.trialEnd = trialEnd
        self.state = state
        self.endsAt = endsAt
        self.items = items
        self.discounts = discounts
        self.cancelReason = cancelReason
    }

    /// A priced line of the subscription; `product` names the subscription item (unique within the subscription).
    public struct Item: Sendable, Equatable, Codable {
        public var product: String
        public var plan: String?
        /// Price per interval per unit, in minor units of `currency`.
        public var amountMinor: Int64
        public var currency: String
        public var interval: BillingInterval
        public var intervalCount: Int
        public var quantity: Int

        public init(
            product: String, plan: String? = nil, amountMinor: Int64, currency: String, interval: BillingInterval,
            intervalCount: Int = 1, quantity: Int = 1
        ) {
            self.product = product
            self.plan = plan
            self.amountMinor = amountMinor
            self.currency = currency
            self.interval = interval
            self.intervalCount = intervalCount
            self.quantity = quantity
        }
    }

    /// A recurring discount: `forever` when `until` is `nil`, else limited to before `until` (Stripe's `repeating`
    /// coupons). A one-invoice (`once`) coupon is not recurring revenue and is not a `Discount`.
    public struct Discount: Sendable, Equatable, Codable {
        /// 0...100.
        public var percent: Double
        /// A fixed amount off per billing interval, in minor units of `currency`.
        public var amountMinor: Int64
        public var currency: String?
        /// The item it applies to; `nil` for the whole subscription.
        public var product: String?
        public var until: Timestamp?

        public init(percent: Double = 0, amountMinor: Int64 = 0, currency: String? = nil, product: String? = nil, until: Timestamp? = nil) {
            self.percent = percent
            self.amountMinor = amountMinor
            self.currency = currency
            self.product = product
            self.until = until
        }
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(seconds: try decoder.singleValueContainer().decode(Int64.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}

/// Builds a subscription's dated versions from what was observed of it.
public enum SubscriptionHistory {
    /// The versions of subscription `id` (of `account`) that `observations` imply, per item ordered by `validFrom`.
    ///
    /// - Each snapshot's terms hold from its `observedAt` until the next snapshot's; the earliest reaches back to the
    ///   subscription's `startedAt`. The last holds until its scheduled end (`endsAt`), or stays open.
    /// - A snapshot in state `ended` ends the subscription at its `endsAt`; later snapshots are ignored. Seen alone
    ///   (a backfill of a canceled subscription), its own terms are the history from `startedAt` to the end.
    /// - Before `trialEnd`, the terms count as `trialing`; a snapshot in state `trialing` is trialing throughout,
    ///   until the next snapshot, or until its trial end when the next one shows the trial converted.
    /// - A payment makes a past-due subscription active from the instant it was paid; with no snapshot at all, its
    ///   items are the terms, active from `startedAt`.
    /// - A limited discount splits a version where it runs out. Percentages combine as successive discounts
    ///   (10 % and 20 % are 28 %); a subscription-wide fixed amount is taken from the items in order, each at most
    ///   its own price times quantity.
    /// - Consecutive versions of an item with the same terms merge into one.
    /// - The cancellation reason of the snapshot that set the end is kept on the versions that end there.
    public static func versions(
        of id: SubscriptionID, account: AccountIndex, observations: [SubscriptionObservation]
    ) -> [SubscriptionVersion] {
        let ordered = observations.enumerated().sorted {
            ($0.element.observedAt, $0.element.kind == .payment ? 1 : 0, $0.offset)
                < ($1.element.observedAt, $1.element.kind == .payment ? 1 : 0, $1.offset)
        }.map(\.element)
        var segments: [(from: Timestamp, terms: SubscriptionObservation, state: SubscriptionObservation.State)] = []
        var end: Timestamp?
        var endReason: String?
        var ended = false
        for o in ordered {
            if ended { break }
            switch (o.kind, o.state) {
            case (.payment, _):
                if let last = segments.last {
                    if last.state == .pastDue { segments.append((o.observedAt, last.terms, .active)) }
                } else {
                    segments.append((min(o.startedAt, o.observedAt), o, .active))
                }
            case (.snapshot, .ended):
                if segments.isEmpty { segments.append((o.startedAt, o, .active)) }
                end = o.endsAt ?? o.observedAt
                endReason = o.cancelReason
                ended = true
            case (.snapshot, let state):
                var from = segments.isEmpty ? min(o.startedAt, o.observedAt) : o.observedAt
                // A trial that converted ends at its trial end, not when the news of it arrived.
                if let last = segments.last, last.state == .trialing, state != .trialing,
                    let trialEnd = o.trialEnd ?? last.terms.trialEnd, trialEnd > last.from, trialEnd < from
                {
                    from = trialEnd
                }
                segments.append((from, o, state))
                end = o.endsAt
                endReason = o.cancelReason
            }
        }

        var versions: [SubscriptionVersion] = []
        for (k, segment) in segments.enumerated() where segment.state != .notStarted {
            let to = k + 1 < segments.count ? segments[k + 1].from : end
            if let to, to <= segment.from { continue }
            let terms = segment.terms
            // Instants inside the segment where the terms change: the end of the trial, discounts running out.
            var cuts = terms.discounts.compactMap(\.until)
            if let trialEnd = terms.trialEnd, segment.state != .trialing { cuts.append(trialEnd) }
            let inside = Set(cuts.filter { cut in cut > segment.from && (to.map { cut < $0 } ?? true) }).sorted()
            let starts = [segment.from] + inside
            for (p, start) in starts.enumerated() {
                let stop = p + 1 < starts.count ? starts[p + 1] : to
                let trialing = segment.state == .trialing || (terms.trialEnd.map { start < $0 } ?? false)
                let status: SubscriptionStatus
                if trialing {
                    status = .trialing
                } else {
                    switch segment.state {
                    case .pastDue: status = .pastDue
                    case .paused: status = .paused
                    default: status = .active
                    }
                }
                versions += priced(terms, id: id, account: account, status: status, from: start, to: stop)
            }
        }
        var result = merged(versions)
        if let end, let endReason {
            for i in result.indices where result[i].validTo == end { result[i].cancelReason = endReason }
        }
        return result
    }

    /// The versions of each item of `terms` over `[from, to)`, with the discounts in force at `from`.
    private static func priced(
        _ terms: SubscriptionObservation, id: SubscriptionID, account: AccountIndex, status: SubscriptionStatus,
        from: Timestamp, to: Timestamp?
    ) -> [SubscriptionVersion] {
        let inForce = terms.discounts.filter { $0.until.map { from < $0 } ?? true }
        var wideAmounts = inForce.filter { $0.product == nil && $0.amountMinor > 0 }.map { ($0.amountMinor, $0.currency) }
        return terms.items.compactMap { item in
            guard let currency = CurrencyCode(item.currency) else { return nil }
            let mine = inForce.filter { $0.product == nil || $0.product == item.product }
            let kept = mine.reduce(1.0) { $0 * (1 - min(100, max(0, $1.percent)) / 100) }
            let percent = ((1 - kept) * 100 * 1e9).rounded() / 1e9
            // Items are checked against RecordLimits when mapped; the product is taken in Double all the same, so that
            // no observation can trap here.
            let gross = Int64(roundingChecked: Double(item.amountMinor) * Double(item.quantity) * kept) ?? RecordLimits.money
            var amount = mine.filter { $0.product != nil && $0.currency.map { $0 == item.currency } ?? true }
                .reduce(Int64(0)) { $0 + min(max(0, $1.amountMinor), RecordLimits.money) }
            amount = min(amount, gross)
            for i in wideAmounts.indices where wideAmounts[i].1.map({ $0 == item.currency }) ?? true {
                let take = min(wideAmounts[i].0, gross - amount)
                amount += take
                wideAmounts[i].0 -= take
            }
            return SubscriptionVersion(
                subscriptionID: id, account: account, product: item.product, plan: item.plan,
                amount: Money(minorUnits: item.amountMinor, currency: currency), interval: item.interval,
                intervalCount: item.intervalCount, quantity: item.quantity, discountPercent: percent,
                discountAmount: amount, status: status, validFrom: from, validTo: to)
        }
    }

    /// Joins back-to-back versions of an item whose terms are the same.
    private static func merged(_ versions: [SubscriptionVersion]) -> [SubscriptionVersion] {
        var byItem: [String: [SubscriptionVersion]] = [:]
        var order: [String] = []
        for v in versions {
            if byItem[v.product] == nil { order.append(v.product) }
            byItem[v.product, default: []].append(v)
        }
        var out: [SubscriptionVersion] = []
        for product in order {
            var run: [SubscriptionVersion] = []
            for v in byItem[product]!.sorted(by: { $0.validFrom < $1.validFrom }) {
                if var last = run.last, last.validTo == v.validFrom, sameTerms(last, v) {
                    last.validTo = v.validTo
                    run[run.count - 1] = last
                } else {
                    run.append(v)
                }
            }
            out += run
        }
        return out
    }

    private static func sameTerms(_ a: SubscriptionVersion, _ b: SubscriptionVersion) -> Bool {
        var b = b
        b.validFrom = a.validFrom
        b.validTo = a.validTo
        return a == b
    }
}
