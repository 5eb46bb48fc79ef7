import VitalsApp
import VitalsCore
import VitalsFormats

/// Revenue in depth: MRR and its movements, NRR and GRR, cohort retention (logos and revenue, by signup month) and
/// survival of customer tenure by segment (Kaplan-Meier, with the log-rank test).
struct RevenuePage {
    var query: DashboardQuery
    var report: KPIReport
    var cohorts: CohortRetention
    /// Survival curves by the values of `survivalAttribute` (months on the x axis).
    var survivalAttribute: String?
    var survival: [SegmentSurvival]
    /// Survival-based lifetime and CLV, overall and per segment (docs/lifetime.md).
    var lifetime: SurvivalAnalysis
    var logRankP: Double?

    var currency: CurrencyCode { report.currency }

    /// The page's model: cohorts of the twelve signup months before the last shown period's end, and survival
    /// curves of the largest six groups of `by` (all customers when nil).
    static func build(view: WorkspaceView, query: DashboardQuery, report: KPIReport, asOf: Timestamp, by: String?) -> RevenuePage {
        let include = DashboardController.includer(query.segment, view)
        let lastDay = query.current.endDate.adding(days: -1)
        let lastMonth = CivilDate(year: lastDay.year, month: lastDay.month, day: 1)
        let cohortEnd = min(asOf, query.current.end)
        let cohorts = CohortRetention(timeline: view.calculator.timeline, include: include, from: lastMonth.adding(months: -12), asOf: cohortEnd)
        let tenures = SubscriptionTenure.tenures(timeline: view.calculator.timeline, asOf: cohortEnd).filter { include($0.account.int) }
        let analysis = SurvivalLifetimeValue.analyse(
            tenures, grossMargin: view.calculator.settings.grossMargin,
            segmentOf: by.map { attribute in { view.dataset.accounts[$0.account.int].attribute(attribute) ?? "(none)" } })
        // The six largest segments get a curve (more would not read); all of them are in the table.
        let shown = Set((analysis.segments.isEmpty ? [analysis.overall] : analysis.segments).sorted { $0.accounts > $1.accounts }.prefix(6).map(\.segment))
        let curves = (analysis.segments.isEmpty ? [analysis.overall] : analysis.segments).filter { shown.contains($0.segment) }
        let logRank = analysis.logRank?.pValue
        return RevenuePage(query: query, report: report, cohorts: cohorts, survivalAttribute: by, survival: curves, lifetime: analysis, logRankP: logRank)
    }
    var rows: ArraySlice<KPIReport.Row> { report.rows.dropFirst() }

    var cohortTable: DataTable {
        let ages = 0...cohorts.maxAge
        return DataTable(
            name: "cohorts", caption: "Retention by signup month (logo % / revenue %)",
            columns: [.init(title: "Cohort"), .init(title: "Accounts", numeric: true), .init(title: "Starting MRR", numeric: true)]
                // One cell a month on the page; the download has logo and revenue retention in columns of their own.
                + ages.flatMap { age -> [DataTable.Column] in
                    [.init(title: "M\(age)", numeric: true, inCSV: false), .init(title: "M\(age) logo", inHTML: false),
                     .init(title: "M\(age) revenue", inHTML: false)]
                },
            rows: cohorts.cohorts.map { c in
                [
                    .init(text: String(c.month.description.prefix(7))), .init(text: String(c.accounts)),
                    .init(text: Display.money(c.startingMRR, currency), raw: Money.decimalString(c.startingMRR, exponent: currency.minorUnitExponent)),
                ]
                    + ages.flatMap { age -> [DataTable.Cell] in
                        guard let logo = c.logo[age] else { return [.init(text: ""), .init(text: ""), .init(text: "")] }
                        let revenue = c.revenue[age].map { percent($0) } ?? "-"
                        return [
                            .init(text: "\(percent(logo)) / \(revenue)"), .init(text: String(logo)),
                            .init(text: c.revenue[age].map { String($0) } ?? ""),
                        ]
                    }
            })
    }

