/// A problem in a goal definition, located as configuration and API errors are: where (`goals[0].ksf[1].targets[0]`),
/// which key, and why.
public struct GoalProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var key: String
    public var reason: String

    public init(path: String, key: String, reason: String) {
        self.path = path
        self.key = key
        self.reason = reason
    }

    public var description: String {
        let at = GoalProblem.join(path, key)
        return at.isEmpty ? reason : "\(at): \(reason)"
    }

    /// `path.part`, or `part` alone at the root (an empty path); `path` alone for an empty part.
    public static func join(_ path: String, _ part: String) -> String {
        path.isEmpty ? part : part.isEmpty ? path : part.hasPrefix("[") ? path + part : "\(path).\(part)"
    }
}

extension GoalDefinition {
    /// Every rule the definition breaks, with `path` (e.g. `goals[0]`) as the goal's location. Empty when valid.
    public func problems(at path: String) -> [GoalProblem] {
        var problems: [GoalProblem] = []
        func problem(_ at: String, _ key: String, _ reason: String) {
            problems.append(GoalProblem(path: at, key: key, reason: reason))
        }
        let keyCharacters = key.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
        }
        if key.isEmpty || key.count > 64 || !keyCharacters {
            problem(path, "key", "'\(key)' must be 1 to 64 characters of a-z, 0-9, '-', '_' or '.'")
        }
        if name.trimmingSpaces.isEmpty { problem(path, "name", "must not be empty") }
        if let start, start > deadline { problem(path, "start", "\(start) is after the deadline \(deadline)") }
        if let target { problems += target.problems(at: GoalProblem.join(path, "target")) }
        for (i, factor) in factors.enumerated() {
            let at = GoalProblem.join(path, "ksf[\(i)]")
            if factor.name.trimmingSpaces.isEmpty { problem(at, "name", "must not be empty") }
            if factors[..<i].contains(where: { $0.name == factor.name }) {
                problem(at, "name", "'\(factor.name)' is the name of an earlier KSF of this goal")
            }
            for (j, target) in factor.targets.enumerated() { problems += target.problems(at: "\(at).targets[\(j)]") }
        }
        return problems
    }
}

extension KPITarget {
    /// Every rule the target breaks, located at `path`.
    public func problems(at path: String) -> [GoalProblem] {
        var problems: [GoalProblem] = []
        func problem(_ at: String, _ key: String, _ reason: String) {
            problems.append(GoalProblem(path: at, key: key, reason: reason))
        }
        if !kpi.isTargetable {
            problem(path, "kpi", "\(kpi.id) has one value per feature, not one number: it cannot have a target")
        }
        func check(_ amount: TargetAmount, at: String) {
            switch amount {
            case .value(let v) where !v.isFinite: problem(at, "value", "must be a finite number")
            case .change(let c) where !c.isFinite || c <= -1:
                problem(at, "change", "must be a fraction above -1 (-0.10 = 10 % less than the baseline)")
            case .change where baseline == 0:
                problem(at, "change", "a relative change of a zero baseline is zero: give an absolute value")
            default: break
            }
        }
        check(amount, at: path)
        if deadline <= start { problem(path, "deadline", "\(deadline) must be after the start \(start)") }
        if let baseline, !baseline.isFinite { problem(path, "baseline", "must be a finite number") }
        if !(3...120).contains(trendPeriods) { problem(path, "trend_periods", "must be from 3 to 120") }
        var previous = start
        for (i, stage) in stages.enumerated() {
            let at = GoalProblem.join(path, "stages[\(i)]")
            check(stage.amount, at: at)
            if stage.deadline <= previous {
                problem(at, "deadline", "\(stage.deadline) must be after \(i == 0 ? "the start" : "the previous stage's deadline") \(previous)")
            } else if stage.deadline >= deadline {
                problem(at, "deadline", "\(stage.deadline) must be before the target's deadline \(deadline)")
            }
            previous = max(previous, stage.deadline)
        }
        return problems
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
