import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Which open alerts the health page lists (`alerts=` in its query).
enum AlertList: Equatable {
    /// Fired and neither acknowledged nor snoozed.
    case toAct
    /// Fired, then acknowledged or snoozed (`set-aside`).
    case setAside
    /// Stored silently at the workspace's first evaluation (`baseline`).
    case baseline

    init(parameter: String?) {
        self = switch parameter {
        case "set-aside": .setAside
        case "baseline": .baseline
        default: .toAct
        }
    }

    var parameter: String? {
        switch self {
        case .toAct: nil
        case .setAside: "set-aside"
        case .baseline: "baseline"
        }
    }
}

/// Health & alerts: how the book of business is doing (bands, revenue at risk by reason and segment), the accounts
/// to act on, the open alerts, the tasks per owner (with closing), and the latest digests.
struct HealthPage {
    var at: Timestamp
    var currency: CurrencyCode
    var accounts: [Account]
    var scores: [AccountHealth]
    var risk: RevenueAtRisk
    var alerts: [StoredAlert]
    var tasks: [StoredTask]
    var owner: String?
    var owners: [String]
    var digests: [StoredDigest]
    var csrfToken: String
    /// The clock, for what is overdue and what is snoozed.
    var now: Timestamp
    /// The CSM name of the person signed in: their tasks are shown unless they ask for everyone's.
    var me: String?
    /// Whether the task list shows the snoozed tasks rather than the ones to act on now.
    var showSnoozed = false
    /// Which open alerts the alert list shows.
    var alertList = AlertList.toAct
    /// When the workspace was first evaluated: the conditions holding then are its baseline (docs/alerts.md).
    var firstEvaluation: Timestamp?
    var alertPage = 1
    var riskPage = 1
    var taskPage = 1
    static let pageSize = 50

    /// The open tasks to act on now, or the snoozed ones.
    var listedTasks: [StoredTask] { tasks.filter { $0.isActionable(at: now) != showSnoozed } }
    var snoozedCount: Int { tasks.count { !$0.isActionable(at: now) } }

    /// The open alerts the list shows: fired and to act on now (not acknowledged, not snoozed), fired and set aside,
    /// or the baseline (the conditions already holding at the first evaluation, which fired nothing).
    var listedAlerts: [StoredAlert] {
        switch alertList {
        case .toAct: alerts.filter { !$0.baseline && $0.isActionable(at: now) }
        case .setAside: alerts.filter { !$0.baseline && !$0.isActionable(at: now) }
        case .baseline: alerts.filter(\.baseline)
        }
    }
    var setAsideCount: Int { alerts.count { !$0.baseline && !$0.isActionable(at: now) } }
    var baselineCount: Int { alerts.count(where: \.baseline) }
    var showSetAside: Bool { alertList == .setAside }

    var bandCounts: [HealthBand: Int] {
        var counts: [HealthBand: Int] = [:]
        for s in scores { counts[s.band, default: 0] += 1 }
        return counts
    }

    var riskTable: DataTable {
        DataTable(
            name: "risk", caption: "Revenue at risk: red accounts, and yellow ones renewing within \(risk.renewalWindowDays) days, largest first (\(risk.entries.count) in all)",
            columns: [.init(title: "Account ID", inHTML: false), .init(title: "Account"), .init(title: "Reason"), .init(title: "Health", numeric: true), .init(title: "MRR", numeric: true),
                      .init(title: "Renewal"), .init(title: risk.attribute)],
            rows: risk.entries.sorted { $0.mrr > $1.mrr }.map { e in
                let account = accounts[e.account.int]
                return [
                    .init(text: account.id.rawValue),
                    .init(text: account.name, link: "/accounts/\(URLQuery.escape(account.id.rawValue))"),
                    .init(text: e.reason == .red ? "red" : "renewal while \(e.band.rawValue)"),
                    .init(text: String(Int(e.score.rounded())), raw: String(format: "%.1f", e.score)),
                    .init(text: Display.money(e.mrr, currency), raw: Money.decimalString(e.mrr, exponent: currency.minorUnitExponent)),
                    .init(text: e.renewal?.date.description ?? ""), .init(text: e.segment),
                ]
            })
    }

    var alertTable: DataTable {
        let actions = AlertActions(csrfToken: csrfToken, back: "/health" + ownerQuery(), today: now.date)
        let listed = listedAlerts
        let caption = switch alertList {
        case .toAct: "Open alerts, newest first (\(listed.count) in all)"
        case .setAside: "Acknowledged or snoozed alerts, newest first (\(listed.count) in all)"
        case .baseline: "Conditions already holding at the first evaluation\(firstEvaluation.map { " on \($0.date)" } ?? ""), still open (\(listed.count) in all)"
        }
        return DataTable(
            name: "alerts", caption: caption,
            columns: [
                .init(title: "Fired"), .init(title: "Severity"), .init(title: "Rule"), .init(title: "Alert", wraps: true),
                .init(title: "Reason", wraps: true), .init(title: "Set aside"), .init(title: "Act", inCSV: false),
            ],
            rows: listed.map { a in
                var aside: [String] = []
                if let by = a.acknowledgedBy { aside.append("acknowledged by \(by)") }
                if let until = a.snoozedUntil, until > now { aside.append("snoozed until \(until.date)") }
                return [
                    .init(text: a.firedAt.date.description), .init(text: a.severity), .init(text: a.rule),
                    .init(text: a.title, link: a.account.map { "/accounts/\(URLQuery.escape($0.rawValue))" }, data: [("alert", String(a.id))]),
                    .init(text: a.reason), .init(text: aside.joined(separator: "; ")), .init(text: "", markup: actions.render(a)),
                ]
            })
    }

