import VitalsApp
import VitalsCore
import VitalsFormats

/// One KPI in depth: its trend, definition, the breakdown behind it, its value by segment, the accounts that drive
/// it, and what to ask and do when it is off.
struct KPIPage {
    var kpi: KPI
    var query: DashboardQuery
    var report: KPIReport
    /// The attribute of the by-segment table, its choices, and one report per value (current period only).
    var byAttribute: String?
    var attributeChoices: [String]
    var bySegment: [(value: String, report: KPIReport)]
    var drivers: [KPIDriver]
    var accounts: [Account]
    /// The report settings the numbers were computed with (the onboarding horizon is stated on its KPI's page).
    var settings = ReportSettings()
    /// The KPI's target status for the shown period, as its overview tile shows it (`DashboardController.targetBadges`).
    var target: OverviewPage.TargetBadge?

    /// What the page says about a setting the KPI depends on, if any.
    var settingNote: HTML {
        switch kpi {
        case .onboardingOverdue:
            let days = settings.onboardingOverdueDays
            return "<p class=\"muted\" data-onboarding-overdue-days=\"\(String(days))\">Counts only onboarding still due to be finished: required milestones due within the \(String(days)) days before the period end and still open (<code>onboarding_overdue_days</code> in vitals.toml; docs/metrics.md).</p>"
        default:
            return ""
        }
    }

    var currency: CurrencyCode { report.currency }
    var shownRows: ArraySlice<KPIReport.Row> { report.rows.dropFirst() }

    var seriesTable: DataTable {
        DataTable(
            name: "series", caption: "\(kpi.title) by period",
            columns: [.init(title: "Period"), .init(title: "Start"), .init(title: kpi.title, numeric: true)],
            rows: shownRows.map { row in
                [
                    .init(text: row.period.label), .init(text: row.period.startDate.description),
                    .init(
                        text: Display.value(kpi, row[kpi], currency: currency), raw: Display.json(kpi, row[kpi], currency: currency),
                        data: [("period", row.period.label), ("value", Display.json(kpi, row[kpi], currency: currency))]),
                ]
            })
    }

    var segmentTable: DataTable? {
        guard let byAttribute else { return nil }
        return DataTable(
            name: "segments", caption: "\(kpi.title) in \(query.current.label) by \(byAttribute)",
            columns: [.init(title: byAttribute), .init(title: kpi.title, numeric: true)],
            rows: bySegment.map { group in
                let value = group.report.rows.last?[kpi] ?? .null
                return [.init(text: group.value), .init(text: Display.value(kpi, value, currency: currency), raw: Display.json(kpi, value, currency: currency))]
            })
    }

    /// Rows of the accounts table per page; the CSV download has them all.
    static let driversPerPage = 50

    /// Whether the drivers are MRR movements (with the MRR before and after).
    var revenueDrivers: Bool { drivers.first?.before != nil || (drivers.isEmpty && Self.isRevenue(kpi)) }

    static func isRevenue(_ kpi: KPI) -> Bool {
        switch kpi {
        case .mrr, .arr, .payingCustomers, .arpa, .newMRR, .expansionMRR, .contractionMRR, .churnedMRR, .reactivationMRR,
            .netNewMRR, .newCustomers, .churnedCustomers, .customerChurnRate, .customerRetentionRate,
            .grossRevenueChurnRate, .netRevenueChurnRate, .netRevenueChurnRateCohort, .grr, .nrr, .nrrPeriod,
            .expansionRate, .upsellRate, .crossSellRate, .quickRatio, .ltv, .cac, .ltvToCac, .cacPaybackMonths:
            true
        default: false
        }
    }

