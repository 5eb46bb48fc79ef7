import Foundation

/// Monthly recurring revenue of subscription versions.
///
/// MRR of a version = (amount x quantity x (1 - discount_percent / 100) - discount_amount), normalised to one month
/// (a year is 12 months, a week 12/52 of a month, a day 12/365, divided by interval_count), converted to the reporting
/// currency at the rate in force when the version started, and rounded once to the nearest minor unit (half away from
/// zero). Every sum of MRR is then an exact integer, so movements add up to the cent.
public enum SubscriptionMRR {
    /// The version's MRR in reporting-currency minor units while it counts (ignores its status), or `nil` when its
    /// currency has no rate.
    public static func monthlyValue(of version: SubscriptionVersion, fx: FxTable) -> Int64? {
        guard let rate = fx.rate(version.amount.currency, at: version.validFrom) else { return nil }
        let shift = fx.reportingCurrency.minorUnitExponent - version.amount.currency.minorUnitExponent
        let factor = shift >= 0 ? rate * Money.powerOfTen(shift) : rate / Money.powerOfTen(-shift)
        let gross = Double(version.amount.minorUnits) * Double(version.quantity)
        let net = max(0, gross * (1 - version.discountPercent / 100) - Double(version.discountAmount))
        let monthly = net / (version.interval.months * Double(max(1, version.intervalCount)))
        let value = monthly * factor
        // Binary floating point cannot hold most decimal rates and percentages (1.1135, 12.5 %...), so a value
        // that is exactly half a cent in decimal can land a hair below it. Near a half, redo the sum exactly.
        let fraction = abs(value - value.rounded(.towardZero))
        if abs(fraction - 0.5) < 1e-6, abs(value) < Double(largestMonthly) {
            return exactMonthlyValue(of: version, rate: rate, shift: shift)
        }
        // The checks bound amount × quantity (RecordLimits), but a configured rate or a daily interval can still
        // lift a value past what sums of it may hold: it is held at the ceiling rather than trapping.
        guard let exact = Int64(roundingChecked: value) else { return value < 0 ? -largestMonthly : largestMonthly }
        return min(max(exact, -largestMonthly), largestMonthly)
    }

    /// The largest MRR one version contributes, in reporting-currency minor units: 2^53, beyond which a Double
    /// no longer holds every integer (and far beyond any real subscription item).
    public static let largestMonthly: Int64 = 1 << 53

    /// The largest sum of every span's MRR in one workspace: 2^56 minor units. Every MRR figure (an account's MRR, a
    /// period's movements, ARR at 12 times MRR, lifetime values) is a sum or difference of span values, so with the
    /// total held here none of them can overflow Int64. Checked data never comes near it (2^56 cents is 720 trillion
    /// US dollars a month); spans past it are held to what is left.
    public static let largestTotal: Int64 = 1 << 56

