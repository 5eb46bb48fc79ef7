/// Segments on an attribute that changes over time: the touch tier (docs/metrics.md, segments; docs/health.md, touch
/// tiers). An account's tier follows its MRR, so a segment or `--by` group on it holds, in each period, the accounts
/// whose tier was that value at the period's start; the twelve-month NRR cohort of a period, the accounts paying
/// twelve months before its end, is taken by their tier as of that earlier instant. Segments on fixed attributes
/// never come here: their reports are unchanged.
extension KPICalculator {
    /// Each period's grouping of the accounts (`groupOf`, negative = left out) as of its start, and the grouping of
    /// its twelve-month NRR cohort as of twelve months before its end.
    struct PeriodGroupings {
        var atStart: [[Int32]]
        var yearAgo: [[Int32]]
    }

    /// The instant whose paying accounts form a period's twelve-month NRR cohort (as in `RevenueTally.tally`).
    static func yearAgo(_ period: Period) -> Timestamp { Timestamp(period.endDate.adding(months: -12)) }

    /// The groupings of `periods` with each account's tier as of the instant; `assign` gives an account's group for
    /// its tier then (negative: not in any group).
    func tierGroupings(
        _ periods: [Period], touch: TouchTiers, assign: (Account, String) -> Int32
    ) -> PeriodGroupings {
        var known: [Timestamp: [Int32]] = [:]
        func grouping(at t: Timestamp) -> [Int32] {
            if let g = known[t] { return g }
            let tiers = TouchModel.tiers(
                spans: touch.spans, accountCount: dataset.accounts.count, settings: touch.settings, at: t)
            let g = dataset.accounts.indices.map { a in
                assign(dataset.accounts[a], a < tiers.count ? tiers[a] : TouchModel.tech)
            }
            known[t] = g
            return g
        }
        // Starts first, in order, so that groups are met in the order of the periods.
        let atStart = periods.map { grouping(at: $0.start) }
        let yearAgo = periods.map { grouping(at: Self.yearAgo($0)) }
        return PeriodGroupings(atStart: atStart, yearAgo: yearAgo)
    }

    /// One report per group, each period's row computed with that period's grouping. Consecutive periods with the
    /// same grouping are computed together (exactly as one report of them: every KPI family's row of a period
    /// depends only on that period and the grouping). A period's `nrr` and its revenue's twelve-month fields come from
    /// the cohort grouped as of twelve months before its end.
    func reportsByPeriod(
        _ periods: [Period], groupings: PeriodGroupings, groups: [String?], renewals: [Renewal]
    ) -> [KPIReport] {
        var rows = [[KPIReport.Row]](repeating: [], count: groups.count)
        var first = 0
        while first < periods.count {
            var next = first + 1
            while next < periods.count && groupings.atStart[next] == groupings.atStart[first] { next += 1 }
            let part = reports(
                Array(periods[first..<next]), groupOf: groupings.atStart[first], groups: groups, companyWide: false,
                renewals: renewals)
            for g in groups.indices { rows[g].append(contentsOf: part[g].rows) }
            first = next
        }
        for p in periods.indices where groupings.yearAgo[p] != groupings.atStart[p] {
            let back = RevenueTally.tally(
                timeline, periods: [periods[p]], groupOf: groupings.yearAgo[p], groupCount: groups.count)
            for g in groups.indices where p < rows[g].count {
                let cohort = back[g].first ?? RevenueTally()
                rows[g][p].revenue.yearAgoMRR = cohort.yearAgoMRR
                rows[g][p].revenue.yearAgoCohortMRRNow = cohort.yearAgoCohortMRRNow
                rows[g][p].values[.nrr] = .ratio(Double(cohort.yearAgoCohortMRRNow), Double(cohort.yearAgoMRR))
            }
        }
        return groups.indices.map { g in
            KPIReport(
                currency: settings.reportingCurrency, grain: periods.first?.grain ?? .month, segment: groups[g],
                rows: rows[g])
        }
    }

    /// Whether each account is in `segment` for `period`: by its attributes, with its touch tier as of the period's
    /// start when the segment names the tier, exactly as the period's row of `report(_:)` decides (docs/metrics.md,
    /// segments). For the accounts behind a period's value.
    public func members(of segment: SegmentFilter, in period: Period) -> [Bool] {
        guard let touch, segment.uses(touch.attribute) else { return dataset.accounts.map { segment.matches($0) } }
        let tiers = TouchModel.tiers(
            spans: touch.spans, accountCount: dataset.accounts.count, settings: touch.settings, at: period.start)
        return dataset.accounts.indices.map { a in
            segment.matches(dataset.accounts[a], with: a < tiers.count ? tiers[a] : TouchModel.tech, for: touch.attribute)
        }
    }

    /// `reports(_:by:)` when the breakdown or the segment is on the touch tier.
    func reportsByTier(_ scope: ReportScope, by attribute: String, touch: TouchTiers) -> [(value: String, report: KPIReport)] {
        var groups = BreakdownGroups()
        let groupings = tierGroupings(scope.periods, touch: touch) { account, tier in
            guard scope.segment?.matches(account, with: tier, for: touch.attribute) ?? true else { return -1 }
            return groups.number(attribute == touch.attribute ? tier : (account.attribute(attribute) ?? "(none)"))
        }
        let all = reportsByPeriod(
            scope.periods, groupings: groupings, groups: groups.labels(attribute, segment: scope.segment),
            renewals: renewals(for: scope))
        return groups.inNameOrder(all)
    }
}
