import VitalsApp
import VitalsCore
import VitalsFormats

/// The overview: a CS leader's KPI dashboard in three groups, each tile with its value, the change against the
/// previous period, a sparkline over the shown periods and, when a target exists, the target's status.
struct OverviewPage {
    struct Tile {
        var kpi: KPI
        var value: KPIValue
        var display: String
        var json: String
        var change: (text: String, tone: String)?
        var series: [Double?]
        var target: TargetBadge?
    }

    /// A target's status as a tile shows it (from the goals; `DashboardController.targetBadges`).
    struct TargetBadge {
        /// `data-target-status`: a `GoalStatus` raw value for today's status, `achieved` or `missed` for a past period.
        var status: String
        /// The CSS class (a `GoalStatus` raw value).
        var style: String
        var text: String
        /// The tooltip: which target, and for a past period which milestone and value.
        var label: String
        /// The tile's period when the badge is that period's verdict (a past period), else `nil` (today's status).
        var period: String?

        var html: HTML {
            let period: HTML = self.period.map { " data-target-period=\"\($0)\"" } ?? ""
            return "<span class=\"status \(style)\" title=\"\(label)\" data-target-status=\"\(status)\"\(period)>\(text)</span>"
        }
    }

    struct Group {
        var title: String
        var subtitle: String
        var tiles: [Tile]
    }

    static let groups: [(String, String, [KPI])] = [
        (
            "Customer success with the solution", "Are customers reaching value: onboarding, adoption, goals.",
            [.onboardingCompletionRate, .medianDaysToOnboard, .onboardingOverdue, .activeAccounts, .activeUsers,
             .stickiness, .avgTimeOnPlatformMinutes, .goalAttainmentRate]
        ),
        (
            "Customer satisfaction", "What customers say and how support serves them.",
            [.nps, .csat, .ces, .satisfactionIndex, .fcrRate, .medianResolutionHours, .ticketsPerAccount]
        ),
        (
            "Vendor success", "What customer success earns the business.",
            [.mrr, .netNewMRR, .nrr, .grr, .customerChurnRate, .grossRevenueChurnRate, .expansionMRR, .ltv, .cac,
             .ltvToCac, .upsellPipelineValue, .csqls, .referrals, .trialConversionRate]
        ),
    ]

    var query: DashboardQuery
    var currency: CurrencyCode
    var groups: [Group]
    var accountsInScope: Int
    /// The health tiles: accounts in the green band (success group) and revenue at risk (vendor group).
    var healthTiles: (success: HTML, vendor: HTML)?

    init(report: KPIReport, query: DashboardQuery, accountsInScope: Int, targets: [KPI: TargetBadge] = [:]) {
        self.query = query
        self.currency = report.currency
        self.accountsInScope = accountsInScope
        let rows = report.rows
        let current = rows[rows.count - 1], previous = rows[rows.count - 2]
        groups = Self.groups.map { title, subtitle, kpis in
            Group(
                title: title, subtitle: subtitle,
                tiles: kpis.map { kpi in
                    Tile(
                        kpi: kpi, value: current[kpi], display: Display.tile(kpi, current[kpi], currency: report.currency),
                        json: Display.json(kpi, current[kpi], currency: report.currency),
                        change: Display.change(kpi, current: current[kpi], previous: previous[kpi]),
                        series: rows.dropFirst().map { Display.chartValue(kpi, $0[kpi], currency: report.currency) },
                        target: targets[kpi])
                })
        }
    }

    /// Health as of `at` (docs/health.md): the share of scored accounts in the green band, and revenue at risk.
    static func healthTiles(scores: [AccountHealth], risk: RevenueAtRisk, currency: CurrencyCode, at: Timestamp) -> (success: HTML, vendor: HTML) {
        let green = scores.filter { $0.band == .green }.count, red = scores.filter { $0.band == .red }.count
        let share = scores.isEmpty ? nil : Double(green) / Double(scores.count)
        let success: HTML = """
            <a class="tile" href="/health" data-kpi="health_green_share" data-value="\(share.map { String($0) } ?? "null")">\
            <h3>Healthy accounts</h3><div class="value">\(share.map { String(format: "%.1f%%", $0 * 100) } ?? "-")</div>\
            <span class="delta flat">\(green) green, \(red) red of \(scores.count) scored, \(at.date.description)</span></a>
            """
        let vendor: HTML = """
            <a class="tile" href="/health" data-kpi="revenue_at_risk" data-value="\(Money.decimalString(risk.total, exponent: currency.minorUnitExponent))">\
            <h3>Revenue at risk</h3><div class="value">\(Display.tile(.mrr, .number(Double(risk.total)), currency: currency))</div>\
            <span class="delta bad">\(risk.entries.count) accounts: red, or renewing within \(risk.renewalWindowDays) days while yellow</span></a>
            """
        return (success, vendor)
    }

    /// - Parameter standalone: for a report file: tiles are not links and there is no filter form.
    func render(standalone: Bool = false) -> HTML {
        let q = query.queryString
        let sections = groups.map { group -> HTML in
            let tiles = group.tiles.map { tile -> HTML in
                let delta: HTML = tile.change.map { "<span class=\"delta \($0.tone)\">\($0.text) vs previous</span>" }
                    ?? "<span class=\"delta flat\">no comparison</span>"
                let badge: HTML = tile.target?.html ?? ""
                let href = "/kpis/\(tile.kpi.id)" + (q.isEmpty ? "" : "?" + q)
                let open: HTML = standalone ? "<div class=\"tile\"" : "<a class=\"tile\" href=\"\(href)\""
                let close: HTML = standalone ? "</div>" : "</a>"
                return """
                    \(open) data-kpi="\(tile.kpi.id)" data-value="\(tile.json)" data-period="\(query.current.label)">\
                    <h3>\(tile.kpi.title)\(badge)</h3><div class="value">\(tile.display)</div>\(delta)\
                    \(SVGChart.sparkline(tile.series, title: "\(tile.kpi.title) over the last \(tile.series.count) periods"))\(close)
                    """
            }
            let extra: HTML = group.title == "Vendor success" ? healthTiles?.vendor ?? ""
                : group.title == "Customer success with the solution" ? healthTiles?.success ?? "" : ""
            return """
                <section class="group"><h2>\(group.title)</h2><p class="muted">\(group.subtitle)</p>\
                <div class="tiles">\(tiles)\(extra)</div></section>
                """
        }
        let scope = query.segmentText.map { "segment \($0)" } ?? "all accounts"
        return """
            <h1>Overview</h1><p class="muted">\(query.current.grain.rawValue.capitalized) \(query.current.label) \
            (\(query.current.startDate.description) to \(query.current.endDate.adding(days: -1).description)), \(scope), \
            \(accountsInScope) accounts, values in \(currency.description).</p>
            \(standalone ? "" : query.form(action: "/"))\(sections)
            """
    }
}