    /// What the accounts table lists, in words, with the count (and the total for money).
    var driverCaption: String {
        let n = drivers.count
        let noun: String
        switch kpi {
        case .churnedCustomers, .customerChurnRate, .customerRetentionRate: noun = n == 1 ? "customer lost" : "customers lost"
        case .nrr: noun = n == 1 ? "account of the 12-month cohort whose MRR changed" : "accounts of the 12-month cohort whose MRR changed"
        default: noun = revenueDrivers ? (n == 1 ? "MRR movement" : "MRR movements") : (n == 1 ? "row" : "rows")
        }
        var caption = "Accounts behind \(kpi.title) in \(query.current.label): \(n) \(noun)"
        if revenueDrivers, let kind = MRRMovement.Kind(kpi: kpi) {
            let total = drivers.reduce(0.0) { $0 + $1.amount }
            caption += ", \(kind.rawValue) MRR \(Display.money(Int64(roundingChecked: total) ?? 0, currency)) in all"
        }
        return caption
    }

    /// The accounts behind the KPI: all of them (`rows` nil, for the CSV) or one page of them.
    func driverTable(rows: ArraySlice<KPIDriver>? = nil) -> DataTable {
        let shown = rows ?? drivers[...]
        func money(_ minor: Int64) -> DataTable.Cell {
            .init(text: Display.money(minor, currency), raw: Money.decimalString(minor, exponent: currency.minorUnitExponent))
        }
        if revenueDrivers {
            return DataTable(
                name: "drivers", caption: driverCaption,
                columns: [.init(title: "Account"), .init(title: "What happened"), .init(title: "When"),
                          .init(title: "MRR before (\(currency))", numeric: true), .init(title: "MRR after (\(currency))", numeric: true),
                          .init(title: "Change (\(currency))", numeric: true)],
                rows: shown.map { d in
                    let account = accounts[d.account.int]
                    let before = d.before ?? 0, after = d.after ?? 0
                    let (change, overflow) = after.subtractingReportingOverflow(before)
                    return [
                        .init(text: account.name, raw: account.id.rawValue, link: "/accounts/\(URLQuery.escape(account.id.rawValue))"),
                        .init(text: d.reason), .init(text: d.at?.date.description ?? ""),
                        money(before), money(after), money(overflow ? 0 : change),
                    ]
                })
        }
        let amountTitle = drivers.first?.isMoney ?? false ? "Amount (\(currency))" : "Size"
        return DataTable(
            name: "drivers", caption: driverCaption,
            columns: [.init(title: "Account"), .init(title: "What happened"), .init(title: amountTitle, numeric: true), .init(title: "When")],
            rows: shown.map { d in
                let account = accounts[d.account.int]
                let minor = Int64(roundingChecked: d.amount) ?? 0
                let amount = d.isMoney ? Display.money(minor, currency) : Display.compact(d.amount)
                return [
                    .init(text: account.name, raw: account.id.rawValue, link: "/accounts/\(URLQuery.escape(account.id.rawValue))"),
                    .init(text: d.reason),
                    .init(text: amount, raw: d.isMoney ? Money.decimalString(minor, exponent: currency.minorUnitExponent) : String(d.amount)), .init(text: d.at?.date.description ?? ""),
                ]
            })
    }

    /// The page of drivers shown (1-based, clamped to the pages there are).
    func driverPage(_ requested: Int) -> (number: Int, pages: Int, rows: ArraySlice<KPIDriver>) {
        let size = Self.driversPerPage
        let pages = max(1, (drivers.count + size - 1) / size)
        let number = min(max(1, requested), pages)
        let first = (number - 1) * size
        return (number, pages, drivers[first..<min(drivers.count, first + size)])
    }

    /// The tables as downloaded: every row (the accounts table is not paged in its CSV).
    func tables() -> [DataTable] { [seriesTable, driverTable()] + (segmentTable.map { [$0] } ?? []) }