    /// - Parameter linked: whether each movement links to its list of accounts (not in a standalone report file).
    func movementsTable(linked: Bool = true) -> DataTable {
        let kpis: [KPI] = [.mrr, .newMRR, .expansionMRR, .reactivationMRR, .contractionMRR, .churnedMRR, .netNewMRR, .nrr, .grr]
        return DataTable(
            name: "movements", caption: "MRR and movements by period (\(currency))",
            columns: [.init(title: "Period")] + kpis.map { .init(title: $0.title, numeric: true) },
            rows: rows.map { row in
                [.init(text: row.period.label)]
                    + kpis.map { k in
                        .init(
                            text: Display.value(k, row[k], currency: currency), raw: Display.json(k, row[k], currency: currency),
                            link: k == .mrr || !linked ? nil : listLink(k, row.period))
                    }
            })
    }

    /// The KPI page whose "accounts behind it" lists the movements of `kpi` in `period` (the same list, with the same
    /// segment and grain).
    func listLink(_ kpi: KPI, _ period: Period) -> String {
        let from = query.from.flatMap { $0 <= period.startDate ? $0.description : nil }
        let q = URLQuery.encode([
            ("grain", query.grain == .month ? nil : query.grain.rawValue), ("from", from),
            ("to", period.endDate.adding(days: -1).description), ("segment", query.segmentText),
        ])
        return "/kpis/\(kpi.id)" + (q.isEmpty ? "" : "?" + q)
    }

    func tables() -> [DataTable] { [movementsTable(), churnReasonsTable, cohortTable, lifetimeTable] }

    /// Churned MRR by period split by cause: voluntary and delinquent, and by reason (`cancel_reason`, `(none)`,
    /// `delinquent`; docs/metrics.md, churn by cause), the reasons that lost the most first.
    var churnReasonsTable: DataTable {
        func parts(_ row: KPIReport.Row) -> [String: Double] {
            if case .breakdown(let p) = row[.churnedMRRByReason] { return p }
            return [:]
        }
        var totals: [String: Double] = [:]
        for row in rows { for (reason, amount) in parts(row) { totals[reason, default: 0] += amount } }
        let reasons = totals.keys.sorted { (totals[$0]!, $1) > (totals[$1]!, $0) }
        let kpis: [KPI] = [.churnedMRR, .voluntaryChurnedMRR, .delinquentChurnedMRR]
        return DataTable(
            name: "churn_reasons", caption: "Churned MRR by cause and reason (\(currency))",
            columns: [.init(title: "Period")] + kpis.map { .init(title: $0.title, numeric: true) }
                + reasons.map { .init(title: $0, numeric: true) },
            rows: rows.map { row in
                let p = parts(row)
                return [.init(text: row.period.label)]
                    + kpis.map { k in .init(text: Display.value(k, row[k], currency: currency), raw: Display.json(k, row[k], currency: currency)) }
                    + reasons.map { r in
                        let minor = Int64(roundingChecked: p[r] ?? 0) ?? 0
                        return .init(
                            text: Display.money(minor, currency), raw: Money.decimalString(minor, exponent: currency.minorUnitExponent),
                            data: [("reason", r)])
                    }
            })
    }

