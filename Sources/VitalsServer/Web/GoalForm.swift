import Foundation
import VitalsCore
import VitalsFormats

/// A goal as the editing form holds it (docs/goals.md, editing a goal): every field as typed, named by its path in
/// the API's JSON definition (`name`, `target.kpi`, `ksf[0].targets[1].value`), so that a problem the API's checks
/// find (`GoalReader`, same path and key) is shown beside its field. Values are typed in their KPI's unit: rates in
/// percent (85 = 85 %), money in the reporting currency's major units, other KPIs as plain numbers.
struct GoalForm: Equatable {
    /// One KPI target's fields, by key (`kpi`, `mode`, `value`, `deadline`, ...).
    struct Target: Equatable {
        var fields: [String: String] = [:]
        subscript(key: String) -> String { fields[key] ?? "" }
        var kpi: KPI? { KPI(rawValue: self["kpi"]) }
    }

    struct Factor: Equatable {
        var name = ""
        var description = ""
        var targets: [Target] = []
    }

    /// The goal's own fields: `key`, `name`, `description`, `owner`, `start`, `deadline`.
    var fields: [String: String] = [:]
    /// The KGI's own target; its `kpi` empty for none.
    var target = Target()
    var factors: [Factor] = []

    /// The most KSFs, and targets per KSF, a form carries (a bound on what a post can make the server build).
    static let maxRows = 50
    static let goalKeys = ["key", "name", "description", "owner", "start", "deadline"]
    static let targetKeys = [
        "id", "label", "kpi", "mode", "value", "deadline", "start", "baseline", "segment", "grain", "direction", "review",
        "trend_periods", "stages",
    ]

    subscript(key: String) -> String { fields[key] ?? "" }

    // MARK: From a stored definition

    /// The form of a definition as the API writes it (`GoalJSON.definition`).
    init(definition input: GoalInput) {
        for key in Self.goalKeys { fields[key] = Self.text(input[key]) }
        target = input["target"].map(Self.target) ?? Target()
        if case .array(let list)? = input["ksf"] {
            factors = list.map { f in
                var targets: [Target] = []
                if case .array(let ts)? = f["targets"] { targets = ts.map(Self.target) }
                return Factor(name: Self.text(f["name"]), description: Self.text(f["description"]), targets: targets)
            }
        }
    }

    init() {}

    private static func target(_ t: GoalInput) -> Target {
        var out = Target()
        for key in ["id", "label", "kpi", "deadline", "start", "segment", "grain", "direction", "review", "trend_periods"] {
            out.fields[key] = text(t[key])
        }
        let rate = KPI(rawValue: text(t["kpi"]))?.unit == .rate
        if let change = number(t["change"]) {
            out.fields["mode"] = "change"
            out.fields["value"] = plain(change * 100)
        } else {
            out.fields["mode"] = "value"
            out.fields["value"] = number(t["value"]).map { plain(rate ? $0 * 100 : $0) } ?? ""
        }
        out.fields["baseline"] = number(t["baseline"]).map { plain(rate ? $0 * 100 : $0) } ?? ""
        if case .array(let stages)? = t["stages"], !stages.isEmpty { out.fields["stages"] = json(.array(stages)) }
        return out
    }

    private static func text(_ v: GoalInput?) -> String {
        switch v {
        case .string(let s)?: s
        case .int(let n)?: String(n)
        case .double(let d)?: plain(d)
        case .date(let d)?: d.description
        default: ""
        }
    }

    private static func number(_ v: GoalInput?) -> Double? {
        switch v {
        case .int(let n)?: Double(n)
        case .double(let d)?: d
        default: nil
        }
    }

