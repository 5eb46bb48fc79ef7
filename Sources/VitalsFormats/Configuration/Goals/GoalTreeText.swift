import VitalsCore

/// Renders evaluated goal trees for the terminal: each goal, its own target, its KSFs and their targets, with the
/// status, the current value against the target, progress, the forecast with its 80 % interval and the paces.
///
/// ```
/// Grow revenue from existing customers [nrr-2026]  AT RISK  by 2026-12-31
///   KGI  NRR (12 months) 110.0 % by 2026-12-31                 at risk
///        now 104.2 % (2026-10) · baseline 101.0 % · progress 35 % · forecast 106.0 % (102.1 % to 109.9 %) · ...
///   KSF  Customers reach value in onboarding                   on track
///     -  Onboarding completion 85.0 % by 2026-06-30             achieved
/// ```
public enum GoalTreeText {
    /// - Parameter color: whether to colour statuses with ANSI escapes (for a terminal).
    public static func render(_ goals: [GoalEvaluation], asOf: Timestamp, width: Int = 120, color: Bool = false) -> String {
        var out = "Goals as of \(asOf.adding(seconds: -1).date) (whole periods only)\n"
        if goals.isEmpty { return out + "\nNo goals. Define [[goals]] in vitals.toml or POST /api/v1/goals (docs/goals.md).\n" }
        for goal in goals {
            let d = goal.definition
            out += "\n"
            var head = "\(d.name) [\(d.key)\(goal.id.map { " #\($0)" } ?? "")]  "
            head += paint(goal.status.title.uppercased(), goal.status, color)
            head += "  by \(d.deadline)"
            if let owner = d.owner { head += "  owner: \(owner)" }
            if goal.archived { head += "  (archived)" }
            out += head + "\n"
            if let description = d.description { out += "  " + description + "\n" }
            if let target = goal.target { out += lines(target, tag: "  KGI  ", indent: "       ", width: width, color: color) }
            for factor in goal.factors {
                out += row("  KSF  " + factor.name, paint(factor.status.title, factor.status, color), width: width) + "\n"
                for target in factor.targets {
                    out += lines(target, tag: "    -  ", indent: "         ", width: width, color: color)
                }
            }
            let counts = GoalStatus.allCases.compactMap { s in goal.counts[s].map { "\($0) \(s.title)" } }
            out += "  targets: " + counts.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func lines(_ e: TargetEvaluation, tag: String, indent: String, width: Int, color: Bool) -> String {
        let unit = e.unit
        func show(_ v: Double?) -> String { v.map { GoalFormat.value($0, unit: unit) } ?? "-" }
        var out = row(tag + e.title, paint(e.status.title, e.status, color), width: width) + "\n"
        var facts: [String] = []
        if let current = e.current { facts.append("now \(show(current)) (\(e.currentPeriod?.label ?? "-"))") }
        if let baseline = e.baseline { facts.append("baseline \(show(baseline))\(e.baselinePeriod.map { " (\($0.label))" } ?? " (given)")") }
        if case .change = e.target.amount, let value = e.targetValue { facts.append("target \(show(value))") }
        if let progress = e.progress { facts.append("progress \(GoalFormat.fixed(progress * 100, decimals: 0)) %") }
        if let f = e.forecast {
            facts.append("forecast \(show(f.value)) for \(f.period.label) (80 %: \(show(f.low)) to \(show(f.high)))")
        }
        if let pace = e.requiredPace { facts.append("needs \(GoalFormat.pace(pace, unit: unit))/\(e.target.grain.rawValue)") }
        if let slope = e.forecast?.slope { facts.append("trend \(GoalFormat.pace(slope, unit: unit))/\(e.target.grain.rawValue)") }
        if e.milestones.count > 1 {
            let stages = e.milestones.map { m in
                "\(show(m.targetValue)) by \(m.deadline) \(m.status.title)"
            }
            facts.append("stages: " + stages.joined(separator: "; "))
        }
        out += wrap(facts, indent: indent, width: width)
        out += indent + e.reason + "\n"
        let review = e.review
        out += indent + "review \(review.cadence.rawValue), next \(review.nextDue)\(review.isDue ? " (due)" : "")"
        if let last = review.last { out += "; last \(last.reviewedAt.date) by \(last.reviewer): \(last.note)" }
        return out + "\n"
    }

    /// `left` and `right` on one line, `right` aligned to a column when there is room.
    static func row(_ left: String, _ right: String, width: Int) -> String {
        let column = min(max(60, width - 14), 90)
        return left.count + 2 <= column ? left + String(repeating: " ", count: column - left.count) + right : left + "  " + right
    }

    /// Facts joined by " · ", wrapped at `width`.
    static func wrap(_ facts: [String], indent: String, width: Int) -> String {
        guard !facts.isEmpty else { return "" }
        var out = ""
        var line = indent
        for fact in facts {
            if line.count > indent.count && line.count + 3 + fact.count > width {
                out += line + "\n"
                line = indent
            }
            line += (line.count > indent.count ? " · " : "") + fact
        }
        return out + line + "\n"
    }

    static func paint(_ text: String, _ status: GoalStatus, _ color: Bool) -> String {
        guard color else { return text }
        let code: String
        switch status {
        case .achieved: code = "1;32"
        case .onTrack: code = "32"
        case .atRisk: code = "33"
        case .offTrack: code = "31"
        case .noData: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
