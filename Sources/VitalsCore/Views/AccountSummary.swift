/// One account as the accounts table shows it, as of an instant.
public struct AccountSummary: Sendable, Equatable {
    public var index: AccountIndex
    public var id: AccountID
    public var name: String
    public var csm: String?
    /// The plan of the account's largest running subscription item (by MRR), if any.
    public var plan: String?
    /// MRR at `asOf`, reporting-currency minor units.
    public var mrr: Int64
    /// The latest NPS answer (0-10) on or before `asOf`.
    public var latestNPS: Double?
    /// The latest usage event on or before `asOf`.
    public var lastActivity: Timestamp?
    /// The next renewal of a running subscription after `asOf`: the subscription's start plus whole billing terms.
    public var renewal: CivilDate?
    public var status: Status

    public enum Status: String, Sendable {
        /// Has MRR now.
        case paying
        /// In a free trial now, without MRR.
        case trial
        /// Had MRR once, has none now.
        case churned
        /// Never had MRR.
        case prospect
    }
}

extension AccountSummary {
    /// The summary of one account as of `asOf`.
    public static func all(calculator: KPICalculator, asOf: Timestamp, only index: AccountIndex) -> AccountSummary {
        // The same rules as for every account; the scans are cheap next to a page render.
        all(calculator: calculator, asOf: asOf, where: { $0 == index.int })[0]
    }

    /// Summaries of every account as of `asOf` (in account order). One pass over each record kind.
    public static func all(calculator: KPICalculator, asOf: Timestamp) -> [AccountSummary] {
        all(calculator: calculator, asOf: asOf, where: { _ in true })
    }

    static func all(calculator: KPICalculator, asOf: Timestamp, where include: (Int) -> Bool) -> [AccountSummary] {
        let dataset = calculator.dataset
        let timeline = calculator.timeline
        let n = dataset.accounts.count
        let cut = asOf.seconds

        var nps = [(t: Int64, score: Double)?](repeating: nil, count: n)
        for r in dataset.surveyResponses where r.survey == .nps && r.respondedAt.seconds <= cut {
            let a = r.account.int
            if nps[a] == nil || nps[a]!.t <= r.respondedAt.seconds { nps[a] = (r.respondedAt.seconds, r.score) }
        }
        var last = [Int64](repeating: .min, count: n)
        let log = dataset.usageEvents
        for i in log.indices {
            let t = log.times[i]
            let a = Int(log.accounts[i])
            if t <= cut && t > last[a] { last[a] = t }
        }
        var inTrial = [Bool](repeating: false, count: n)
        for trial in dataset.trials where trial.startedAt <= asOf && trial.endedAt > asOf { inTrial[trial.account.int] = true }

        // Each subscription's first start anchors its billing terms.
        var firstStart: [SubscriptionID: Timestamp] = [:]
        for v in dataset.subscriptions {
            if let known = firstStart[v.subscriptionID], known <= v.validFrom { continue }
            firstStart[v.subscriptionID] = v.validFrom
        }
        var plan = [(mrr: Double, name: String)?](repeating: nil, count: n)
        var renewal = [CivilDate?](repeating: nil, count: n)
        for v in dataset.subscriptions where v.validFrom <= asOf && (v.validTo.map { $0 > asOf } ?? true) {
            guard v.status == .active || v.status == .pastDue else { continue }
            let a = v.account.int
            let monthly = Double(v.amount.minorUnits) * Double(v.quantity) / (v.interval.months * Double(v.intervalCount))
            if let name = v.plan ?? Optional(v.product), plan[a] == nil || plan[a]!.mrr < monthly { plan[a] = (monthly, name) }
            let next = nextRenewal(start: firstStart[v.subscriptionID] ?? v.validFrom, interval: v.interval, count: v.intervalCount, after: asOf)
            if renewal[a] == nil || next < renewal[a]! { renewal[a] = next }
        }

        return (0..<n).filter(include).map { a in
            let index = AccountIndex(a)
            let account = dataset.accounts[a]
            let mrr = timeline.mrr(of: index, before: asOf.adding(seconds: 1))
            let everPaid = timeline.offsets[a] < timeline.offsets[a + 1]
            let status: Status = mrr > 0 ? .paying : inTrial[a] ? .trial : everPaid ? .churned : .prospect
            return AccountSummary(
                index: index, id: account.id, name: account.name, csm: account.csm, plan: plan[a]?.name, mrr: mrr,
                latestNPS: nps[a]?.score, lastActivity: last[a] == .min ? nil : Timestamp(seconds: last[a]),
                renewal: renewal[a], status: status)
        }
    }

    /// The first term boundary after `asOf`: `start` plus a whole number of `count × interval`.
    static func nextRenewal(start: Timestamp, interval: BillingInterval, count: Int, after asOf: Timestamp) -> CivilDate {
        let from = start.date
        let target = asOf.date
        switch interval {
        case .month, .year:
            let step = (interval == .year ? 12 : 1) * max(1, count)
            let elapsed = (target.year - from.year) * 12 + target.month - from.month
            var k = max(0, elapsed / step)
            var date = from.adding(months: k * step)
            while date <= target {
                k += 1
                date = from.adding(months: k * step)
            }
            return date
        case .week, .day:
            let step = (interval == .week ? 7 : 1) * max(1, count)
            let elapsed = target.daysSinceEpoch - from.daysSinceEpoch
            let k = elapsed / step + 1
            return from.adding(days: k * step)
        }
    }
}
