import VitalsCore

/// Reads goal definitions from TOML or JSON (as `GoalInput`), listing every problem with its path, key and reason.
///
/// Shape (docs/goals.md): a goal has `key`, `name`, `description`, `owner`, `start`, `deadline`, an optional
/// `target` (the KGI's own KPI target) and `ksf` (an array of `name`, `description`, `targets`). A target has `kpi`,
/// `value` or `change`, `deadline`, `start`, `baseline`, `segment`, `grain`, `direction`, `review`, `trend_periods`,
/// `label`, `stages` (each `deadline` and `value` or `change`) and, in JSON, the stored `id`.
public struct GoalReader {
    /// The start of targets that name none, when their goal names none either (`nil`: then `start` is required).
    public var defaultStart: CivilDate?
    /// Whether targets may carry their stored `id` (API bodies; not configuration files).
    public var allowsIDs: Bool

    public init(defaultStart: CivilDate? = nil, allowsIDs: Bool = false) {
        self.defaultStart = defaultStart
        self.allowsIDs = allowsIDs
    }

    private static let goalKeys = ["key", "name", "description", "owner", "start", "deadline", "target", "ksf"]
    private static let factorKeys = ["name", "description", "targets"]
    private static let targetKeys = [
        "id", "label", "kpi", "value", "change", "deadline", "start", "baseline", "segment", "grain", "direction",
        "review", "trend_periods", "stages",
    ]

    /// Reads one goal at `path` (e.g. `goals[0]`); `nil` when it has problems.
    public func goal(_ input: GoalInput, at path: String) -> (goal: GoalDefinition?, problems: [GoalProblem]) {
        var p = Problems()
        guard case .table = input else {
            p.add(path, "", "must be a table, not \(input.kind)")
            return (nil, p.list)
        }
        p.unknownKeys(input, known: Self.goalKeys, at: path)
        let key = p.text(input, "key", at: path, required: true)
        let name = p.text(input, "name", at: path, required: true)
        let start = p.date(input, "start", at: path, end: false)
        let deadline = p.date(input, "deadline", at: path, end: true, required: true)
        var target: KPITarget?
        if let own = input["target"] {
            target = readTarget(own, at: GoalProblem.join(path, "target"), goalStart: start, goalDeadline: deadline, problems: &p)
        }
        var factors: [SuccessFactor] = []
        if let list = p.array(input, "ksf", at: path) {
            for (i, item) in list.enumerated() {
                let at = GoalProblem.join(path, "ksf[\(i)]")
                guard case .table = item else {
                    p.add(at, "", "must be a table, not \(item.kind)")
                    continue
                }
                p.unknownKeys(item, known: Self.factorKeys, at: at)
                let factorName = p.text(item, "name", at: at, required: true)
                var targets: [KPITarget] = []
                for (j, t) in (p.array(item, "targets", at: at) ?? []).enumerated() {
                    if let read = readTarget(t, at: "\(at).targets[\(j)]", goalStart: start, goalDeadline: nil, problems: &p) {
                        targets.append(read)
                    }
                }
                factors.append(
                    SuccessFactor(name: factorName ?? "", description: p.text(item, "description", at: at), targets: targets))
            }
        }
        guard p.list.isEmpty, let key, let name, let deadline else { return (nil, p.list) }
        let goal = GoalDefinition(
            key: key, name: name, description: p.text(input, "description", at: path),
            owner: p.text(input, "owner", at: path), start: start, deadline: deadline, target: target, factors: factors)
        let semantic = goal.problems(at: path)
        return semantic.isEmpty ? (goal, []) : (nil, semantic)
    }