    var taskActions: TaskActions {
        TaskActions(csrfToken: csrfToken, back: "/health" + ownerQuery(), owners: owners, today: now.date)
    }

    var taskTable: DataTable {
        let whose = owner.map { " of \($0)" } ?? ""
        let caption = showSnoozed
            ? "Snoozed tasks\(whose), by due date (\(listedTasks.count) in all)"
            : "Open tasks\(whose), by due date (\(listedTasks.count) in all)"
        return taskActions.table(listedTasks, name: "tasks", caption: caption, showAccount: true, now: now)
    }

    /// The page's query: the owner, the task and alert lists shown (`list` overrides the alert list), and `extra`.
    func ownerQuery(_ extra: String? = nil, list: AlertList? = nil) -> String {
        let whose = owner.map { "owner=" + URLQuery.escape($0) } ?? (me == nil ? nil : "everyone=1")
        let alertsShown = (list ?? alertList).parameter.map { "alerts=" + $0 }
        let parts = [whose, showSnoozed ? "snoozed=1" : nil, alertsShown, extra].compactMap { $0 }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// One page of `table`'s rows, with the pager under it.
    func paged(_ table: DataTable, page: Int, parameter: String, anchor: String) -> HTML {
        let pageCount = max(1, (table.rows.count + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, page), pageCount)
        var shown = table
        shown.rows = Array(table.rows.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize))
        let query = ownerQuery()
        let pager = DataTable.pager(page: page, pageCount: pageCount) { p in
            "/health" + (query.isEmpty ? "?" : query + "&") + "\(parameter)=\(p)#\(anchor)"
        }
        return shown.html(downloadQuery: String(query.dropFirst()), path: "/health") + pager
    }

    func tables() -> [DataTable] { [riskTable, alertTable, taskTable] }

