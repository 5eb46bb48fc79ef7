/// The accounts behind a KPI in one period: the rows a team looks at when the number is off.
///
/// Each family of KPIs names its own drivers: the MRR movements the KPI is made of for revenue KPIs (every one, with
/// its instant and the MRR before and after, see `MRRMovements`), the lowest survey answers
/// for voice-of-customer KPIs, the accounts with the most tickets for support, overdue milestones for onboarding, the
/// steepest usage drops for adoption, open leads for growth.
public struct KPIDriver: Sendable, Equatable {
    public var account: AccountIndex
    /// What happened, in words ("churned", "detractor, scored 3", "2 milestones overdue").
    public var reason: String
    /// The driver's size in the unit that orders the list (MRR minor units, a score, a count).
    public var amount: Double
    public var at: Timestamp?
    /// Whether `amount` is money (reporting-currency minor units).
    public var isMoney: Bool = false
    /// For revenue KPIs: the customer MRR before and after the movement (minor units).
    public var before: Int64? = nil
    public var after: Int64? = nil
}

public enum KPIDrivers {
    /// The drivers of `kpi` in `period`, for the accounts `include` admits, largest first: all of them unless
    /// `limit` is given (a page shows them a page at a time and downloads them all).
    public static func drivers(
        of kpi: KPI, in period: Period, calculator: KPICalculator, include: (Int) -> Bool, limit: Int? = nil
    ) -> [KPIDriver] {
        let all: [KPIDriver]
        switch kpi {
        case .nps, .npsPromoters, .npsPassives, .npsDetractors, .npsResponses, .npsMarginOfError:
            all = surveyDrivers(.nps, period, calculator.dataset, include)
        case .csat, .csatMean, .satisfactionIndex, .surveyResponseRate:
            all = surveyDrivers(.csat, period, calculator.dataset, include)
        case .ces, .cesEasyShare:
            all = surveyDrivers(.ces, period, calculator.dataset, include)
        case .fcrRate, .ticketsOpened, .ticketsPerAccount, .medianResolutionHours:
            all = ticketDrivers(period, calculator.dataset, include)
        case .onboardingCompletionRate, .medianDaysToOnboard, .onboardingOverdue:
            all = onboardingDrivers(period, calculator.dataset, horizon: calculator.settings.onboardingHorizonSeconds, include)
        case .activeUsers, .activeAccounts, .stickiness, .avgTimeOnPlatformMinutes, .featureAdoption:
            all = usageDrivers(period, calculator.dataset, include)
        case .referrals, .referralConversionRate, .csqls, .csqlWinRate, .upsellPipelineValue, .upsellPipelineCount:
            all = leadDrivers(period, calculator, include)
        case .goalAttainmentRate:
            all = goalDrivers(period, calculator.dataset, include)
        case .trialConversionRate:
            all = trialDrivers(period, calculator.dataset, include)
        case .repeatPurchaseRate, .purchaseFrequency:
            all = orderDrivers(period, calculator, include)
        default:
            all = revenueDrivers(of: kpi, period, calculator.timeline, include)
        }
        return limit.map { Array(all.prefix(max(0, $0))) } ?? all
    }

    /// Which MRR movements of the period a revenue KPI is made of (docs/metrics.md): one kind (`new_mrr`, ...), the
    /// start cohort's (`_S`) movements, or all of them.
    public static func movementFilter(of kpi: KPI) -> (MRRMovement) -> Bool {
        switch kpi {
        case .newMRR, .newCustomers, .cac, .cacPaybackMonths, .ltvToCac: { $0.kind == .new }
        case .expansionMRR: { $0.kind == .expansion }
        case .contractionMRR: { $0.kind == .contraction }
        case .churnedMRR: { $0.kind == .churn }
        case .reactivationMRR: { $0.kind == .reactivation }
        case .expansionRate: { $0.kind == .expansion && $0.inStartCohort }
        case .upsellRate: { $0.kind == .expansion && $0.inStartCohort && $0.upsell }
        case .crossSellRate: { $0.kind == .expansion && $0.inStartCohort && $0.crossSell }
        case .grossRevenueChurnRate, .grr: { ($0.kind == .churn || $0.kind == .contraction) && $0.inStartCohort }
        case .netRevenueChurnRate: { $0.kind != .new }
        case .netRevenueChurnRateCohort, .nrrPeriod: { $0.inStartCohort }
        default: { _ in true }
        }
    }

