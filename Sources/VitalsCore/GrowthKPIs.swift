/// Growth from existing customers per period and group: referrals, CS-qualified leads, the upsell pipeline (from the
/// leads) and customer goal attainment (from the success goals).
struct GrowthKPIs {
    /// Leads of one source: created in the period, and closed (`closed_at`) in the period as won or lost.
    struct LeadFlow {
        var created = 0
        var won = 0
        var closed = 0
    }

    let periodCount: Int
    /// Per `group * periodCount + period`.
    private(set) var referrals: [LeadFlow]
    private(set) var csqls: [LeadFlow]
    /// Upsell and cross-sell leads open at the period end, and their amount in reporting-currency minor units.
    private(set) var pipelineCount: [Int]
    private(set) var pipelineValue: [Double]
    /// Success goals whose target date falls in the period, and those of them achieved by the end of that day.
    private(set) var goals: [Int]
    private(set) var goalsAchieved: [Int]

    /// - Parameter companyWide: whether the report covers every account; leads without an account count only then.
    init(dataset: Dataset, periods: [Period], groupOf: [Int32], groupCount: Int, fx: FxTable, companyWide: Bool) {
        let periodCount = periods.count
        let cells = groupCount * periodCount
        self.periodCount = periodCount
        referrals = [LeadFlow](repeating: LeadFlow(), count: cells)
        csqls = referrals
        pipelineCount = [Int](repeating: 0, count: cells)
        pipelineValue = [Double](repeating: 0, count: cells)
        goals = pipelineCount
        goalsAchieved = pipelineCount
        guard periodCount > 0 else { return }
        let lookup = PeriodLookup(periods)

        // Per group, +1 / -1 (and +/- its amount) where a lead's run of periods ending with it open begins / ends.
        var countChange = [Int](repeating: 0, count: groupCount * (periodCount + 1))
        var valueChange = [Double](repeating: 0, count: groupCount * (periodCount + 1))
        for lead in dataset.leads {
            let group: Int
            if let account = lead.account {
                group = Int(groupOf[account.int])
            } else {
                group = companyWide ? 0 : -1
            }
            guard group >= 0 else { continue }
            let base = group * periodCount
            switch lead.source {
            case .referral:
                GrowthKPIs.count(lead, base: base, lookup: lookup, into: &referrals)
            case .csql:
                GrowthKPIs.count(lead, base: base, lookup: lookup, into: &csqls)
            case .upsell, .crossSell:
                // Open at the end of period p when created_at < end_p and (status open, or closed_at >= end_p).
                let from = lookup.ended(by: lead.createdAt.seconds)
                let to: Int
                if lead.status == .open {
                    to = periodCount
                } else if let closedAt = lead.closedAt {
                    to = lookup.ended(by: closedAt.seconds)
                } else {
                    to = from  // won or lost with no date: never counted as open
                }
                guard from < to else { continue }
                let value = lead.amount.flatMap { fx.convert($0, at: lead.createdAt) } ?? 0
                let changeBase = group * (periodCount + 1)
                countChange[changeBase + from] += 1
                countChange[changeBase + to] -= 1
                valueChange[changeBase + from] += value
                valueChange[changeBase + to] -= value
            case .marketing, .other:
                continue
            }
        }
        for group in 0..<groupCount {
            var count = 0
            var value = 0.0
            for p in 0..<periodCount {
                count += countChange[group * (periodCount + 1) + p]
                value += valueChange[group * (periodCount + 1) + p]
                pipelineCount[group * periodCount + p] = count
                pipelineValue[group * periodCount + p] = count == 0 ? 0 : value
            }
        }

        for goal in dataset.successGoals {
            let group = Int(groupOf[goal.account.int])
            guard group >= 0, let target = goal.targetDate, let p = lookup.index(target) else { continue }
            goals[group * periodCount + p] += 1
            // Achieved by the target date: before the end of the target day (UTC).
            let endOfTargetDay = Timestamp(target.date.adding(days: 1))
            if let achieved = goal.achievedAt, achieved < endOfTargetDay { goalsAchieved[group * periodCount + p] += 1 }
        }
    }

    /// Counts a lead as created in the period of its `created_at`, and as closed (won or lost) in that of its
    /// `closed_at`. A lead marked won or lost without a `closed_at` closes in no period.
    private static func count(_ lead: Lead, base: Int, lookup: PeriodLookup, into flows: inout [LeadFlow]) {
        if let p = lookup.index(lead.createdAt) { flows[base + p].created += 1 }
        if lead.status != .open, let closedAt = lead.closedAt, let p = lookup.index(closedAt) {
            flows[base + p].closed += 1
            if lead.status == .won { flows[base + p].won += 1 }
        }
    }

    /// Writes the growth KPIs of one group and period.
    func write(into values: inout [KPI: KPIValue], group: Int, period: Int) {
        let cell = group * periodCount + period
        values[.referrals] = .number(Double(referrals[cell].created))
        values[.referralConversionRate] = .ratio(Double(referrals[cell].won), Double(referrals[cell].closed))
        values[.csqls] = .number(Double(csqls[cell].created))
        values[.csqlWinRate] = .ratio(Double(csqls[cell].won), Double(csqls[cell].closed))
        values[.upsellPipelineValue] = .number(pipelineValue[cell])
        values[.upsellPipelineCount] = .number(Double(pipelineCount[cell]))
        values[.goalAttainmentRate] = .ratio(Double(goalsAchieved[cell]), Double(goals[cell]))
    }
}
