/// Churned MRR split by its cause (docs/metrics.md, `voluntary_churned_mrr`, `delinquent_churned_mrr`, churned MRR by
/// reason), per group and period. The churns are `churned_mrr`'s own (an account's MRR falling from above 0 to 0,
/// read from the same revenue timeline); each is then put down to the versions that stopped counting at that instant:
///
/// - **delinquent**: MRR of `past_due` versions running up to the instant (the delinquency window ran out, or the item
///   ended while past due);
/// - **voluntary**: the rest, by the `cancel_reason` of the versions that ended there (`(none)` without one).
///
/// So `voluntary + delinquent = churned_mrr` exactly for every group and period.
struct ChurnCauses {
    struct Tally: Sendable, Equatable {
        var voluntary: Int64 = 0
        var delinquent: Int64 = 0
        /// Churned MRR by reason: each cancel reason, `(none)`, and `delinquent` for delinquent churn.
        var byReason: [String: Int64] = [:]
    }

    /// The reason delinquent churn is listed under, and the one of a voluntary churn without a `cancel_reason`.
    static let delinquentReason = "delinquent"
    static let noReason = "(none)"

    /// `tallies[group][period]`.
    let tallies: [[Tally]]

    init(
        timeline: RevenueTimeline, versions: [SubscriptionVersion], fx: FxTable, periods: [Period], groupOf: [Int32],
        groupCount: Int
    ) {
        var tallies = [[Tally]](repeating: [Tally](repeating: Tally(), count: periods.count), count: groupCount)
        let lookup = PeriodLookup(periods)
        // The churns: (account, instant, MRR before).
        var churns: [(account: Int, at: Int64, before: Int64, period: Int)] = []
        for account in 0..<timeline.accountCount where account < groupOf.count && groupOf[account] >= 0 {
            var i = timeline.offsets[account]
            let end = timeline.offsets[account + 1]
            var mrr: Int64 = 0
            while i < end {
                let t = timeline.times[i]
                let before = mrr
                while i < end && timeline.times[i] == t {
                    mrr += timeline.deltas[i]
                    i += 1
                }
                if before > 0 && mrr == 0, let p = lookup.index(Timestamp(seconds: t)) {
                    churns.append((account, t, before, p))
                }
            }
        }
        guard !churns.isEmpty else {
            self.tallies = tallies
            return
        }
        // The versions of the accounts that churned, by account.
        var wanted = Set(churns.map(\.account))
        var versionsOf: [Int: [Int]] = [:]
        for (k, v) in versions.enumerated() where wanted.contains(v.account.int) && (v.status == .active || v.status == .pastDue) {
            versionsOf[v.account.int, default: []].append(k)
        }
        wanted.removeAll()
        for churn in churns {
            let g = Int(groupOf[churn.account])
            let at = Timestamp(seconds: churn.at)
            var delinquent: Int64 = 0
            var ended: [(reason: String, mrr: Int64)] = []
            for k in versionsOf[churn.account] ?? [] {
                let v = versions[k]
                let mrr = SubscriptionMRR.monthlyValue(of: v, fx: fx) ?? 0
                if v.status == .pastDue, v.validFrom < at, v.validTo.map({ $0 >= at }) ?? true {
                    delinquent += mrr
                } else if v.status == .active, v.validTo == at {
                    ended.append((v.cancelReason ?? Self.noReason, mrr))
                }
            }
            delinquent = min(max(0, delinquent), churn.before)
            let voluntary = churn.before - delinquent
            var tally = tallies[g][churn.period]
            tally.delinquent += delinquent
            tally.voluntary += voluntary
            if delinquent > 0 { tally.byReason[Self.delinquentReason, default: 0] += delinquent }
            // The voluntary part goes to the reasons of the versions that ended, each at most its own MRR, in reason
            // order; what is left (a rounding, a paused item) to the last reason, or (none).
            var left = voluntary
            let reasons = Dictionary(ended.map { ($0.reason, $0.mrr) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
            for (n, (reason, mrr)) in reasons.enumerated() where left > 0 {
                let share = n == reasons.count - 1 ? left : min(left, max(0, mrr))
                tally.byReason[reason, default: 0] += share
                left -= share
            }
            if left > 0 { tally.byReason[Self.noReason, default: 0] += left }
            tallies[g][churn.period] = tally
        }
        self.tallies = tallies
    }

    func write(into values: inout [KPI: KPIValue], group g: Int, period p: Int) {
        let t = tallies[g][p]
        values[.voluntaryChurnedMRR] = .number(Double(t.voluntary))
        values[.delinquentChurnedMRR] = .number(Double(t.delinquent))
        values[.churnedMRRByReason] = .breakdown(t.byReason.mapValues(Double.init))
    }
}