    /// The monthly value computed in decimal: (amount x quantity x (100 - percent) - 100 x discount) x days /
    /// (100 x months x interval count) x rate x 10^shift, with one rounding at the end.
    static func exactMonthlyValue(of version: SubscriptionVersion, rate: Double, shift: Int) -> Int64 {
        // A Double's shortest description is the decimal it was parsed from (for up to 15 significant digits).
        func decimal(_ x: Double) -> Decimal { Decimal(string: "\(x)") ?? Decimal(x) }
        var net =
            Decimal(version.amount.minorUnits) * Decimal(version.quantity) * (100 - decimal(version.discountPercent))
            - Decimal(version.discountAmount) * 100
        if net < 0 { net = 0 }
        // Months per interval as a fraction: a day is 12/365 of a month, a week 12/52.
        let (months, per): (Decimal, Decimal) =
            switch version.interval {
            case .day: (12, 365)
            case .week: (12, 52)
            case .month: (1, 1)
            case .year: (12, 1)
            }
        var numerator = net * per * decimal(rate)
        var denominator = 100 * months * Decimal(max(1, version.intervalCount))
        if shift >= 0 { numerator *= pow(Decimal(10), shift) } else { denominator *= pow(Decimal(10), -shift) }
        var quotient = numerator / denominator
        var rounded = Decimal()
        NSDecimalRound(&rounded, &quotient, 0, .plain)  // .plain: half away from zero
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    /// A span of time during which a version contributes `mrr`.
    public struct Span: Sendable, Equatable {
        public var account: AccountIndex
        public var product: String
        public var from: Timestamp
        /// Exclusive; `nil` = still running.
        public var to: Timestamp?
        public var mrr: Int64
    }

    /// The positions of `versions` ordered by subscription, product and start, as a stable sort orders them. Exports
    /// list each subscription's versions together and subscriptions in id order: then only the few versions of each
    /// subscription are sorted, not all of them by their ids (a third of a report's revenue indexing at 400,000).
    public static func itemOrder(_ versions: [SubscriptionVersion]) -> [Int] {
        func precedes(_ a: SubscriptionVersion, _ b: SubscriptionVersion) -> Bool {
            if a.subscriptionID != b.subscriptionID { return a.subscriptionID < b.subscriptionID }
            if a.product != b.product { return a.product < b.product }
            return a.validFrom < b.validFrom
        }
        var order: [Int] = []
        order.reserveCapacity(versions.count)
        var start = 0
        while start < versions.count {
            let id = versions[start].subscriptionID
            var end = start + 1
            while end < versions.count && versions[end].subscriptionID == id { end += 1 }
            // Subscriptions out of id order, or one listed in two places: the whole sort.
            if start > 0 && !(versions[start - 1].subscriptionID < id) {
                return versions.indices.sorted { precedes(versions[$0], versions[$1]) }
            }
            if end - start == 1 {
                order.append(start)
            } else {
                order.append(contentsOf: (start..<end).sorted { precedes(versions[$0], versions[$1]) })
            }
            start = end
        }
        return order
    }

    /// The spans during which versions count as MRR: `active` versions for their whole validity, `past_due` ones until
    /// `delinquencyDays` after the item first fell past due (then they churn), `trialing` and `paused` never.
    public static func spans(of versions: [SubscriptionVersion], fx: FxTable, delinquencyDays: Int) -> [Span] {
        // Order each subscription item's versions in time, to find where a run of past_due versions began.
        let order = itemOrder(versions)
        let window = Int64(delinquencyDays) * 86_400
        var spans: [Span] = []
        spans.reserveCapacity(versions.count)
        var pastDueSince: Timestamp?
        var total: Int64 = 0
        // The versions are read in place, not copied out with their strings (this runs for every version).
        versions.withUnsafeBufferPointer { versions in
            var previous: Int?
            for i in order {
                let continues =
                    previous.map {
                        versions[$0].subscriptionID == versions[i].subscriptionID
                            && versions[$0].product == versions[i].product && versions[$0].validTo == versions[i].validFrom
                    } ?? false
                let status = versions[i].status
                if status == .pastDue {
                    if !(continues && versions[previous!].status == .pastDue) { pastDueSince = versions[i].validFrom }
                } else {
                    pastDueSince = nil
                }
                previous = i
                guard status == .active || status == .pastDue, var mrr = monthlyValue(of: versions[i], fx: fx), mrr != 0
                else { continue }
                if mrr.magnitude > UInt64(largestTotal - total) { mrr = mrr < 0 ? total - largestTotal : largestTotal - total }
                if mrr == 0 { continue }
                var to = versions[i].validTo
                if status == .pastDue, let since = pastDueSince {
                    let churnAt = since.adding(seconds: window)
                    if to == nil || churnAt < to! { to = churnAt }
                    if churnAt <= versions[i].validFrom { continue }
                }
                total += Int64(mrr.magnitude)  // at most largestMonthly, by monthlyValue
                spans.append(
                    Span(
                        account: versions[i].account, product: versions[i].product, from: versions[i].validFrom, to: to,
                        mrr: mrr))
            }
        }
        return spans
    }
}