    /// Median lifetime with its 95 % interval, restricted mean lifetime and survival CLV, overall and per segment.
    var lifetimeTable: DataTable {
        let scale = Money.powerOfTen(currency.minorUnitExponent)
        func months(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "not reached" }
        let rows = [lifetime.overall] + lifetime.segments
        return DataTable(
            name: "lifetime",
            caption: "Customer lifetime (Kaplan-Meier, months) and survival CLV = ARPA × gross margin × mean lifetime up to \(String(format: "%.1f", lifetime.overall.restrictedTo)) months",
            columns: [.init(title: survivalAttribute ?? "Segment"), .init(title: "Customers", numeric: true), .init(title: "Churned", numeric: true),
                      .init(title: "Median", numeric: true), .init(title: "95 % CI", numeric: true), .init(title: "Mean (restricted)", numeric: true),
                      .init(title: "ARPA", numeric: true), .init(title: "CLV", numeric: true)],
            rows: rows.map { s in
                let ci = s.medianConfidenceInterval
                return [
                    .init(text: s.segment == "all" ? "All customers" : s.segment), .init(text: String(s.accounts)), .init(text: String(s.churned)),
                    .init(text: months(s.median), raw: s.median.map { String($0) } ?? ""),
                    .init(text: "\(months(ci.lower)) – \(ci.upper.map { String(format: "%.1f", $0) } ?? "∞")"),
                    .init(text: String(format: "%.1f", s.restrictedMeanMonths), raw: String(s.restrictedMeanMonths)),
                    .init(text: s.arpa.map { Display.money($0, currency) } ?? "-", raw: s.arpa.map { String($0 / scale) } ?? ""),
                    .init(text: s.lifetimeValue.map { Display.money($0, currency) } ?? "-", raw: s.lifetimeValue.map { String($0 / scale) } ?? ""),
                ]
            })
    }

    func percent(_ x: Double) -> String { String(Int((x * 100).rounded())) + "%" }

    /// The headline of the last shown period: MRR, ARR, net new MRR and NRR, each with its change against the period
    /// before (as the overview's tiles write it).
    var headline: HTML {
        guard let current = report.rows.last else { return "" }
        let previous = report.rows.count >= 2 ? report.rows[report.rows.count - 2] : nil
        let tiles = [KPI.mrr, .arr, .netNewMRR, .nrr].map { kpi -> HTML in
            let change = previous.flatMap { Display.change(kpi, current: current[kpi], previous: $0[kpi]) }
            let delta: HTML = change.map { "<span class=\"delta \($0.tone)\">\($0.text) vs \(previous!.period.label)</span>" }
                ?? "<span class=\"delta flat\">no comparison</span>"
            return """
                <div class="tile" data-kpi="\(kpi.id)" data-value="\(Display.json(kpi, current[kpi], currency: currency))">\
                <h3>\(kpi.title)</h3><div class="value">\(Display.tile(kpi, current[kpi], currency: currency))</div>\(delta)</div>
                """
        }
        return "<div class=\"tiles\" data-headline=\"\(current.period.label)\">\(tiles)</div>"
    }

    /// What the page shows: the periods, the segment and the currency.
    var scope: HTML {
        guard let first = rows.first, let last = rows.last else { return "" }
        let segment = query.segmentText.map { "segment \($0)" } ?? "all accounts"
        return """
            <p class="muted">\(first.period.grain.rawValue.capitalized)s \(first.period.label) to \(last.period.label) \
            (\(first.period.startDate.description) to \(last.period.endDate.adding(days: -1).description)), \(segment), values in \
            \(currency.description). The headline is \(last.period.label)'s.</p>
            """
    }

    /// A p-value as statisticians write it: below 0.0001 as such, else to four places.
    static func pValue(_ p: Double) -> String { p < 0.0001 ? "p < 0.0001" : "p = " + String(format: "%.4f", p) }