    /// The chart of the breakdown behind the KPI: MRR movements, NPS answer mix, or feature adoption.
    func breakdownChart() -> HTML? {
        let labels = shownRows.map(\.period.label)
        let scale = Money.powerOfTen(currency.minorUnitExponent)
        func money(_ k: KPI, sign: Double = 1) -> [Double?] { shownRows.map { $0[k].double.map { sign * $0 / scale } } }
        switch kpi {
        case .mrr, .arr, .newMRR, .expansionMRR, .contractionMRR, .churnedMRR, .reactivationMRR, .netNewMRR,
            .customerChurnRate, .grossRevenueChurnRate, .netRevenueChurnRate, .netRevenueChurnRateCohort, .grr, .nrr, .nrrPeriod, .quickRatio,
            .payingCustomers, .arpa, .newCustomers, .churnedCustomers, .customerRetentionRate:
            return SVGChart.stackedBars(
                title: "MRR movements by period (\(currency))", xLabels: labels,
                series: [
                    ChartSeries(name: "New", values: money(.newMRR), color: "#16a34a"),
                    ChartSeries(name: "Expansion", values: money(.expansionMRR), color: "#2563eb"),
                    ChartSeries(name: "Reactivation", values: money(.reactivationMRR), color: "#0891b2"),
                    ChartSeries(name: "Contraction", values: money(.contractionMRR, sign: -1), color: "#d97706"),
                    ChartSeries(name: "Churn", values: money(.churnedMRR, sign: -1), color: "#dc2626"),
                ], yLabel: "MRR movement (\(currency))", format: Display.compact)
        case .nps, .npsPromoters, .npsPassives, .npsDetractors, .npsResponses, .npsMarginOfError:
            func count(_ k: KPI) -> [Double?] { shownRows.map { $0[k].double } }
            return SVGChart.stackedBars(
                title: "NPS answers by period", xLabels: labels,
                series: [
                    ChartSeries(name: "Promoters (9-10)", values: count(.npsPromoters), color: "#16a34a"),
                    ChartSeries(name: "Passives (7-8)", values: count(.npsPassives), color: "#9ca3af"),
                    ChartSeries(name: "Detractors (0-6)", values: count(.npsDetractors), color: "#dc2626"),
                ], yLabel: "Answers", format: Display.compact)
        case .featureAdoption:
            guard case .breakdown(let parts)? = shownRows.last?[.featureAdoption] else { return nil }
            let names = parts.keys.sorted { parts[$0]! > parts[$1]! }.prefix(8)
            return SVGChart.stackedBars(
                title: "Feature adoption in \(query.current.label)", xLabels: Array(names),
                series: [ChartSeries(name: "Accounts using it", values: names.map { parts[$0]! * 100 }, color: "#2563eb")],
                yLabel: "% of active accounts", format: Display.axisFormat(.stickiness), xLabel: "Feature")
        case .churnedMRRByReason:
            guard case .breakdown(let parts)? = shownRows.last?[.churnedMRRByReason] else { return nil }
            let names = parts.keys.sorted { (parts[$0]!, $1) > (parts[$1]!, $0) }.prefix(8)
            return SVGChart.stackedBars(
                title: "Churned MRR by reason in \(query.current.label) (\(currency))", xLabels: Array(names),
                series: [ChartSeries(name: "Churned MRR", values: names.map { parts[$0]! / scale }, color: "#dc2626")],
                yLabel: "Churned MRR (\(currency))", format: Display.compact, xLabel: "Reason")
        default:
            return nil
        }
    }

