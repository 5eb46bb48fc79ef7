/// The renewal KPIs of each group and period (docs/metrics.md, renewals): the renewals due in the period, the ARR up
/// for renewal, and over the decided ones the gross, net and logo renewal rates.
struct RenewalKPIs {
    struct Tally {
        var due = 0
        var arrDue: Int64 = 0
        /// Decided renewals (not pending): how many, how many kept any ARR, and their ARR before and after.
        var decided = 0
        var kept = 0
        var before: Int64 = 0
        var after: Int64 = 0
        /// Σ min(after, before) over the decided renewals.
        var retained: Int64 = 0
    }

    /// `tallies[group][period]`.
    let tallies: [[Tally]]

    /// Tallies `renewals` by the period their due date falls in and the group of their account.
    init(renewals: [Renewal], periods: [Period], groupOf: [Int32], groupCount: Int) {
        var tallies = [[Tally]](repeating: [Tally](repeating: Tally(), count: periods.count), count: groupCount)
        let lookup = PeriodLookup(periods)
        for r in renewals {
            guard r.account.int < groupOf.count else { continue }
            let g = Int(groupOf[r.account.int])
            guard g >= 0, g < groupCount, let p = lookup.index(r.dueAt) else { continue }
            // ARR sums are of span values held to SubscriptionMRR.largestTotal (x 12): they cannot overflow, but are
            // added with a check all the same, held at the ceiling rather than trapping.
            tallies[g][p].due += 1
            tallies[g][p].arrDue = tallies[g][p].arrDue.addingSaturated(r.arrBefore)
            if let after = r.arrAfter {
                tallies[g][p].decided += 1
                if after > 0 { tallies[g][p].kept += 1 }
                tallies[g][p].before = tallies[g][p].before.addingSaturated(r.arrBefore)
                tallies[g][p].after = tallies[g][p].after.addingSaturated(after)
                tallies[g][p].retained = tallies[g][p].retained.addingSaturated(min(after, r.arrBefore))
            }
        }
        self.tallies = tallies
    }

    func write(into values: inout [KPI: KPIValue], group g: Int, period p: Int) {
        let t = tallies[g][p]
        values[.renewalsDue] = .number(Double(t.due))
        values[.arrUpForRenewal] = .number(Double(t.arrDue))
        let before = Double(t.before)
        values[.grossRenewalRate] = t.decided == 0 ? .null : .ratio(Double(t.retained), before)
        values[.netRenewalRate] = t.decided == 0 ? .null : .ratio(Double(t.after), before)
        values[.logoRenewalRate] = .ratio(Double(t.kept), Double(t.decided))
    }
}