    /// The accounts behind a revenue KPI in the period, every one of them: its MRR movements (with their instant and
    /// the MRR before and after), the start-cohort customers lost for the customer-churn KPIs, the twelve-month
    /// cohort's changes for `nrr`. Largest amount first, then by time and account.
    static func revenueDrivers(of kpi: KPI, _ period: Period, _ timeline: RevenueTimeline, _ include: (Int) -> Bool) -> [KPIDriver] {
        func driver(_ m: MRRMovement, reason: String? = nil) -> KPIDriver {
            KPIDriver(
                account: m.account, reason: reason ?? m.kind.words, amount: Double(m.amount), at: m.at, isMoney: true,
                before: m.before, after: m.after)
        }
        let out: [KPIDriver]
        switch kpi {
        case .churnedCustomers, .customerChurnRate, .customerRetentionRate:
            out = MRRMovements.churnedCustomers(in: period, timeline: timeline, include: include).map {
                driver($0, reason: "lost: paid at the start, not at the end")
            }
        case .nrr:
            out = MRRMovements.nrrMovers(in: period, timeline: timeline, include: include).map { m in
                KPIDriver(
                    account: m.account, reason: "MRR since \(m.yearAgo.date) (12 months)",
                    amount: Double(m.now) - Double(m.then), at: m.yearAgo, isMoney: true, before: m.then, after: m.now)
            }
        default:
            let keep = movementFilter(of: kpi)
            out = MRRMovements.list(in: period, timeline: timeline, include: include).filter(keep).map { driver($0) }
        }
        return out.sorted {
            abs($0.amount) > abs($1.amount)
                || abs($0.amount) == abs($1.amount) && ($0.at! < $1.at! || $0.at! == $1.at! && $0.account.int < $1.account.int)
        }
    }

    /// The period's lowest answers of one survey, lowest share of the scale first.
    static func surveyDrivers(_ kind: SurveyKind, _ period: Period, _ dataset: Dataset, _ include: (Int) -> Bool) -> [KPIDriver] {
        var found: [(driver: KPIDriver, share: Double)] = []
        for r in dataset.surveyResponses where r.survey == kind && period.contains(r.respondedAt) && include(r.account.int) {
            let share = (r.score - r.scaleMin) / max(1e-9, r.scaleMax - r.scaleMin)
            let label: String
            switch kind {
            case .nps: label = r.score >= 9 ? "promoter" : r.score <= 6 ? "detractor" : "passive"
            case .csat: label = "CSAT"
            case .ces: label = "effort"
            }
            var reason: String = label + ", scored " + formatScore(r.score)
            if let comment = r.comment { reason += ": \u{201C}" + comment + "\u{201D}" }
            found.append((KPIDriver(account: r.account, reason: reason, amount: r.score, at: r.respondedAt), share))
        }
        found.sort { a, b in a.share < b.share || a.share == b.share && a.driver.at! > b.driver.at! }
        return found.map(\.driver)
    }

