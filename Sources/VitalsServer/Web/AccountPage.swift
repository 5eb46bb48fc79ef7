import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore
import VitalsCore

/// The customer 360: everything known about one account, on one page.
struct AccountPage {
    var account: Account
    var summary: AccountSummary
    var currency: CurrencyCode
    var asOf: Timestamp
    var subscriptions: [SubscriptionVersion]
    var mrrHistory: [(at: Timestamp, mrr: Int64)]
    var surveys: [SurveyResponse]
    var tickets: [Ticket]
    var onboarding: [OnboardingMilestone]
    var goals: [SuccessGoal]
    var leads: [Lead]
    var pulses: [CsmPulse]
    /// Usage per month over the last 12 months: (month start, events, active users, minutes).
    var usage: [(month: CivilDate, events: Int, users: Int, minutes: Double)]
    /// The account's KPIs for its last 12 months (as the API's /accounts/{id} returns them).
    var report: KPIReport
    /// A health section supplied by the health model, when it exists.
    var healthSection: HTML?
    /// The customer-lifetime models' view of this account (CLV from purchases, survival of its segment).
    var lifetimeSection: HTML?

    init(view: WorkspaceView, index: AccountIndex, asOf: Timestamp, report: KPIReport, healthSection: HTML? = nil) {
        let dataset = view.dataset
        let a = index.int
        account = dataset.accounts[a]
        self.asOf = asOf
        self.report = report
        self.healthSection = healthSection
        currency = view.calculator.settings.reportingCurrency
        summary = AccountSummary.all(calculator: view.calculator, asOf: asOf, only: index)
        subscriptions = dataset.subscriptions.filter { $0.account == index }.sorted { $0.validFrom < $1.validFrom }
        mrrHistory = view.calculator.timeline.history(of: index)
        surveys = dataset.surveyResponses.filter { $0.account == index }.sorted { $0.respondedAt > $1.respondedAt }
        tickets = dataset.tickets.filter { $0.account == index }.sorted { $0.openedAt > $1.openedAt }
        onboarding = dataset.onboarding.filter { $0.account == index }
        goals = dataset.successGoals.filter { $0.account == index }
        leads = dataset.leads.filter { $0.account == index }.sorted { $0.createdAt > $1.createdAt }
        pulses = dataset.csmPulses.filter { $0.account == index }.sorted { $0.recordedAt > $1.recordedAt }
        // Usage by month, last 12 months to asOf.
        let last = asOf.date
        var months: [CivilDate] = []
        var m = CivilDate(year: last.year, month: last.month, day: 1)
        for _ in 0..<12 {
            months.insert(m, at: 0)
            m = m.adding(months: -1)
        }
        let first = Timestamp(months[0]).seconds
        var events = [Int](repeating: 0, count: 12), minutes = [Double](repeating: 0, count: 12)
        var users = [Set<Int32>](repeating: [], count: 12)
        let log = dataset.usageEvents
        for i in log.indices where Int(log.accounts[i]) == a {
            let t = log.times[i]
            guard t >= first, t <= asOf.seconds else { continue }
            let date = Timestamp(seconds: t).date
            let k = (date.year - months[0].year) * 12 + date.month - months[0].month
            guard k >= 0 && k < 12 else { continue }
            events[k] += 1
            users[k].insert(log.users[i])
            if log.durations[i].isFinite { minutes[k] += log.durations[i] / 60 }
        }
        usage = (0..<12).map { (months[$0], events[$0], users[$0].count, minutes[$0]) }
    }

    /// What the lifetime models say about the account: BG/NBD + Gamma-Gamma predictions when it buys repeatedly,
    /// and the Kaplan-Meier lifetime and survival CLV of its segment when it subscribes (docs/lifetime.md).
    static func lifetimeFacts(_ report: LifetimeReport, account: AccountIndex, by: String?, currency: CurrencyCode) -> HTML {
        var facts: [HTML] = []
        let scale = Money.powerOfTen(currency.minorUnitExponent)
        if let analysis = report.analysis, let p = analysis.predictions.first(where: { $0.customer.account == account }) {
            facts.append("<dt>P(alive)</dt><dd>\(String(format: "%.1f %%", p.probabilityAlive * 100))</dd>")
            facts.append("<dt>Purchases, next \(analysis.horizonMonths) months</dt><dd>\(String(format: "%.2f", p.expectedPurchases))</dd>")
            facts.append("<dt>CLV, next \(analysis.horizonMonths) months</dt><dd>\(currency.written(ReportTable.format(.number(p.lifetimeValue * scale), unit: .money, currency: currency)))</dd>")
        }
        if let survival = report.survival {
            let name = by.flatMap { attribute in report.dataset[account].attribute(attribute) } ?? "(none)"
            let segment = survival.segments.first { $0.segment == name } ?? survival.overall
            let label = segment.segment == "all" ? "all customers" : "\(by ?? "segment") \(segment.segment)"
            let median = segment.median.map { String(format: "%.1f months", $0) } ?? "not reached"
            facts.append("<dt>Median lifetime (\(label))</dt><dd>\(median)</dd>")
            facts.append("<dt>Mean lifetime up to \(String(format: "%.0f", segment.restrictedTo)) months</dt><dd>\(String(format: "%.1f months", segment.restrictedMeanMonths))</dd>")
            if let value = segment.lifetimeValue {
                facts.append("<dt>Survival CLV (\(label))</dt><dd>\(Display.money(value, currency))</dd>")
            }
        }
        guard !facts.isEmpty else { return "" }
        return "<div class=\"card\"><h2>Lifetime</h2><dl class=\"facts\">\(facts)</dl></div>"
    }