    func render() -> HTML {
        let counts = bandCounts
        let total = max(1, scores.count)
        func share(_ b: HealthBand) -> String { String(format: "%.0f %%", Double(counts[b] ?? 0) / Double(total) * 100) }
        let bands = SVGChart.stackedBars(
            title: "Accounts by health band", xLabels: ["Paying accounts"],
            series: [
                ChartSeries(name: "Green", values: [Double(counts[.green] ?? 0)], color: "#16a34a"),
                ChartSeries(name: "Yellow", values: [Double(counts[.yellow] ?? 0)], color: "#d97706"),
                ChartSeries(name: "Red", values: [Double(counts[.red] ?? 0)], color: "#dc2626"),
            ], yLabel: "Accounts", format: Display.compact, xLabel: "Band", width: 360, height: 240)
        let segments = risk.bySegment.sorted { $0.value > $1.value }
        let bySegment = SVGChart.stackedBars(
            title: "Revenue at risk by \(risk.attribute) (\(currency))", xLabels: segments.map(\.key),
            series: [ChartSeries(name: "MRR at risk", values: segments.map { Double($0.value) / Money.powerOfTen(currency.minorUnitExponent) }, color: "#dc2626")],
            yLabel: "MRR (\(currency))", format: Display.compact, xLabel: "Touch tier", width: 360, height: 240)
        let ownerLinks = ([nil] + owners.map(Optional.some)).map { o -> HTML in
            let label = o.map { $0 == me ? "\($0) (you)" : $0 } ?? "everyone"
            let href = "/health" + (o.map { "?owner=" + URLQuery.escape($0) } ?? (me == nil ? "" : "?everyone=1")) + "#tasks"
            return o == owner ? "<strong>\(label)</strong> " : "<a href=\"\(href)\">\(label)</a> "
        }
        let whose = owner.map { "owner=" + URLQuery.escape($0) } ?? (me == nil ? nil : "everyone=1")
        let snoozedLink: HTML =
            showSnoozed
            ? "<a href=\"/health\(whose.map { "?" + $0 } ?? "")#tasks\">Back to the tasks to act on</a>"
            : snoozedCount > 0
                ? "<a href=\"/health?\(whose.map { $0 + "&" } ?? "")snoozed=1#tasks\">\(snoozedCount) snoozed</a>" : ""
        let setAsideLink: HTML =
            alertList != .toAct
            ? "<p><a href=\"/health\(ownerQuery(list: .toAct))#alerts\">Back to the alerts to act on</a></p>"
            : setAsideCount > 0 ? "<p><a href=\"/health\(ownerQuery(list: .setAside))#alerts\">\(setAsideCount) acknowledged or snoozed</a></p>" : ""
        let baselineNote: HTML =
            alertList != .baseline && baselineCount > 0
            ? "<p class=\"muted\" data-baseline=\"\(baselineCount)\"><a href=\"/health\(ownerQuery(list: .baseline))#alerts\">\(Display.integer(baselineCount)) \(baselineCount == 1 ? "condition" : "conditions") already holding</a> at the first evaluation\(firstEvaluation.map { " on \($0.date)" } ?? ""): recorded without alerting anyone (docs/alerts.md).</p>"
            : ""
        let digestList = digests.prefix(5).map { d -> HTML in
            "<details><summary>\(d.grain) digest for \(d.periodStart.date.description) to \(d.periodEnd.date.adding(days: -1).description)</summary><pre style=\"white-space:pre-wrap\">\(d.text)</pre></details>"
        }
        let riskRatio = risk.scoredMRR > 0 ? String(format: "%.1f %%", Double(risk.total) / Double(risk.scoredMRR) * 100) : "-"
        return """
            <h1>Health &amp; alerts</h1><p class="muted">Health as of <span data-health-at="\(at.date.description)">\(at.date.description)</span>, \
            \(scores.count) scored accounts. Definitions: docs/health.md and docs/alerts.md.</p>
            <div class="tiles">\
            <div class="tile"><h3>Green</h3><div class="value" data-band="green">\(counts[.green] ?? 0)</div><span class="delta good">\(share(.green))</span></div>\
            <div class="tile"><h3>Yellow</h3><div class="value" data-band="yellow">\(counts[.yellow] ?? 0)</div><span class="delta flat">\(share(.yellow))</span></div>\
            <div class="tile"><h3>Red</h3><div class="value" data-band="red">\(counts[.red] ?? 0)</div><span class="delta bad">\(share(.red))</span></div>\
            <div class="tile"><h3>Revenue at risk</h3><div class="value" data-value="\(Money.decimalString(risk.total, exponent: currency.minorUnitExponent))">\
            \(Display.money(risk.total, currency))</div><span class="delta bad">\(riskRatio) of scored MRR</span></div></div>
            <div class="cols"><div class="card">\(bands)</div><div class="card">\(bySegment)</div></div>
            <h2 id="risk">Accounts to act on</h2>\(paged(riskTable, page: riskPage, parameter: "rpage", anchor: "risk"))
            <h2 id="alerts">Open alerts</h2>\(baselineNote)\(setAsideLink)\(paged(alertTable, page: alertPage, parameter: "apage", anchor: "alerts"))
            <h2 id="tasks">Tasks</h2><p>Owner: \(ownerLinks) \(snoozedLink)</p>\(paged(taskTable, page: taskPage, parameter: "tpage", anchor: "tasks"))
            <h2>Digests</h2>\(digestList.isEmpty ? "<p class=\"muted\">No digest yet.</p>" : HTML.joined(digestList))
            """
    }

    /// The health breakdown of one account for its page: score, band, change, each component, the top risks.
    static func accountSection(_ b: HealthBreakdown) -> HTML {
        let change: HTML = b.change.map { "<span class=\"delta \($0 >= 0 ? "good" : "bad")\">\(Display.signed($0, decimals: 1)) since last period</span>" } ?? ""
        let rows = b.current.components.map { c -> HTML in
            // A number keeps its unit on its line when the narrow card wraps the cell.
            let value = c.value.map { c.component.reading($0).replacingOccurrences(of: " %", with: "\u{00A0}%") } ?? "no data"
            return """
                <tr><td>\(c.component.title)</td><td class="num">\(value)</td><td class="num">\(c.score.map { String(Int($0.rounded())) } ?? "-")</td>\
                <td class="num">\(String(format: "%.0f %%", c.effectiveWeight * 100))</td><td class="num">\(String(format: "%.1f", c.contribution))</td></tr>
                """
        }
        let risks = b.riskFactors.prefix(3).map { r -> HTML in "<li>\(r.text) (−\(String(format: "%.0f", r.pointsLost)) points)</li>" }
        let note: HTML = b.redistribution.map { "<p class=\"muted\">\($0)</p>" } ?? ""
        return """
            <div class="card wide"><h2>Health</h2><p><span class="value" style="font-size:24px;font-weight:650" data-health-score="\(String(format: "%.4f", b.current.score))">\
            \(String(Int(b.current.score.rounded())))</span> <span class="status \(b.current.band.rawValue)">\(b.current.band.rawValue)</span> \(change)\
            <span class="muted"> · model \(b.current.model)\(b.touch.map { " · \($0) touch" } ?? "")</span></p>
            <table data-table="breakdown"><thead><tr><th>Component</th><th class="num">Value</th><th class="num">Score</th><th class="num">Weight</th><th class="num">Points</th></tr></thead>\
            <tbody>\(rows)</tbody></table>\(note)\
            \(risks.isEmpty ? "" : "<h3>Top risks</h3><ul class=\"plain\">" + HTML.joined(risks) + "</ul>")</div>
            """
    }
}
