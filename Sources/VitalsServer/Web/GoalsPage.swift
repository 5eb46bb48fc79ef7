import VitalsApp
import VitalsCore
import VitalsFormats

/// The goals page: each KGI with its key success factors and their KPI targets, colour-coded by status, with the
/// numbers behind each status (baseline, current, target, progress, required pace, forecast) and a forecast chart,
/// and the targets due for review with a form to record the review.
struct GoalsPage {
    var goals: [GoalEvaluation]
    var currency: CurrencyCode
    var csrfToken: String
    var asOf: Timestamp
    /// A message after a recorded review or a rejected one.
    var notice: String?

    var dueForReview: [TargetEvaluation] {
        goals.flatMap(\.allTargets).filter { $0.review.isDue && $0.target.id != nil }.sorted { $0.review.nextDue < $1.review.nextDue }
    }

    func value(_ x: Double?, _ unit: KPIUnit) -> String {
        guard let x else { return "-" }
        switch unit {
        case .money:
            // Goal values are in major units of the reporting currency, as the goals API writes them.
            guard let minor = Int64(roundingChecked: x * Money.powerOfTen(currency.minorUnitExponent)) else { return GoalFormat.value(x, unit: unit) }
            return Display.money(minor, currency)
        case .count, .number:
            // Thousands grouped as the KPI's own pages write them: 890,365.59, not 890365.59.
            return ReportTable.format(.number(x), unit: unit, currency: currency)
        case .rate, .rates, .amounts:
            return GoalFormat.value(x, unit: unit)
        }
    }

