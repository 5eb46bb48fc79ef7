/// The revenue facts of one period for a set of accounts, from which every revenue KPI is derived.
///
/// Movements are classified per change, not by netting a period's start and end: a customer who churns on the 5th
/// and comes back on the 20th adds both a churn and a reactivation. So for every period and every set of accounts
/// `endMRR == startMRR + newMRR + expansionMRR + reactivationMRR - contractionMRR - churnedMRR` exactly.
/// Money is in reporting-currency minor units.
public struct RevenueTally: Sendable, Equatable {
    public var startMRR: Int64 = 0
    public var endMRR: Int64 = 0
    public var payingAtStart = 0
    public var payingAtEnd = 0
    /// Accounts paying at start and not at end.
    public var churnedCustomers = 0
    /// Accounts that paid for the first time in the period.
    public var newCustomers = 0

    public var newMRR: Int64 = 0
    public var expansionMRR: Int64 = 0
    public var contractionMRR: Int64 = 0
    public var churnedMRR: Int64 = 0
    public var reactivationMRR: Int64 = 0

    /// Movements of the start cohort (accounts paying at the period start) only.
    public var cohortExpansionMRR: Int64 = 0
    public var cohortContractionMRR: Int64 = 0
    public var cohortChurnedMRR: Int64 = 0
    public var cohortReactivationMRR: Int64 = 0
    /// MRR at the period end of the accounts that paid at its start.
    public var cohortEndMRR: Int64 = 0
    /// Start-cohort accounts that expanded a product they already paid for (upsell), or added one (cross-sell).
    public var upsellCustomers = 0
    public var crossSellCustomers = 0

    /// MRR twelve months before the period end of the accounts paying then, and their MRR at the period end.
    public var yearAgoMRR: Int64 = 0
    public var yearAgoCohortMRRNow: Int64 = 0

    public init() {}

    public var netNewMRR: Int64 { newMRR + expansionMRR + reactivationMRR - contractionMRR - churnedMRR }
}

extension RevenueTally {
    /// Tallies `periods` (contiguous and ascending) for every group of accounts in one pass over the timeline.
    ///
    /// - Parameter groupOf: the group of each account, or a negative number to leave the account out.
    /// - Returns: `result[group][period]`.
    public static func tally(
        _ timeline: RevenueTimeline, periods: [Period], groupOf: [Int32], groupCount: Int
    ) -> [[RevenueTally]] {
        guard !periods.isEmpty else { return [[RevenueTally]](repeating: [], count: groupCount) }
        // One flat block of tallies, updated in place (group-major): no copy of a tally per account and period.
        let flat = UnsafeMutableBufferPointer<RevenueTally>.allocate(capacity: groupCount * periods.count)
        flat.initialize(repeating: RevenueTally())
        defer { flat.deallocate() }
        let starts = periods.map { $0.start.seconds }
        let ends = periods.map { $0.end.seconds }
        let yearAgo = periods.map { Timestamp($0.endDate.adding(months: -12)).seconds }
        let times = timeline.times
        let deltas = timeline.deltas
        let products = timeline.products
        // Per-product MRR of the current account; products per account are few, so a flat array is enough.
        var productMRR: [(product: Int32, mrr: Int64)] = []
        var touched: [(slot: Int, before: Int64)] = []

        for account in 0..<timeline.accountCount {
            let group = Int(groupOf[account])
            guard group >= 0 else { continue }
            var i = timeline.offsets[account]
            let end = timeline.offsets[account + 1]
            guard i < end else { continue }
            var mrr: Int64 = 0
            var everPaid = false
            var back = i
            var backMRR: Int64 = 0
            productMRR.removeAll(keepingCapacity: true)

            // Applies every change at the next instant; returns (MRR before, upsell?, cross-sell?).
            func applyInstant() -> (before: Int64, upsell: Bool, crossSell: Bool) {
                let t = times[i]
                let before = mrr
                touched.removeAll(keepingCapacity: true)
                while i < end && times[i] == t {
                    let product = products[i]
                    var slot = productMRR.firstIndex { $0.product == product } ?? -1
                    if slot < 0 {
                        slot = productMRR.count
                        productMRR.append((product, 0))
                    }
                    if !touched.contains(where: { $0.slot == slot }) { touched.append((slot, productMRR[slot].mrr)) }
                    productMRR[slot].mrr += deltas[i]
                    mrr += deltas[i]
                    i += 1
                }
                var upsell = false
                var crossSell = false
                if before > 0 && mrr > before {
                    for (slot, productBefore) in touched where productMRR[slot].mrr > productBefore {
                        if productBefore > 0 { upsell = true } else { crossSell = true }
                    }
                }
                return (before, upsell, crossSell)
            }

            while i < end && times[i] < starts[0] {
                _ = applyInstant()
                if mrr > 0 { everPaid = true }
            }
            for p in 0..<periods.count {
                let startMRR = mrr
                // An account that pays nothing through the period, with no change in it and nothing a year before
                // its end, adds nothing to its tally.
                if startMRR == 0 && (i == end || times[i] >= ends[p]) {
                    while back < end && times[back] < yearAgo[p] {
                        backMRR += deltas[back]
                        back += 1
                    }
                    if backMRR <= 0 { continue }
                }
                let tally = flat.baseAddress! + group * periods.count + p
                let inCohort = startMRR > 0
                var upsold = false
                var crossSold = false
                while i < end && times[i] < ends[p] {
                    let (before, upsell, crossSell) = applyInstant()
                    let after = mrr
                    if before == after { continue }
                    if before == 0 {
                        if everPaid {
                            tally.pointee.reactivationMRR += after
                            if inCohort { tally.pointee.cohortReactivationMRR += after }
                        } else {
                            tally.pointee.newMRR += after
                            tally.pointee.newCustomers += 1
                        }
                    } else if after == 0 {
                        tally.pointee.churnedMRR += before
                        if inCohort { tally.pointee.cohortChurnedMRR += before }
                    } else if after > before {
                        tally.pointee.expansionMRR += after - before
                        if inCohort {
                            tally.pointee.cohortExpansionMRR += after - before
                            upsold = upsold || upsell
                            crossSold = crossSold || crossSell
                        }
                    } else {
                        tally.pointee.contractionMRR += before - after
                        if inCohort { tally.pointee.cohortContractionMRR += before - after }
                    }
                    if after > 0 { everPaid = true }
                }
                let endMRR = mrr
                tally.pointee.startMRR += startMRR
                tally.pointee.endMRR += endMRR
                if startMRR > 0 { tally.pointee.payingAtStart += 1 }
                if endMRR > 0 { tally.pointee.payingAtEnd += 1 }
                if inCohort {
                    tally.pointee.cohortEndMRR += endMRR
                    if endMRR == 0 { tally.pointee.churnedCustomers += 1 }
                    if upsold { tally.pointee.upsellCustomers += 1 }
                    if crossSold { tally.pointee.crossSellCustomers += 1 }
                }
                while back < end && times[back] < yearAgo[p] {
                    backMRR += deltas[back]
                    back += 1
                }
                if backMRR > 0 {
                    tally.pointee.yearAgoMRR += backMRR
                    tally.pointee.yearAgoCohortMRRNow += endMRR
                }
            }
        }
        return (0..<groupCount).map { g in Array(flat[(g * periods.count)..<((g + 1) * periods.count)]) }
    }
}