    /// Reads an array of goals at `path` (e.g. `goals`), with duplicate keys reported.
    public func goals(_ input: GoalInput, at path: String) -> (goals: [GoalDefinition], problems: [GoalProblem]) {
        guard case .array(let items) = input else {
            return ([], [GoalProblem(path: "", key: path, reason: "must be an array of tables ([[\(path)]])")])
        }
        var goals: [GoalDefinition] = []
        var problems: [GoalProblem] = []
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let (goal, found) = self.goal(item, at: "\(path)[\(i)]")
            problems += found
            guard let goal else { continue }
            if !seen.insert(goal.key).inserted {
                problems.append(GoalProblem(path: "\(path)[\(i)]", key: "key", reason: "'\(goal.key)' is used by an earlier goal"))
            }
            goals.append(goal)
        }
        return (goals, problems)
    }

    private func readTarget(
        _ input: GoalInput, at path: String, goalStart: CivilDate?, goalDeadline: CivilDate?, problems p: inout Problems
    ) -> KPITarget? {
        guard case .table = input else {
            p.add(path, "", "must be a table, not \(input.kind)")
            return nil
        }
        p.unknownKeys(input, known: allowsIDs ? Self.targetKeys : Self.targetKeys.filter { $0 != "id" }, at: path)
        let before = p.list.count
        var kpi: KPI?
        if let text = p.text(input, "kpi", at: path, required: true) {
            kpi = KPI(rawValue: text)
            if kpi == nil { p.add(path, "kpi", "'\(text)' is not a KPI id (docs/metrics.md lists them, e.g. nrr, customer_churn_rate)") }
        }
        let amount = p.amount(input, at: path)
        let deadline = p.date(input, "deadline", at: path, end: true, required: goalDeadline == nil) ?? goalDeadline
        let start = p.date(input, "start", at: path, end: false) ?? goalStart ?? defaultStart
        if start == nil && input["start"] == nil {
            p.add(path, "start", "is required (the baseline date), here or in the goal")
        }
        let grain = p.choice(input, "grain", at: path, Grain.self) ?? .month
        let direction = p.choice(input, "direction", at: path, GoalDirection.self)
        let review = p.choice(input, "review", at: path, ReviewCadence.self) ?? .monthly
        let trend = p.integer(input, "trend_periods", at: path) ?? KPITarget.defaultTrendPeriods
        var stages: [TargetStage] = []
        for (i, item) in (p.array(input, "stages", at: path) ?? []).enumerated() {
            let at = GoalProblem.join(path, "stages[\(i)]")
            guard case .table = item else {
                p.add(at, "", "must be a table, not \(item.kind)")
                continue
            }
            p.unknownKeys(item, known: ["deadline", "value", "change"], at: at)
            if let amount = p.amount(item, at: at), let deadline = p.date(item, "deadline", at: at, end: true, required: true) {
                stages.append(TargetStage(amount: amount, deadline: deadline))
            }
        }
        var id: Int64?
        if allowsIDs, let n = p.integer(input, "id", at: path) { id = Int64(n) }
        let segment = p.text(input, "segment", at: path).flatMap { $0.isEmpty ? nil : $0 }
        guard p.list.count == before, let kpi, let amount, let deadline, let start else { return nil }
        return KPITarget(
            id: id, label: p.text(input, "label", at: path), kpi: kpi, amount: amount, deadline: deadline, start: start,
            baseline: p.number(input, "baseline", at: path), segment: segment, grain: grain, direction: direction,
            stages: stages, review: review, trendPeriods: trend)
    }
}

/// The problems found so far, and typed reads of keys that add a problem when the value has the wrong type.
private struct Problems {
    var list: [GoalProblem] = []

    mutating func add(_ path: String, _ key: String, _ reason: String) {
        list.append(GoalProblem(path: path, key: key, reason: reason))
    }

    mutating func unknownKeys(_ input: GoalInput, known: [String], at path: String) {
        guard case .table(let entries) = input else { return }
        for entry in entries where !known.contains(entry.key) {
            add(path, entry.key, "unknown key (known: \(known.joined(separator: ", ")))")
        }
    }

    mutating func text(_ input: GoalInput, _ key: String, at path: String, required: Bool = false) -> String? {
        guard let value = input[key] else {
            if required { add(path, key, "is required") }
            return nil
        }
        guard case .string(let s) = value else {
            add(path, key, "must be a string, not \(value.kind)")
            return nil
        }
        if required && s.isEmpty { add(path, key, "must not be empty") }
        return s
    }

    mutating func number(_ input: GoalInput, _ key: String, at path: String) -> Double? {
        guard let value = input[key] else { return nil }
        switch value {
        case .int(let n): return Double(n)
        case .double(let d): return d
        default:
            add(path, key, "must be a number, not \(value.kind)")
            return nil
        }
    }

    mutating func integer(_ input: GoalInput, _ key: String, at path: String) -> Int? {
        guard let value = input[key] else { return nil }
        guard case .int(let n) = value else {
            add(path, key, "must be a whole number, not \(value.kind)")
            return nil
        }
        return n
    }

    mutating func array(_ input: GoalInput, _ key: String, at path: String) -> [GoalInput]? {
        guard let value = input[key] else { return nil }
        guard case .array(let items) = value else {
            add(path, key, "must be an array, not \(value.kind)")
            return nil
        }
        return items
    }

    /// A date, or a period written as text (`2026`, `2026-Q2`, `2026-06`, `2026-06-30`): its first day for a start,
    /// its last for a deadline (`end`).
    mutating func date(_ input: GoalInput, _ key: String, at path: String, end: Bool, required: Bool = false) -> CivilDate? {
        guard let value = input[key] else {
            if required { add(path, key, "is required") }
            return nil
        }
        switch value {
        case .date(let d):
            guard d.isValid else {
                add(path, key, "\(d) is not a calendar date")
                return nil
            }
            return d
        case .string(let s):
            do {
                let bound = try CivilDate.parseBound(s)
                return end ? bound.last : bound.first
            } catch {
                add(path, key, error.description)
                return nil
            }
        default:
            add(path, key, "must be a date (2026-06-30), not \(value.kind)")
            return nil
        }
    }

    /// `value` or `change`: exactly one.
    mutating func amount(_ input: GoalInput, at path: String) -> TargetAmount? {
        let value = number(input, "value", at: path)
        let change = number(input, "change", at: path)
        switch (value, change) {
        case (let v?, nil): return .value(v)
        case (nil, let c?): return .change(c)
        case (nil, nil):
            if input["value"] == nil && input["change"] == nil {
                add(path, "value", "is required: give value (absolute) or change (relative to the baseline, -0.10 = 10 % less)")
            }
            return nil
        default:
            add(path, "change", "give value or change, not both")
            return nil
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(
        _ input: GoalInput, _ key: String, at path: String, _ type: T.Type
    ) -> T? where T.RawValue == String {
        guard let text = text(input, key, at: path) else { return nil }
        guard let value = T(rawValue: text) else {
            add(path, key, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }
}
