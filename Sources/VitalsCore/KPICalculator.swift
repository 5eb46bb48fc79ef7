/// Computes KPI reports from a dataset. Pure: the same dataset, settings and scope always give the same report.
public struct KPICalculator: Sendable {
    public let dataset: Dataset
    public let settings: ReportSettings
    public let fx: FxTable
    public let timeline: RevenueTimeline
    /// The usage events as interned, account-ordered records, shared by every report of this calculator.
    let usage: UsageTable
    /// The touch-tier settings and the MRR spans they are worked out from, when the calculator tags touch tiers: a
    /// segment or `--by` on the tier attribute then uses each account's tier as of each period's start.
    let touch: TouchTiers?

    struct TouchTiers: Sendable {
        var settings: HealthSettings
        var spans: [SubscriptionMRR.Span]
        var attribute: String { settings.touch.attribute }
    }

    public init(dataset: Dataset, settings: ReportSettings) {
        self.dataset = dataset
        self.settings = settings
        let fx = FxTable(reportingCurrency: settings.reportingCurrency, rates: dataset.fxRates)
        self.fx = fx
        // The usage table (tens of millions of events) and the revenue timeline are independent: built side by side.
        let (usage, timeline) = Concurrently.run(
            { UsageTable(log: dataset.usageEvents, accountCount: dataset.accounts.count) },
            { RevenueTimeline(dataset: dataset, settings: settings, fx: fx) })
        self.usage = usage
        self.timeline = timeline
        self.touch = nil
    }

    /// The calculator for `dataset` with each account's touch tier as of `t` among its attributes, exactly as
    /// `KPICalculator(dataset: TouchModel.tagged(dataset, settings: health, at: t), settings: settings)`, in less
    /// time: the subscriptions' MRR spans are worked out once for the tiers and the revenue timeline, while the usage
    /// table is built beside them. (`dataset` is best passed with `consume`: the tier is then set in place.) The
    /// calculator keeps `health` and the spans: a report whose segment or `--by` names the tier attribute groups each
    /// period's accounts by their tier as of the period's start instead (docs/metrics.md, segments).
    public init(dataset: Dataset, settings: ReportSettings, touchTiers health: HealthSettings, at t: Timestamp) {
        guard health.report.reportingCurrency == settings.reportingCurrency,
            health.report.delinquencyDays == settings.delinquencyDays
        else {
            // Spans of other settings: nothing to share.
            let healthFx = FxTable(reportingCurrency: health.report.reportingCurrency, rates: dataset.fxRates)
            let spans = SubscriptionMRR.spans(
                of: dataset.subscriptions, fx: healthFx, delinquencyDays: health.report.delinquencyDays)
            var tagged = dataset
            tagged.setAttribute(
                health.touch.attribute,
                values: TouchModel.tiers(spans: spans, accountCount: dataset.accounts.count, settings: health, at: t))
            let plain = KPICalculator(dataset: tagged, settings: settings)
            self.init(
                dataset: plain.dataset, settings: settings, fx: plain.fx, usage: plain.usage, timeline: plain.timeline,
                touch: TouchTiers(settings: health, spans: spans))
            return
        }
        var dataset = dataset
        let fx = FxTable(reportingCurrency: settings.reportingCurrency, rates: dataset.fxRates)
        let (usage, spans) = Concurrently.run(
            { UsageTable(log: dataset.usageEvents, accountCount: dataset.accounts.count) },
            { SubscriptionMRR.spans(of: dataset.subscriptions, fx: fx, delinquencyDays: settings.delinquencyDays) })
        let accountCount = dataset.accounts.count
        let (tiers, timeline) = Concurrently.run(
            { TouchModel.tiers(spans: spans, accountCount: accountCount, settings: health, at: t) },
            { RevenueTimeline(spans: spans, accountCount: accountCount) })
        dataset.setAttribute(health.touch.attribute, values: tiers)
        self.init(
            dataset: dataset, settings: settings, fx: fx, usage: usage, timeline: timeline,
            touch: TouchTiers(settings: health, spans: spans))
    }

