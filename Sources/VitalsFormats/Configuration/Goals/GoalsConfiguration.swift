import Foundation
import TOMLKit
import VitalsCore

/// Goals defined in configuration: the `[[goals]]` tables of `vitals.toml` (or any TOML file), with nested
/// `[goals.target]`, `[[goals.ksf]]`, `[[goals.ksf.targets]]` and `[[goals.ksf.targets.stages]]`. docs/goals.md
/// shows a complete example.
///
/// ```toml
/// [[goals]]
/// key = "nrr-2026"
/// name = "Grow revenue from existing customers"
/// start = 2026-01-01
/// deadline = 2026-12-31
/// target = { kpi = "nrr", value = 1.10 }
///
/// [[goals.ksf]]
/// name = "Customers reach value in onboarding"
///
/// [[goals.ksf.targets]]
/// kpi = "onboarding_completion_rate"
/// value = 0.85
/// deadline = 2026-06-30
/// ```
public enum GoalsConfiguration {
    /// The goals of the TOML file at `path` (none when it has no `[[goals]]`); every problem at once, each as
    /// `<file>: goals[i].ksf[j].targets[k].<key>: <reason>`.
    public static func load(file path: String) throws(ConfigurationError) -> [GoalDefinition] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(problems: ["\(path): cannot be read as UTF-8 text"])
        }
        return try parse(text, source: path)
    }

    /// The goals of TOML `text`; `source` names it in problems.
    public static func parse(_ text: String, source: String) throws(ConfigurationError) -> [GoalDefinition] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(problems: ["\(source): line \(error.source.begin.line): \(error.description)"])
        } catch {
            throw ConfigurationError(problems: ["\(source): \(error)"])
        }
        guard let goals = table["goals"] else { return [] }
        let (read, problems) = GoalReader().goals(GoalInput(toml: goals), at: "goals")
        if !problems.isEmpty { throw ConfigurationError(problems: problems.map { "\(source): \($0)" }) }
        return read
    }
}
