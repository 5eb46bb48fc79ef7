import Foundation
import TOMLKit
import VitalsCore

/// The sections of `vitals.toml` an admin may save for one workspace from the dashboard (docs/configuration.md,
/// "Settings saved in the dashboard"). Each is stored as TOML text (`workspace_setting`) and replaces the file's
/// section for that workspace; the file's loaders check it exactly as they check the file.
public enum SettingsSections {
    /// `[report]`: currency, gross margin, delinquency, onboarding horizon, renewal grace.
    public static let report = "report"
    /// `[health]` with its `[health.weights]`, `[health.thresholds]` and `[health.segments.*]` tables.
    public static let health = "health"
    /// `[[alerts.rules]]` (the rest of `[alerts]`, webhooks and schedule, stays the server's).
    public static let alertRules = "alerts.rules"
    /// `[[playbooks]]`.
    public static let playbooks = "playbooks"
    /// The sections read by `HealthConfigurationLoader` (all but `report`).
    public static let healthSections = [health, alertRules, playbooks]
    public static let all = [report] + healthSections

    /// The health configuration text: `fileText` (the server's `vitals.toml`, or empty) with each section of `saved`
    /// (by section name) in place of the file's. A saved section whose text is empty removes the file's section (no
    /// rules, no playbooks). Throws the parse problems of a saved section, naming it.
    public static func compose(fileText: String?, saved: [String: String]) throws(ConfigurationError) -> String {
        let root = try table(fileText ?? "", source: "vitals.toml")
        for section in healthSections {
            guard let text = saved[section] else { continue }
            let part = try table(text, source: "the saved \(section) section")
            switch section {
            case alertRules:
                // A new table, not the file's in place: the server's [alerts] keys (schedule, webhooks) are copied.
                let alerts = TOMLTable()
                if let old = root["alerts"]?.table {
                    for key in old.keys where key != "rules" { alerts[key] = old[key] }
                }
                if let rules = part["alerts"]?.table?["rules"] { alerts["rules"] = rules }
                root["alerts"] = alerts
            default:
                if let value = part[section] { root[section] = value } else { root.remove(at: section) }
            }
        }
        return root.convert(to: .toml)
    }

    /// The section `section` of `text` on its own, as TOML (empty when the text has no such section).
    public static func extract(_ section: String, from text: String?) -> String {
        guard let text, let root = try? TOMLTable(string: text) else { return "" }
        let out = TOMLTable()
        switch section {
        case alertRules:
            guard let rules = root["alerts"]?.table?["rules"] else { return "" }
            let alerts = TOMLTable()
            alerts["rules"] = rules
            out["alerts"] = alerts
        default:
            guard let value = root[section] else { return "" }
            out[section] = value
        }
        return out.convert(to: .toml)
    }

    private static func table(_ text: String, source: String) throws(ConfigurationError) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(problems: ["\(source): line \(error.source.begin.line): \(error.description)"])
        } catch {
            throw ConfigurationError(problems: ["\(source): \(error)"])
        }
    }

    /// `[report]` holding `settings`, as `ConfigurationLoader.report(section:source:)` reads it back.
    public static func reportText(_ settings: ReportSettings) -> String {
        """
        [report]
        currency = "\(settings.reportingCurrency.code)"
        gross_margin = \(number(settings.grossMargin))
        delinquency_days = \(settings.delinquencyDays)
        onboarding_overdue_days = \(settings.onboardingOverdueDays)
        renewal_grace_days = \(settings.renewalGraceDays)

        """
    }

    /// The `[health]` section of `base` (a `[health]` section's text, or empty) with the default model's bands and
    /// weights set: every other key (windows, key features, thresholds, segment models) stays as it was.
    public static func healthText(base: String, yellowFrom: Double, greenFrom: Double, weights: [(key: String, value: Double)])
        throws(ConfigurationError) -> String
    {
        let root = try table(base, source: "the [health] section")
        let health = root["health"]?.table ?? TOMLTable()
        health["yellow_from"] = yellowFrom
        health["green_from"] = greenFrom
        let table = TOMLTable()
        for (key, value) in weights { table[key] = value }
        health["weights"] = table
        let out = TOMLTable()
        out["health"] = health
        return out.convert(to: .toml)
    }

    /// A number as TOML writes it: a whole number without a fraction, otherwise its shortest exact form.
    static func number(_ x: Double) -> String { HealthConfigWriter.format(x) }
}