    private init(
        dataset: Dataset, settings: ReportSettings, fx: FxTable, usage: UsageTable, timeline: RevenueTimeline,
        touch: TouchTiers?
    ) {
        self.dataset = dataset
        self.settings = settings
        self.fx = fx
        self.usage = usage
        self.timeline = timeline
        self.touch = touch
    }

    /// The report for every account matching `scope.segment`.
    ///
    /// A segment on the touch tier (when the calculator tags tiers) is decided per period, with each account's tier
    /// as of the period's start (docs/metrics.md, segments).
    public func report(_ scope: ReportScope) -> KPIReport {
        if let touch, let segment = scope.segment, segment.uses(touch.attribute) {
            let groupings = tierGroupings(scope.periods, touch: touch) { account, tier in
                segment.matches(account, with: tier, for: touch.attribute) ? 0 : -1
            }
            return reportsByPeriod(
                scope.periods, groupings: groupings, groups: [segment.text], renewals: renewals(for: scope))[0]
        }
        let groupOf = dataset.accounts.map { scope.segment?.matches($0) ?? true ? Int32(0) : -1 }
        return reports(
            scope.periods, groupOf: groupOf, groups: [scope.segment?.text], companyWide: scope.segment == nil,
            renewals: renewals(for: scope))[0]
    }

    /// One report per value of `attribute` (accounts without a value form the group "(none)"), each further
    /// restricted to `scope.segment`.
    ///
    /// By the touch tier (or with a segment on it), each period's groups hold the accounts by their tier as of the
    /// period's start (docs/metrics.md, segments).
    public func reports(_ scope: ReportScope, by attribute: String) -> [(value: String, report: KPIReport)] {
        if let touch, attribute == touch.attribute || (scope.segment?.uses(touch.attribute) ?? false) {
            return reportsByTier(scope, by: attribute, touch: touch)
        }
        var groups = BreakdownGroups()
        let groupOf = dataset.accounts.map { account -> Int32 in
            guard scope.segment?.matches(account) ?? true else { return -1 }
            return groups.number(account.attribute(attribute) ?? "(none)")
        }
        let all = reports(
            scope.periods, groupOf: groupOf, groups: groups.labels(attribute, segment: scope.segment), companyWide: false,
            renewals: renewals(for: scope))
        return groups.inNameOrder(all)
    }