    /// Money as the report writes it (grouped thousands, the currency's decimals), after its own currency's symbol.
    func money(_ m: Money) -> String {
        Display.money(m.minorUnits, m.currency)
    }

    var tables: [DataTable] {
        [
            DataTable(
                name: "subscriptions", caption: "Subscription timeline",
                columns: [.init(title: "Subscription"), .init(title: "Product"), .init(title: "Plan"), .init(title: "Price", numeric: true),
                          .init(title: "Interval"), .init(title: "Qty", numeric: true), .init(title: "Status"), .init(title: "From"), .init(title: "To")],
                rows: subscriptions.map { v in
                    [.init(text: v.subscriptionID.rawValue), .init(text: v.product), .init(text: v.plan ?? ""),
                     .init(text: money(v.amount), raw: v.amount.decimalString),
                     .init(text: v.intervalCount == 1 ? v.interval.rawValue : "\(v.intervalCount) \(v.interval.rawValue)s"),
                     .init(text: String(v.quantity)), .init(text: v.status.rawValue), .init(text: v.validFrom.date.description),
                     .init(text: v.validTo?.date.description ?? "running")]
                }),
            DataTable(
                name: "surveys", caption: "Survey answers",
                columns: [.init(title: "Date"), .init(title: "Survey"), .init(title: "Score", numeric: true), .init(title: "Contact"), .init(title: "Comment", wraps: true)],
                rows: surveys.prefix(50).map { r in
                    [.init(text: r.respondedAt.date.description), .init(text: r.survey.rawValue.uppercased()),
                     .init(text: "\(KPIDrivers.formatScore(r.score)) / \(KPIDrivers.formatScore(r.scaleMax))", raw: String(r.score)),
                     .init(text: r.contact ?? ""), .init(text: r.comment ?? "")]
                }),
            DataTable(
                name: "tickets", caption: "Support tickets",
                columns: [.init(title: "Ticket"), .init(title: "Opened"), .init(title: "Resolved"), .init(title: "Agent replies", numeric: true),
                          .init(title: "Reopens", numeric: true), .init(title: "Channel")],
                rows: tickets.prefix(50).map { t in
                    [.init(text: t.id.rawValue), .init(text: t.openedAt.date.description), .init(text: t.resolvedAt?.date.description ?? "open"),
                     .init(text: t.agentReplies.map(String.init) ?? ""), .init(text: t.reopens.map(String.init) ?? ""), .init(text: t.channel ?? "")]
                }),
            DataTable(
                name: "onboarding", caption: "Onboarding progress",
                columns: [.init(title: "Milestone"), .init(title: "Required"), .init(title: "Due"), .init(title: "Completed")],
                rows: onboarding.map { m in
                    let overdue = m.completedAt == nil && (m.dueAt.map { $0 < asOf } ?? false)
                    return [.init(text: m.milestone), .init(text: m.required ? "yes" : "no"), .init(text: m.dueAt?.date.description ?? ""),
                            .init(text: m.completedAt?.date.description ?? (overdue ? "overdue" : "not yet"))]
                }),
            DataTable(
                name: "goals", caption: "The customer's goals",
                columns: [.init(title: "Goal"), .init(title: "Target date"), .init(title: "Achieved")],
                rows: goals.map { g in
                    [.init(text: g.name), .init(text: g.targetDate?.date.description ?? ""), .init(text: g.achievedAt?.date.description ?? "not yet")]
                }),
            DataTable(
                name: "leads", caption: "Leads",
                columns: [.init(title: "Lead"), .init(title: "Source"), .init(title: "Created"), .init(title: "Status"), .init(title: "Amount", numeric: true)],
                rows: leads.map { l in
                    [.init(text: l.id.rawValue), .init(text: l.source.rawValue), .init(text: l.createdAt.date.description),
                     .init(text: l.status.rawValue), .init(text: l.amount.map(money) ?? "", raw: l.amount?.decimalString ?? "")]
                }),
            DataTable(
                name: "notes", caption: "CSM notes and pulse",
                columns: [.init(title: "Date"), .init(title: "Rating (1-5)", numeric: true), .init(title: "Note", wraps: true)],
                rows: pulses.prefix(50).map { p in [.init(text: p.recordedAt.date.description), .init(text: String(p.rating)), .init(text: p.note ?? "")] }),
        ]
    }