    /// A score as written: `9`, `6.5`.
    public static func formatScore(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Accounts with the most tickets opened in the period, with how many were not resolved on first contact.
    static func ticketDrivers(_ period: Period, _ dataset: Dataset, _ include: (Int) -> Bool) -> [KPIDriver] {
        var opened: [Int: (count: Int, notFCR: Int)] = [:]
        for t in dataset.tickets where period.contains(t.openedAt) && include(t.account.int) {
            let derived: Bool = t.resolvedAt != nil && (t.agentReplies ?? 0) <= 1 && (t.reopens ?? 0) == 0
            let fcr: Bool = t.firstContactResolution ?? derived
            opened[t.account.int, default: (0, 0)].count += 1
            if !fcr { opened[t.account.int, default: (0, 0)].notFCR += 1 }
        }
        return opened.map { a, v in
            KPIDriver(account: AccountIndex(a), reason: "\(v.count) tickets, \(v.notFCR) not resolved on first contact", amount: Double(v.count), at: nil)
        }.sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }

    /// Accounts with required milestones overdue at the period end (due within the onboarding horizon before it, as
    /// `onboarding_overdue` counts them).
    static func onboardingDrivers(_ period: Period, _ dataset: Dataset, horizon: Int64, _ include: (Int) -> Bool) -> [KPIDriver] {
        var overdue: [Int: (count: Int, oldest: Timestamp)] = [:]
        let (earliest, overflow) = period.end.seconds.subtractingReportingOverflow(horizon)
        for m in dataset.onboarding where m.required && include(m.account.int) {
            guard let due = m.dueAt, due < period.end, overflow || due.seconds >= earliest, m.completedAt.map({ $0 > due }) ?? true,
                m.completedAt.map({ $0 >= period.end }) ?? true
            else { continue }
            let known = overdue[m.account.int]
            overdue[m.account.int] = ((known?.count ?? 0) + 1, min(known?.oldest ?? due, due))
        }
        return overdue.map { a, v in
            let days = (period.end.seconds - v.oldest.seconds) / 86_400
            return KPIDriver(
                account: AccountIndex(a), reason: "\(v.count) milestone\(v.count == 1 ? "" : "s") overdue, oldest by \(days) days",
                amount: Double(days), at: v.oldest)
        }.sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }

    /// Accounts whose active users fell most against the previous period.
    static func usageDrivers(_ period: Period, _ dataset: Dataset, _ include: (Int) -> Bool) -> [KPIDriver] {
        let previous = period.previous
        let log = dataset.usageEvents
        var now = Set<Int64>(), before = Set<Int64>()
        for i in log.indices {
            let t = log.times[i]
            guard t >= previous.start.seconds && t < period.end.seconds else { continue }
            let a = Int(log.accounts[i])
            guard include(a) else { continue }
            let key = Int64(a) << 32 | Int64(log.users[i])
            if t >= period.start.seconds { now.insert(key) } else { before.insert(key) }
        }
        var counts: [Int: (now: Int, before: Int)] = [:]
        for k in now { counts[Int(k >> 32), default: (0, 0)].now += 1 }
        for k in before { counts[Int(k >> 32), default: (0, 0)].before += 1 }
        return counts.compactMap { a, c -> KPIDriver? in
            guard c.before > c.now else { return nil }
            let drop = Double(c.before - c.now) / Double(c.before)
            return KPIDriver(
                account: AccountIndex(a),
                reason: "active users \(c.before) → \(c.now) (\(Int((drop * 100).rounded())) % fewer)", amount: drop, at: nil)
        }.sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }

    /// Leads created in the period or open at its end, largest amount first.
    static func leadDrivers(_ period: Period, _ calculator: KPICalculator, _ include: (Int) -> Bool) -> [KPIDriver] {
        calculator.dataset.leads.compactMap { l -> KPIDriver? in
            guard let a = l.account, include(a.int) else { return nil }
            let created = period.contains(l.createdAt)
            let openAtEnd = l.createdAt < period.end && (l.closedAt.map { $0 >= period.end } ?? (l.status == .open))
            guard created || openAtEnd else { return nil }
            let value = l.amount.flatMap { calculator.fx.convert($0, at: l.createdAt) } ?? 0
            return KPIDriver(account: a, reason: "\(l.source.rawValue.replacingOccurrences(of: "_", with: "-")) lead, \(l.status.rawValue)", amount: value, at: l.createdAt, isMoney: true)
        }.sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }

    /// Customer goals past their target date and not achieved by the period end.
    static func goalDrivers(_ period: Period, _ dataset: Dataset, _ include: (Int) -> Bool) -> [KPIDriver] {
        dataset.successGoals.compactMap { g -> KPIDriver? in
            guard include(g.account.int), let target = g.targetDate, target < period.end,
                g.achievedAt.map({ $0 > target }) ?? true
            else { return nil }
            let late = (period.end.seconds - target.seconds) / 86_400
            return KPIDriver(account: g.account, reason: "goal \u{201C}\(g.name)\u{201D} \(late) days late", amount: Double(late), at: target)
        }.sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }

    /// Trials that ended in the period without converting.
    static func trialDrivers(_ period: Period, _ dataset: Dataset, _ include: (Int) -> Bool) -> [KPIDriver] {
        dataset.trials.compactMap { t -> KPIDriver? in
            guard include(t.account.int), period.contains(t.endedAt), t.convertedAt == nil else { return nil }
            return KPIDriver(account: t.account, reason: t.canceledAt == nil ? "trial expired" : "trial cancelled", amount: 0, at: t.endedAt)
        }.sorted { $0.at! > $1.at! }
    }

    /// Customers who bought in the period, by spend.
    static func orderDrivers(_ period: Period, _ calculator: KPICalculator, _ include: (Int) -> Bool) -> [KPIDriver] {
        var spend: [Int: (count: Int, total: Double)] = [:]
        for o in calculator.dataset.orders where period.contains(o.orderedAt) && include(o.account.int) {
            spend[o.account.int, default: (0, 0)].count += 1
            spend[o.account.int, default: (0, 0)].total += calculator.fx.convert(o.amount, at: o.orderedAt) ?? 0
        }
        return spend.map { a, v in KPIDriver(account: AccountIndex(a), reason: "\(v.count) orders", amount: v.total, at: nil, isMoney: true) }
            .sorted { $0.amount > $1.amount || $0.amount == $1.amount && $0.account.int < $1.account.int }
    }
}