    /// The reports of `groups`; `renewals` are those of the whole report (`renewals(for:)`), tallied by due date.
    func reports(
        _ periods: [Period], groupOf: [Int32], groups: [String?], companyWide: Bool, renewals: [Renewal]
    ) -> [KPIReport] {
        let months = trailingMonths(for: periods)
        // The KPI families read the dataset independently: the heaviest (adoption, over every usage event, and the
        // monthly revenue tally) run beside the others, in two halves of about the same cost.
        let ((adoption, monthTallies), (tallies, activity, voice, support, onboarding, growth)) = Concurrently.run(
            {
                (
                    AdoptionKPIs(usage: usage, periods: periods, groupOf: groupOf, groupCount: groups.count),
                    RevenueTally.tally(timeline, periods: months.periods, groupOf: groupOf, groupCount: groups.count)
                )
            },
            {
                (
                    RevenueTally.tally(timeline, periods: periods, groupOf: groupOf, groupCount: groups.count),
                    ActivityKPIs(dataset: dataset, periods: periods, groupOf: groupOf, groupCount: groups.count),
                    VoiceOfCustomerKPIs(dataset: dataset, periods: periods, groupOf: groupOf, groupCount: groups.count),
                    SupportKPIs(dataset: dataset, periods: periods, groupOf: groupOf, groupCount: groups.count),
                    OnboardingKPIs(
                        dataset: dataset, periods: periods, groupOf: groupOf, groupCount: groups.count,
                        horizon: settings.onboardingHorizonSeconds),
                    GrowthKPIs(
                        dataset: dataset, periods: periods, groupOf: groupOf, groupCount: groups.count, fx: fx,
                        companyWide: companyWide)
                )
            })
        let renewalKPIs = RenewalKPIs(renewals: renewals, periods: periods, groupOf: groupOf, groupCount: groups.count)
        let churnCauses = ChurnCauses(
            timeline: timeline, versions: dataset.subscriptions, fx: fx, periods: periods, groupOf: groupOf,
            groupCount: groups.count)
        let costs = companyWide ? AcquisitionSpend(costs: dataset.acquisitionCosts, fx: fx).spend(in: periods) : nil
        let margin = settings.grossMargin

        return groups.indices.map { g in
            let rows = periods.indices.map { p -> KPIReport.Row in
                let t = tallies[g][p]
                var v: [KPI: KPIValue] = [:]
                v.reserveCapacity(KPI.allCases.count)
                let start = Double(t.startMRR)
                v[.mrr] = .number(Double(t.endMRR))
                v[.arr] = .number(Double(t.endMRR) * 12)
                v[.payingCustomers] = .number(Double(t.payingAtEnd))
                let arpa = KPIValue.ratio(Double(t.endMRR), Double(t.payingAtEnd))
                v[.arpa] = arpa
                v[.newMRR] = .number(Double(t.newMRR))
                v[.expansionMRR] = .number(Double(t.expansionMRR))
                v[.contractionMRR] = .number(Double(t.contractionMRR))
                v[.churnedMRR] = .number(Double(t.churnedMRR))
                v[.reactivationMRR] = .number(Double(t.reactivationMRR))
                v[.netNewMRR] = .number(Double(t.netNewMRR))
                v[.newCustomers] = .number(Double(t.newCustomers))
                v[.churnedCustomers] = .number(Double(t.churnedCustomers))
                let churnRate = KPIValue.ratio(Double(t.churnedCustomers), Double(t.payingAtStart))
                v[.customerChurnRate] = churnRate
                v[.customerRetentionRate] = KPIValue(churnRate.double.map { 1 - $0 })
                v[.grossRevenueChurnRate] = .ratio(Double(t.cohortChurnedMRR + t.cohortContractionMRR), start)
                // ChartMogul's standard (B2B) Net MRR Churn Rate: every churn and contraction of the period, net of
                // every expansion and reactivation, over MRR at start (docs/metrics.md, net_revenue_churn_rate). In
                // doubles, so that no sum of movements can overflow.
                v[.netRevenueChurnRate] = .ratio(
                    Double(t.churnedMRR) + Double(t.contractionMRR) - Double(t.expansionMRR) - Double(t.reactivationMRR),
                    start)
                // The same ratio over the start cohort's movements only (= 1 - nrr_period).
                v[.netRevenueChurnRateCohort] = .ratio(
                    Double(t.cohortChurnedMRR) + Double(t.cohortContractionMRR) - Double(t.cohortExpansionMRR)
                        - Double(t.cohortReactivationMRR),
                    start)
                v[.grr] = .ratio(start - Double(t.cohortContractionMRR + t.cohortChurnedMRR), start)
                v[.nrr] = .ratio(Double(t.yearAgoCohortMRRNow), Double(t.yearAgoMRR))
                v[.nrrPeriod] = .ratio(Double(t.cohortEndMRR), start)
                v[.expansionRate] = .ratio(Double(t.cohortExpansionMRR), start)
                v[.upsellRate] = .ratio(Double(t.upsellCustomers), Double(t.payingAtStart))
                v[.crossSellRate] = .ratio(Double(t.crossSellCustomers), Double(t.payingAtStart))
                v[.quickRatio] = .ratio(
                    Double(t.newMRR + t.expansionMRR + t.reactivationMRR), Double(t.contractionMRR + t.churnedMRR))

                // LTV = ARPA x gross margin / mean monthly customer churn of the three months ending by period end.
                let churns = months.indices[p].compactMap { m -> Double? in
                    let mt = monthTallies[g][m]
                    return mt.payingAtStart == 0 ? nil : Double(mt.churnedCustomers) / Double(mt.payingAtStart)
                }
                let meanChurn = churns.isEmpty ? 0 : churns.reduce(0, +) / Double(churns.count)
                let ltv = arpa.double.map { KPIValue.ratio($0 * margin, meanChurn) } ?? .null
                v[.ltv] = ltv
                if let costs {
                    let cac = KPIValue.ratio(costs[p], Double(t.newCustomers))
                    v[.cac] = cac
                    v[.ltvToCac] = (ltv.double).flatMap { l in cac.double.map { KPIValue.ratio(l, $0) } } ?? .null
                    v[.cacPaybackMonths] = .ratio(costs[p], Double(t.newMRR) * margin)
                    if t.newCustomers == 0 { v[.cacPaybackMonths] = .null }
                } else {
                    v[.cac] = .null
                    v[.ltvToCac] = .null
                    v[.cacPaybackMonths] = .null
                }
                let a = activity.tallies[g][p]
                v[.trialConversionRate] = .ratio(Double(a.trialsConverted), Double(a.trialsEnded))
                v[.repeatPurchaseRate] = .ratio(Double(a.repeatPurchasers), Double(a.purchasersToDate))
                v[.purchaseFrequency] = .ratio(Double(a.ordersInPeriod), Double(a.purchasersInPeriod))
                voice.write(into: &v, group: g, period: p)
                support.write(into: &v, group: g, period: p, payingCustomers: t.payingAtEnd)
                onboarding.write(into: &v, group: g, period: p)
                adoption.write(into: &v, group: g, period: p)
                growth.write(into: &v, group: g, period: p)
                renewalKPIs.write(into: &v, group: g, period: p)
                churnCauses.write(into: &v, group: g, period: p)
                return KPIReport.Row(period: periods[p], values: v, revenue: t)
            }
            return KPIReport(
                currency: settings.reportingCurrency, grain: periods.first?.grain ?? .month, segment: groups[g],
                rows: rows)
        }
    }

