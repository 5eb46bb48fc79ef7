import VitalsCore

/// A timestamp from ISO 8601 text (tests only).
func at(_ text: String) -> Timestamp { try! Timestamp.parse(text) }

func usd(_ major: Double) -> Money { Money(minorUnits: Int64((major * 100).rounded()), currency: .usd) }

/// Builds small datasets by hand for worked examples.
struct DatasetBuilder {
    var dataset = Dataset()
    private var nextSubscription = 0

    @discardableResult
    mutating func account(_ id: String, industry: String? = nil, csm: String? = nil, attributes: [String: String] = [:]) -> AccountIndex {
        dataset.upsert(Account(id: AccountID(id), name: id, csm: csm, industry: industry, attributes: attributes))
    }

    /// Adds a monthly version of `price` (major units) for `account`, valid `[from, to)`.
    mutating func subscription(
        _ account: AccountIndex, _ price: Double, from: String, to: String? = nil, product: String = "Core",
        id: String? = nil, status: SubscriptionStatus = .active, interval: BillingInterval = .month,
        intervalCount: Int = 1, quantity: Int = 1, currency: CurrencyCode = .usd
    ) {
        nextSubscription += 1
        let money = Money(minorUnits: Int64((price * 100).rounded()), currency: currency)
        dataset.subscriptions.append(
            SubscriptionVersion(
                subscriptionID: SubscriptionID(id ?? "sub_\(nextSubscription)"), account: account, product: product,
                amount: money, interval: interval, intervalCount: intervalCount, quantity: quantity, status: status,
                validFrom: at(from), validTo: to.map(at)))
    }

    func report(
        from: String, through: String, grain: Grain = .month, settings: ReportSettings = ReportSettings(),
        segment: SegmentFilter? = nil
    ) -> KPIReport {
        let first = try! CivilDate.parseBound(from).first
        let last = try! CivilDate.parseBound(through).last
        return KPICalculator(dataset: dataset, settings: settings)
            .report(ReportScope(periods: Period.range(from: first, through: last, grain: grain), segment: segment))
    }
}

extension KPIReport.Row {
    /// A money KPI in major units, or a plain number.
    func major(_ kpi: KPI) -> Double? { self[kpi].double.map { kpi.unit == .money ? $0 / 100 : $0 } }
}

/// Compares doubles to 1e-9.
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

// Customer, support, adoption and growth records (issue 3). Ids are numbered from the record counts.
extension DatasetBuilder {
    /// Adds a survey answer; `scale` defaults to the survey's standard scale.
    mutating func survey(
        _ account: AccountIndex, _ kind: SurveyKind, _ score: Double, at time: String,
        scale: ClosedRange<Double>? = nil
    ) {
        dataset.surveyResponses.append(
            SurveyResponse(
                id: SurveyResponseID("resp_\(dataset.surveyResponses.count + 1)"), account: account, survey: kind,
                score: score, scaleMin: scale?.lowerBound, scaleMax: scale?.upperBound, respondedAt: at(time)))
    }

    mutating func ticket(
        _ account: AccountIndex, opened: String, resolved: String? = nil, replies: Int? = nil, reopens: Int? = nil,
        firstContact: Bool? = nil
    ) {
        dataset.tickets.append(
            Ticket(
                id: TicketID("tkt_\(dataset.tickets.count + 1)"), account: account, openedAt: at(opened),
                resolvedAt: resolved.map(at), agentReplies: replies, reopens: reopens,
                firstContactResolution: firstContact))
    }

    mutating func event(_ account: AccountIndex, _ user: String, _ name: String, at time: String, seconds: Double? = nil) {
        dataset.usageEvents.append(
            UsageEvent(
                id: UsageEventID("evt_\(dataset.usageEvents.count + 1)"), account: account, user: UserID(user),
                event: name, occurredAt: at(time), durationSeconds: seconds))
    }

    mutating func milestone(
        _ account: AccountIndex, _ name: String, required: Bool = true, started: String? = nil, due: String? = nil,
        completed: String? = nil
    ) {
        dataset.onboarding.append(
            OnboardingMilestone(
                account: account, milestone: name, required: required, startedAt: started.map(at), dueAt: due.map(at),
                completedAt: completed.map(at)))
    }

    mutating func lead(
        _ account: AccountIndex?, _ source: LeadSource, created: String, status: LeadStatus = .open,
        closed: String? = nil, amount: Money? = nil
    ) {
        dataset.leads.append(
            Lead(
                id: LeadID("lead_\(dataset.leads.count + 1)"), account: account, source: source, createdAt: at(created),
                status: status, closedAt: closed.map(at), amount: amount))
    }

    mutating func goal(_ account: AccountIndex, target: String?, achieved: String? = nil) {
        dataset.successGoals.append(
            SuccessGoal(
                id: SuccessGoalID("goal_\(dataset.successGoals.count + 1)"), account: account,
                name: "goal \(dataset.successGoals.count + 1)", targetDate: target.map(at), achievedAt: achieved.map(at)))
    }
}