    /// The page; `workspace` (the people, the group and the timeline) goes right after the facts.
    func render(workspace: HTML = "") -> HTML {
        let scale = Money.powerOfTen(currency.minorUnitExponent)
        // MRR at each of the last 24 month ends.
        var monthEnds: [CivilDate] = []
        var m = CivilDate(year: asOf.date.year, month: asOf.date.month, day: 1).adding(months: 1)
        for _ in 0..<24 {
            monthEnds.insert(m, at: 0)
            m = m.adding(months: -1)
        }
        let mrrValues: [Double?] = monthEnds.map { end in
            let t = Timestamp(end).seconds
            return Double(mrrHistory.last { $0.at.seconds < t }?.mrr ?? 0) / scale
        }
        let mrrChart = SVGChart.lines(
            title: "MRR history of \(account.name) (\(currency))", xLabels: monthEnds.map { String($0.adding(months: -1).description.prefix(7)) },
            series: [ChartSeries(name: "MRR", values: mrrValues, color: "#2563eb")], yLabel: "MRR (\(currency))", format: Display.compact)
        let usageChart = SVGChart.lines(
            title: "Usage of \(account.name) by month", xLabels: usage.map { String($0.month.description.prefix(7)) },
            series: [
                ChartSeries(name: "Active users", values: usage.map { Double($0.users) }, color: "#16a34a"),
                ChartSeries(name: "Events (hundreds)", values: usage.map { Double($0.events) / 100 }, color: "#7c3aed"),
            ], yLabel: "Users / events (00s)", format: Display.compact)
        let attributes = account.attributes.keys.sorted().map { k -> HTML in "<dt>\(k)</dt><dd>\(account.attributes[k]!)</dd>" }
        let completed = onboarding.filter { $0.required && $0.completedAt != nil }.count
        let required = onboarding.filter(\.required).count
        let current = report.rows.last
        let kpis: [KPI] = [.nps, .csat, .fcrRate, .activeUsers, .avgTimeOnPlatformMinutes]
        let kpiFacts = kpis.map { k -> HTML in
            "<dt>\(k.title) (\(current?.period.label ?? ""))</dt><dd data-kpi=\"\(k.id)\">\(current.map { Display.value(k, $0[k], currency: currency) } ?? "-")</dd>"
        }
        let tableHTML = tables.map { $0.html(downloadQuery: "", path: "/accounts/\(URLQuery.escape(account.id.rawValue))") }
        return """
            <h1 data-account="\(account.id.rawValue)">\(account.name)</h1>
            <p class="muted">\(account.id.rawValue) · \(summary.status.rawValue) · as of \(asOf.date.description)</p>
            <div class="cols"><div class="card"><h2>Facts</h2><dl class="facts">
            <dt>MRR</dt><dd data-value="\(Money.decimalString(summary.mrr, exponent: currency.minorUnitExponent))">\(Display.money(summary.mrr, currency))</dd>
            <dt>Plan</dt><dd>\(summary.plan ?? "-")</dd><dt>CSM</dt><dd>\(account.csm ?? "-")</dd>
            <dt>Renewal</dt><dd>\(summary.renewal?.description ?? "-")</dd>
            <dt>Customer since</dt><dd>\(account.createdAt?.date.description ?? "-")</dd>
            <dt>Industry</dt><dd>\(account.industry ?? "-")</dd><dt>Country</dt><dd>\(account.country ?? "-")</dd>
            <dt>Onboarding</dt><dd>\(completed) of \(required) required milestones</dd>
            <dt>Last activity</dt><dd>\(summary.lastActivity?.date.description ?? "-")</dd>
            \(attributes)\(kpiFacts)</dl></div>\(healthSection)\(lifetimeSection)</div>
            \(workspace)
            <h2>Revenue and usage</h2><div class="card">\(mrrChart)</div><div class="card">\(usageChart)</div>
            \(tableHTML)
            """
    }
}
