/// One MRR movement: the netted change of one account's MRR at one instant, classified as in docs/metrics.md
/// ("MRR movements"): new, expansion, reactivation, contraction or churn.
public struct MRRMovement: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case new, expansion, reactivation, contraction, churn

        /// The KPI that sums this kind's amounts (`new_mrr`, `expansion_mrr`, ...).
        public var kpi: KPI {
            switch self {
            case .new: .newMRR
            case .expansion: .expansionMRR
            case .reactivation: .reactivationMRR
            case .contraction: .contractionMRR
            case .churn: .churnedMRR
            }
        }

        /// The kind summed by `kpi`, if it is one of the five movement KPIs.
        public init?(kpi: KPI) {
            guard let kind = Self.allCases.first(where: { $0.kpi == kpi }) else { return nil }
            self = kind
        }

        /// In words, for a table ("new customer", "expanded", ...).
        public var words: String {
            switch self {
            case .new: "new customer"
            case .expansion: "expanded"
            case .reactivation: "reactivated"
            case .contraction: "contracted"
            case .churn: "churned"
            }
        }
    }

    public var account: AccountIndex
    /// The instant of the change (a change at a period's first instant belongs to that period).
    public var at: Timestamp
    public var kind: Kind
    /// Customer MRR just before and just after the instant, reporting-currency minor units.
    public var before: Int64
    public var after: Int64
    /// Whether the account paid at the period start (the start cohort `S` of docs/metrics.md).
    public var inStartCohort: Bool
    /// An expansion that raised a product the account already paid for (upsell), or added one (cross-sell); as
    /// `upsell_rate` and `cross_sell_rate` count them.
    public var upsell = false
    public var crossSell = false

    /// The amount the movement's KPI adds up: `after` for new and reactivation, `after - before` for expansion,
    /// `before - after` for contraction, `before` for churn. Never negative.
    public var amount: Int64 {
        switch kind {
        case .new, .reactivation: after
        case .churn: before
        case .expansion, .contraction: MRRMovements.distance(before, after)
        }
    }

    /// `after - before`, saturated at Int64's bounds instead of trapping.
    public var change: Int64 {
        let (d, overflow) = after.subtractingReportingOverflow(before)
        return overflow ? (after > before ? .max : .min) : d
    }
}

/// The MRR movements of a period, one row per change: the list behind every revenue KPI's number, so that its rows
/// add up to it exactly (`Σ amount` over the kind = `new_mrr`, `expansion_mrr`, ...; over the start cohort's rows =
/// the `_S` movements of `gross_revenue_churn_rate`, `net_revenue_churn_rate_cohort` and `nrr_period`).
///
/// Classified exactly as `RevenueTally.tally` does (same netting of an instant's changes, same "paid before" over
/// the whole history). Pure: a function of the timeline, the period and the accounts admitted.
public enum MRRMovements {
    /// Every movement of `period` of the accounts `include` admits, in time order (then by account).
    public static func list(in period: Period, timeline: RevenueTimeline, include: (Int) -> Bool) -> [MRRMovement] {
        var out: [MRRMovement] = []
        let start = period.start.seconds, end = period.end.seconds
        var productMRR: [(product: Int32, mrr: Int64)] = []
        var touched: [(slot: Int, before: Int64)] = []
        for a in 0..<timeline.accountCount where include(a) {
            var i = timeline.offsets[a]
            let last = timeline.offsets[a + 1]
            guard i < last, timeline.times[i] < end else { continue }
            var mrr: Int64 = 0
            var everPaid = false
            var startMRR: Int64?
            productMRR.removeAll(keepingCapacity: true)
            while i < last && timeline.times[i] < end {
                let t = timeline.times[i]
                if t >= start && startMRR == nil { startMRR = mrr }
                let before = mrr
                touched.removeAll(keepingCapacity: true)
                while i < last && timeline.times[i] == t {
                    let product = timeline.products[i]
                    var slot = productMRR.firstIndex { $0.product == product } ?? -1
                    if slot < 0 {
                        slot = productMRR.count
                        productMRR.append((product, 0))
                    }
                    if !touched.contains(where: { $0.slot == slot }) { touched.append((slot, productMRR[slot].mrr)) }
                    productMRR[slot].mrr = productMRR[slot].mrr.addingSaturated(timeline.deltas[i])
                    mrr = mrr.addingSaturated(timeline.deltas[i])
                    i += 1
                }
                let after = mrr
                defer { if after > 0 { everPaid = true } }
                guard t >= start, before != after else { continue }
                let kind: MRRMovement.Kind =
                    before == 0 ? (everPaid ? .reactivation : .new)
                    : after == 0 ? .churn : after > before ? .expansion : .contraction
                var movement = MRRMovement(
                    account: AccountIndex(a), at: Timestamp(seconds: t), kind: kind, before: before, after: after,
                    inStartCohort: (startMRR ?? 0) > 0)
                if kind == .expansion {
                    for (slot, productBefore) in touched where productMRR[slot].mrr > productBefore {
                        if productBefore > 0 { movement.upsell = true } else { movement.crossSell = true }
                    }
                }
                out.append(movement)
            }
        }
        return out.sorted { $0.at < $1.at || $0.at == $1.at && $0.account.int < $1.account.int }
    }

    /// The start-cohort accounts not paying at the period end (`churned_customers`): for each, its last churn of the
    /// period (the instant its MRR last fell to 0, and the MRR it fell from).
    public static func churnedCustomers(in period: Period, timeline: RevenueTimeline, include: (Int) -> Bool) -> [MRRMovement] {
        var lastChurn: [Int: MRRMovement] = [:]
        for m in list(in: period, timeline: timeline, include: include) where m.kind == .churn && m.inStartCohort {
            lastChurn[m.account.int] = m
        }
        return lastChurn.values.filter { timeline.mrr(of: $0.account, before: period.end) == 0 }
            .sorted { $0.at < $1.at || $0.at == $1.at && $0.account.int < $1.account.int }
    }

    /// One account of the twelve-month NRR cohort: paying just before `yearAgo` (the period end moved back twelve
    /// calendar months), with its MRR then and at the period end (docs/metrics.md, `nrr`).
    public struct NRRMember: Sendable, Equatable {
        public var account: AccountIndex
        public var yearAgo: Timestamp
        public var then: Int64
        public var now: Int64
    }

    /// The twelve-month NRR cohort of `period` whose MRR at the end differs from their MRR twelve months before:
    /// the accounts that moved `nrr` (an unchanged member adds the same amount to both sides).
    public static func nrrMovers(in period: Period, timeline: RevenueTimeline, include: (Int) -> Bool) -> [NRRMember] {
        let yearAgo = Timestamp(period.endDate.adding(months: -12))
        var out: [NRRMember] = []
        for a in 0..<timeline.accountCount where include(a) {
            let index = AccountIndex(a)
            let then = timeline.mrr(of: index, before: yearAgo)
            guard then > 0 else { continue }
            let now = timeline.mrr(of: index, before: period.end)
            if now != then { out.append(NRRMember(account: index, yearAgo: yearAgo, then: then, now: now)) }
        }
        return out
    }

    /// `|a - b|` without trapping (saturated at Int64.max).
    static func distance(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        if overflow { return .max }
        return d == .min ? .max : abs(d)
    }
}