    /// The share of the way from the baseline to the target, said for either direction (a target to raise or to
    /// lower): beyond the target it is "reached", behind the baseline it is "worse than the baseline".
    static func progress(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "-" }
        let percent = GoalFormat.value(share, unit: .rate)
        if share >= 1 { return "target reached (the value is past it: \(percent) of the way from the baseline)" }
        if share < 0 { return "worse than the baseline (\(percent) of the way to the target)" }
        return "\(percent) of the way from the baseline to the target"
    }

    func badge(_ status: GoalStatus) -> HTML { "<span class=\"status \(status.rawValue)\">\(status.title)</span>" }

    var targetTable: DataTable {
        var rows: [[DataTable.Cell]] = []
        for goal in goals {
            for (factor, target) in [(String?.none, goal.target)].compactMap({ f, t in t.map { (f, $0) } })
                + goal.factors.flatMap({ f in f.targets.map { (Optional(f.name), $0) } })
            {
                rows.append([
                    .init(text: goal.definition.name), .init(text: factor ?? "(the goal's own target)"), .init(text: target.title),
                    .init(text: value(target.baseline, target.unit), raw: target.baseline.map { String($0) }),
                    .init(text: value(target.current, target.unit), raw: target.current.map { String($0) }),
                    .init(text: value(target.targetValue, target.unit), raw: target.targetValue.map { String($0) }),
                    .init(text: target.progress.map { GoalFormat.value($0, unit: .rate) } ?? "-", raw: target.progress.map { String($0) }),
                    .init(text: target.forecast.map { value($0.value, target.unit) } ?? "-", raw: target.forecast.map { String($0.value) }),
                    .init(text: target.target.deadline.description), .init(text: target.status.title, data: [("status", target.status.rawValue)]),
                ])
            }
        }
        return DataTable(
            name: "targets", caption: "Every target",
            columns: [.init(title: "Goal"), .init(title: "Success factor"), .init(title: "Target"), .init(title: "Baseline", numeric: true),
                      .init(title: "Current", numeric: true), .init(title: "Target value", numeric: true), .init(title: "Progress", numeric: true),
                      .init(title: "Forecast at deadline", numeric: true), .init(title: "Deadline"), .init(title: "Status")],
            rows: rows)
    }

    func chart(_ target: TargetEvaluation) -> HTML {
        let history = target.history
        let path = target.forecast?.path ?? []
        let labels = history.map(\.period.label) + path.map(\.period.label)
        guard labels.count >= 2 else { return "" }
        let scale = target.unit == .rate ? 0.01 : 1
        func shown(_ x: Double) -> Double { x / scale }
        let n = history.count
        let actual = history.map { Optional(shown($0.value)) } + path.map { _ in Double?.none }
        // The forecast line starts at the last actual value so the two read as one line.
        let forecast = history.dropLast().map { _ in Double?.none } + [history.last.map { shown($0.value) }] + path.map { Optional(shown($0.value)) }
        let low = Array(repeating: Double?.none, count: n) + path.map { Optional(shown($0.low)) }
        let high = Array(repeating: Double?.none, count: n) + path.map { Optional(shown($0.high)) }
        let goal = target.targetValue.map { t in labels.map { _ in Optional(shown(t)) } } ?? []
        var series = [
            ChartSeries(name: "Actual", values: actual, color: "#2563eb"),
            ChartSeries(name: "Forecast", values: forecast, color: "#7c3aed"),
            ChartSeries(name: "80 % low", values: low, color: "#c4b5fd"),
            ChartSeries(name: "80 % high", values: high, color: "#c4b5fd"),
        ]
        if !goal.isEmpty { series.append(ChartSeries(name: "Target", values: goal, color: "#16a34a")) }
        let kpi = target.target.kpi
        let unitLabel = target.unit == .money ? " (\(currency))" : target.unit == .rate ? " (%)" : ""
        return SVGChart.lines(
            title: "\(target.title): actual and forecast", xLabels: labels, series: series, yLabel: kpi.title + unitLabel,
            format: Display.axisFormat(kpi), width: 720, height: 240)
    }

    func targetBlock(_ target: TargetEvaluation) -> HTML {
        let pace = target.requiredPace.map { p in
            target.unit == .money ? (p >= 0 ? "+" : "−") + value(abs(p), .money) : GoalFormat.pace(p, unit: target.unit)
        } ?? "-"
        let stages = target.milestones.count > 1
            ? HTML.joined(target.milestones.map { m -> HTML in
                "<li>\(value(m.targetValue, target.unit)) by \(m.deadline.description): \(badge(m.status))</li>"
            })
            : ""
        let forecast: HTML = target.forecast.map {
            "\(value($0.value, target.unit)) (80 %: \(value($0.low, target.unit)) to \(value($0.high, target.unit)))"
        } ?? "-"
        let review = target.review
        let last: HTML = review.last.map { "Last review \($0.reviewedAt.date.description) by \($0.reviewer): \u{201C}\($0.note)\u{201D}." } ?? "Never reviewed."
        return """
            <div class="card" data-target="\(target.target.id.map(String.init) ?? "")" data-status="\(target.status.rawValue)">\
            <h3>\(target.title) \(badge(target.status))</h3><p>\(target.reason)</p>
            <dl class="facts"><dt>Baseline</dt><dd>\(value(target.baseline, target.unit)) \(target.baselinePeriod.map { "(\($0.label))" } ?? "")</dd>
            <dt>Current</dt><dd>\(value(target.current, target.unit)) \(target.currentPeriod.map { "(\($0.label))" } ?? "")</dd>
            <dt>Target</dt><dd>\(value(target.targetValue, target.unit)) by \(target.target.deadline.description)\(target.target.segment.map { " for \($0)" } ?? "")</dd>
            <dt>Progress</dt><dd>\(Self.progress(target.progress))</dd>
            <dt>Required pace</dt><dd>\(pace) per \(target.target.grain.rawValue), \(target.periodsLeft.map(String.init) ?? "-") periods left</dd>
            <dt>Forecast at deadline</dt><dd>\(forecast)</dd>
            <dt>Review</dt><dd>\(review.cadence.rawValue), \(review.isDue ? HTML("<span class=\"status off_track\" data-review-due>review due since \(review.nextDue.description)</span>") : HTML("next due \(review.nextDue.description)")). \(last)</dd></dl>
            \(stages.text.isEmpty ? "" : "<h3>Stages</h3><ul class=\"plain\">" + stages + "</ul>")\(chart(target))</div>
            """
    }

    func render() -> HTML {
        let trees = goals.map { goal -> HTML in
            let own: HTML = goal.target.map { targetBlock($0) } ?? ""
            let factors = goal.factors.map { f -> HTML in
                """
                <section class="ksf"><h3 style="font-size:15px;color:#111827">Key success factor: \(f.name) \(badge(f.status))</h3>\
                \(f.description.map { d -> HTML in "<p class=\"muted\">\(d)</p>" })\(f.targets.map(targetBlock))</section>
                """
            }
            return """
                <section class="group goal" data-goal="\(goal.id.map(String.init) ?? "")" data-status="\(goal.status.rawValue)">\
                <h2>KGI: \(goal.definition.name) \(badge(goal.status))</h2>\
                <p class="muted">By \(goal.definition.deadline.description)\(goal.definition.owner.map { ", owner \($0)" } ?? "")\
                \(goal.definition.description.map { ". " + $0 } ?? "") \
                \(goal.id.map { id -> HTML in "<a href=\"/goals/\(String(id))/edit\">Edit, archive or see its history</a>" })</p>\(own)\(factors)</section>
                """
        }
        let due = dueForReview.map { t -> HTML in
            let id = t.target.id.map(String.init) ?? ""
            return """
                <tr><td>\(t.title)</td><td>\(t.review.nextDue.description)</td><td>\(badge(t.status))</td><td>\
                <form method="post" action="/goals/targets/\(id)/reviews" style="display:flex;gap:6px">\
                <input type="hidden" name="csrf" value="\(csrfToken)"><input name="note" required placeholder="What did you decide?" size="36">\
                <button type="submit">Record review</button></form></td></tr>
                """
        }
        let dueTable: HTML = due.isEmpty
            ? "<p class=\"muted\">No target is due for review.</p>"
            : "<div class=\"card\"><table data-table=\"due\"><thead><tr><th>Target</th><th>Due</th><th>Status</th><th>Review</th></tr></thead><tbody>\(due)</tbody></table></div>"
        let notice: HTML = notice.map { "<p class=\"card\" role=\"status\">\($0)</p>" } ?? ""
        let empty: HTML = goals.isEmpty
            ? "<p class=\"muted\">No goals yet. Define them in vitals.toml and run <code>vitals goals import</code>, or POST /api/v1/goals.</p>"
            : ""
        return """
            <h1>Goals</h1><p class="muted">KGI → key success factors → KPI targets, as of \(asOf.date.description). \
            <a href="/goals/new">New goal</a></p>\(notice)
            <h2>Due for review</h2>\(dueTable)\(empty)\(trees)
            <h2>All targets</h2>\(targetTable.html(downloadQuery: "", path: "/goals"))
            """
    }
}