    /// The months whose customer churn feeds each period's LTV: the three calendar months ending at or before the
    /// period end.
    private func trailingMonths(for periods: [Period]) -> (periods: [Period], indices: [[Int]]) {
        guard let first = periods.first, let last = periods.last else { return ([], []) }
        func lastMonthEnd(_ p: Period) -> CivilDate { Grain.month.start(containing: p.endDate) }
        let firstMonth = lastMonthEnd(first).adding(months: -3)
        let months = Period.range(from: firstMonth, through: lastMonthEnd(last).adding(days: -1), grain: .month)
        let indices = periods.map { p -> [Int] in
            let endMonth = lastMonthEnd(p)
            return months.indices.filter { months[$0].endDate <= endMonth && months[$0].endDate > endMonth.adding(months: -3) }
        }
        return (months, indices)
    }
}

/// The values of a breakdown (`--by`), numbered in the order they are first met.
struct BreakdownGroups {
    private var numbers: [String: Int32] = [:]
    private(set) var names: [String] = []

    /// The group of `value`, a new one the first time.
    mutating func number(_ value: String) -> Int32 {
        if let known = numbers[value] { return known }
        numbers[value] = Int32(names.count)
        names.append(value)
        return Int32(names.count - 1)
    }

    /// Each group's label: `attribute=value`, after the segment's text when there is one.
    func labels(_ attribute: String, segment: SegmentFilter?) -> [String] {
        names.map { name in [segment?.text, "\(attribute)=\(name)"].compactMap { $0 }.joined(separator: " and ") }
    }

    /// Each group's value with its item of `perGroup`, by value.
    func inNameOrder<T>(_ perGroup: [T]) -> [(value: String, report: T)] {
        names.indices.sorted { names[$0] < names[$1] }.map { (names[$0], perGroup[$0]) }
    }
}