    /// A number without trailing zeros: 85, 85.5, 0.125 (at most 6 decimals).
    static func plain(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        var s = String(format: "%.6f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// Stages are kept as their JSON (edited through the API, docs/goals.md), so that saving the form keeps them.
    private static func json(_ v: GoalInput) -> String {
        switch v {
        case .null: return "null"
        case .string(let s): return ReportJSON.quoted(s)
        case .int(let n): return String(n)
        case .double(let d): return plain(d)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return ReportJSON.quoted(d.description)
        case .array(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .table(let entries): return "{" + entries.map { ReportJSON.quoted($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    // MARK: From a post

    /// The form as posted: the goal's fields, the KGI target's, then `ksf[i]...` rows while they are present.
    init(form: [String: String]) {
        for key in Self.goalKeys { fields[key] = form[key] ?? "" }
        target = Self.target(form, at: "target")
        for i in 0..<Self.maxRows {
            let at = "ksf[\(i)]"
            guard let name = form["\(at).name"] else { break }
            var factor = Factor(name: name, description: form["\(at).description"] ?? "")
            for j in 0..<Self.maxRows {
                let path = "\(at).targets[\(j)]"
                guard form["\(path).kpi"] != nil else { break }
                factor.targets.append(Self.target(form, at: path))
            }
            factors.append(factor)
        }
    }

    private static func target(_ form: [String: String], at path: String) -> Target {
        var t = Target()
        for key in targetKeys { t.fields[key] = form["\(path).\(key)"] ?? "" }
        return t
    }

    /// Applies a row button (`add-ksf`, `add-target:I`, `remove-ksf:I`, `remove-target:I:J`); false for any other.
    mutating func apply(_ action: String) -> Bool {
        let parts = action.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap(Int.init)
        switch (parts.first, numbers.count) {
        case ("add-ksf", 0):
            if factors.count < Self.maxRows { factors.append(Factor(targets: [Target()])) }
        case ("add-target", 1) where factors.indices.contains(numbers[0]):
            if factors[numbers[0]].targets.count < Self.maxRows { factors[numbers[0]].targets.append(Target()) }
        case ("remove-ksf", 1) where factors.indices.contains(numbers[0]):
            factors.remove(at: numbers[0])
        case ("remove-target", 2) where factors.indices.contains(numbers[0]) && factors[numbers[0]].targets.indices.contains(numbers[1]):
            factors[numbers[0]].targets.remove(at: numbers[1])
        default:
            return false
        }
        return true
    }

    // MARK: To the API's input

    /// The definition as the API's JSON would give it, and the fields that could not be read as typed (a number
    /// that is not one, stages that are not JSON), by field name.
    func input() -> (GoalInput, [String: String]) {
        var problems: [String: String] = [:]
        var goal: [(key: String, value: GoalInput)] = []
        for key in Self.goalKeys where !self[key].trimmed.isEmpty { goal.append((key, .string(self[key].trimmed))) }
        if !target["kpi"].isEmpty { goal.append(("target", Self.input(target, at: "target", problems: &problems))) }
        goal.append(("ksf", .array(factors.enumerated().map { i, f in
            var entries: [(key: String, value: GoalInput)] = [("name", .string(f.name.trimmed))]
            if !f.description.trimmed.isEmpty { entries.append(("description", .string(f.description.trimmed))) }
            entries.append(("targets", .array(f.targets.enumerated().map { j, t in
                Self.input(t, at: "ksf[\(i)].targets[\(j)]", problems: &problems)
            })))
            return .table(entries)
        })))
        return (.table(goal), problems)
    }

    private static func input(_ t: Target, at path: String, problems: inout [String: String]) -> GoalInput {
        var entries: [(key: String, value: GoalInput)] = [("kpi", .string(t["kpi"]))]
        for key in ["label", "deadline", "start", "segment", "grain", "direction", "review"] where !t[key].trimmed.isEmpty {
            entries.append((key, .string(t[key].trimmed)))
        }
        let rate = t.kpi?.unit == .rate
        let change = t["mode"] == "change"
        if let typed = typedNumber(t["value"], at: "\(path).value", problems: &problems) {
            // A change is relative, typed in percent (-10 = 10 % less); a rate's value is typed in percent too.
            entries.append(change ? ("change", .double(typed / 100)) : ("value", .double(rate ? typed / 100 : typed)))
        }
        if let baseline = typedNumber(t["baseline"], at: "\(path).baseline", problems: &problems) {
            entries.append(("baseline", .double(rate ? baseline / 100 : baseline)))
        }
        for key in ["id", "trend_periods"] where !t[key].trimmed.isEmpty {
            if let n = Int(t[key].trimmed) { entries.append((key, .int(n))) } else { problems["\(path).\(key)"] = "'\(t[key])' is not a whole number" }
        }
        if !t["stages"].trimmed.isEmpty {
            if let stages = try? GoalInput(json: Data(t["stages"].utf8)) {
                entries.append(("stages", stages))
            } else {
                problems["\(path).stages"] = "the stages are not valid JSON"
            }
        }
        return .table(entries)
    }

    /// A typed number: spaces, thousands separators, a trailing % and a leading currency symbol are allowed.
    private static func typedNumber(_ text: String, at field: String, problems: inout [String: String]) -> Double? {
        var s = text.trimmed
        guard !s.isEmpty else { return nil }
        s.removeAll { $0 == "," || $0 == " " || $0 == "_" || $0 == "%" }
        if let first = s.first, "$€£¥".contains(first) { s.removeFirst() }
        guard let d = Double(s), d.isFinite, abs(d) < 1e15 else {
            problems[field] = "'\(text)' is not a number"
            return nil
        }
        return d
    }
}

extension String {
    /// The text without leading and trailing white space.
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