    /// - Parameter page: the page of the accounts table to show (1-based).
    func render(page requested: Int = 1) -> HTML {
        let q = query.queryString
        let labels = shownRows.map(\.period.label)
        let values = shownRows.map { Display.chartValue(kpi, $0[kpi], currency: currency) }
        let unitLabel = kpi.unit == .money ? "\(kpi.title) (\(currency))" : kpi.unit == .rate ? "\(kpi.title) (%)" : kpi.title
        let chart: HTML = kpi.unit.isBreakdown
            ? ""
            : SVGChart.lines(
                title: "\(kpi.title) by \(query.grain.rawValue)", xLabels: labels,
                series: [ChartSeries(name: kpi.title, values: values, color: "#2563eb")], yLabel: unitLabel,
                format: Display.axisFormat(kpi))
        // A breakdown has no line over time: its chart is the breakdown below.
        let chartCard: HTML = kpi.unit.isBreakdown ? "" : "<div class=\"card\">\(chart)</div>"
        let current = shownRows.last![kpi]
        let previous = report.rows[report.rows.count - 2][kpi]
        let change: HTML = Display.change(kpi, current: current, previous: previous).map {
            "<span class=\"delta \($0.tone)\">\($0.text) vs \(report.rows[report.rows.count - 2].period.label)</span>"
        } ?? ""
        let definition: HTML = KPIGuide.definition(kpi).map {
            "<p>\($0.summary)</p><p><strong>Formula:</strong> \($0.formula)</p>\(settingNote)<p class=\"muted\">Full definition, sources and edge cases: docs/metrics.md, <code>\(kpi.id)</code>.</p>"
        } ?? ""
        let advice = KPIGuide.advice(kpi)
        let breakdown: HTML = breakdownChart().map { "<h2>Breakdown</h2><div class=\"card\">\($0)</div>" } ?? ""
        let choices = attributeChoices.map { a -> HTML in
            a == byAttribute ? "<option selected>\(a)</option>" : "<option>\(a)</option>"
        }
        let extra = [("grain", query.grain.rawValue), ("from", query.from?.description ?? ""), ("to", query.to?.description ?? ""),
                     ("segment", query.segmentText ?? "")].filter { !$0.1.isEmpty }
        let byForm: HTML = attributeChoices.isEmpty ? "" : """
            <form class="filters" method="get">\(HTML.joined(extra.map { k, v in "<input type=\"hidden\" name=\"\(k)\" value=\"\(v)\">" }))\
            <label>By segment attribute<select name="by">\(choices)</select></label><button type="submit">Show</button></form>
            """
        let path = "/kpis/\(kpi.id)"
        let downloadQuery = [q, byAttribute.map { "by=" + URLQuery.escape($0) } ?? ""].filter { !$0.isEmpty }.joined(separator: "&")
        let shown = driverPage(requested)
        let pager: HTML = shown.pages == 1 ? "" : {
            func link(_ n: Int, _ text: String) -> HTML {
                let query = [downloadQuery, "page=\(n)"].filter { !$0.isEmpty }.joined(separator: "&")
                return "<a href=\"\(path)?\(query)\" data-page=\"\(n)\">\(text)</a>"
            }
            let first = (shown.number - 1) * Self.driversPerPage + 1
            let previous: HTML = shown.number > 1 ? link(shown.number - 1, "← previous") : ""
            let next: HTML = shown.number < shown.pages ? link(shown.number + 1, "next →") : ""
            return "<p class=\"pager muted\" data-rows=\"\(drivers.count)\">Rows \(first)–\(first + shown.rows.count - 1) of \(drivers.count) (page \(shown.number) of \(shown.pages); the CSV has all of them) \(previous) \(next)</p>"
        }()
        return """
            <h1 data-kpi="\(kpi.id)">\(kpi.title)</h1>
            <p><span class="value" style="font-size:26px;font-weight:650" data-value="\(Display.json(kpi, current, currency: currency))" data-period="\(query.current.label)">\
            \(Display.value(kpi, current, currency: currency))</span> in \(query.current.label) \(change) \(target?.html ?? "")</p>
            \(query.form(action: path))
            \(chartCard)
            <div class="cols"><div class="card"><h2>Definition</h2>\(definition)</div>
            <div class="card"><h2>When it is off</h2><h3>Questions</h3><ul class="plain">\(advice.questions.map { q -> HTML in "<li>\(q)</li>" })</ul>\
            <h3>Actions</h3><ul class="plain">\(advice.actions.map { a -> HTML in "<li>\(a)</li>" })</ul></div></div>
            \(breakdown)
            <h2>Accounts that drive it</h2>\(driverTable(rows: shown.rows).html(downloadQuery: downloadQuery, path: path))\(pager)
            <h2>By segment</h2>\(byForm)\(segmentTable?.html(downloadQuery: downloadQuery, path: path) ?? "")
            <h2>By period</h2>\(seriesTable.html(downloadQuery: downloadQuery, path: path))
            """
    }
}