    func render(standalone: Bool = false) -> HTML {
        let labels = rows.map(\.period.label)
        let scale = Money.powerOfTen(currency.minorUnitExponent)
        func money(_ k: KPI, _ sign: Double = 1) -> [Double?] { rows.map { $0[k].double.map { sign * $0 / scale } } }
        func rate(_ k: KPI) -> [Double?] { rows.map { $0[k].double.map { $0 * 100 } } }
        let mrrChart = SVGChart.lines(
            title: "MRR at period end (\(currency))", xLabels: labels,
            series: [ChartSeries(name: "MRR", values: money(.mrr), color: "#2563eb")], yLabel: "MRR (\(currency))", format: Display.compact)
        let movements = SVGChart.stackedBars(
            title: "MRR movements (\(currency))", xLabels: labels,
            series: [
                ChartSeries(name: "New", values: money(.newMRR), color: "#16a34a"),
                ChartSeries(name: "Expansion", values: money(.expansionMRR), color: "#2563eb"),
                ChartSeries(name: "Reactivation", values: money(.reactivationMRR), color: "#0891b2"),
                ChartSeries(name: "Contraction", values: money(.contractionMRR, -1), color: "#d97706"),
                ChartSeries(name: "Churn", values: money(.churnedMRR, -1), color: "#dc2626"),
            ], yLabel: "MRR movement (\(currency))", format: Display.compact)
        let retention = SVGChart.lines(
            title: "NRR and GRR (trailing 12 months)", xLabels: labels,
            series: [
                ChartSeries(name: "NRR", values: rate(.nrr), color: "#2563eb"),
                ChartSeries(name: "GRR", values: rate(.grr), color: "#d97706"),
            ], yLabel: "Retention (%)", format: Display.axisFormat(.nrr))
        let cohortLabels = cohorts.cohorts.map { String($0.month.description.prefix(7)) }
        let ages = (0...cohorts.maxAge).map { "M\($0)" }
        let logoMap = SVGChart.heatmap(
            title: "Logo retention by signup month: share of each month's new customers still paying", rowLabels: cohortLabels, columnLabels: ages,
            cells: cohorts.cohorts.map(\.logo), format: percent, rowAxis: "Signup month", columnAxis: "Months since signup")
        let revenueMap = SVGChart.heatmap(
            title: "Revenue retention by signup month: their MRR against their first month's", rowLabels: cohortLabels, columnLabels: ages,
            cells: cohorts.cohorts.map(\.revenue), format: percent, rowAxis: "Signup month", columnAxis: "Months since signup")
        let colors = SVGChart.palette
        let horizon = 36
        let survivalChart = SVGChart.lines(
            title: "Customer survival by \(survivalAttribute ?? "all accounts") (Kaplan-Meier)", xLabels: (0...horizon).map { String($0) },
            series: survival.enumerated().map { i, s in
                ChartSeries(
                    name: s.segment == "all" ? "All customers" : s.segment,
                    values: (0...horizon).map { m in s.kaplanMeier.survival(at: Double(m)) * 100 }, color: colors[i % colors.count])
            }, yLabel: "Still paying (%)", format: Display.axisFormat(.customerRetentionRate), step: true,
            xLabel: "Months since first payment")
        let logRank: HTML = logRankP.map { "<p class=\"muted\">Log-rank test across groups: \(Self.pValue($0)).</p>" } ?? ""
        let q = query.queryString
        return """
            <h1>Revenue</h1>\(scope)\(standalone ? "" : query.form(action: "/revenue"))\(headline)
            <div class="card"><h3>MRR at period end (\(currency.description))</h3>\(mrrChart)</div>\
            <div class="card"><h3>MRR movements (\(currency.description)): new, expansion and reactivation above zero, contraction and churn below</h3>\(movements)</div>\
            <div class="card"><h3>NRR and GRR, trailing 12 months</h3>\(retention)</div>
            <h2>Cohort retention</h2>\
            <div class="card"><h3>Logo retention: the share of each signup month's customers still paying</h3>\(logoMap)</div>\
            <div class="card"><h3>Revenue retention: each signup month's MRR against its first month's</h3>\(revenueMap)</div>
            <h2>Customer lifetime</h2><div class="card">\(survivalChart)\(logRank)</div>\
            \(lifetimeTable.html(downloadQuery: q, path: "/revenue", downloadable: !standalone))
            <h2>Tables</h2>\(movementsTable(linked: !standalone).html(downloadQuery: q, path: "/revenue", downloadable: !standalone))\
            \(churnReasonsTable.html(downloadQuery: q, path: "/revenue", downloadable: !standalone))\
            \(cohortTable.html(downloadQuery: q, path: "/revenue", downloadable: !standalone))
            """
    }
}
