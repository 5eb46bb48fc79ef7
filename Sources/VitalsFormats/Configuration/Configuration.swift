import Foundation
import TOMLKit
import VitalsCore

/// Every problem found in the configuration, reported together at start-up.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "invalid configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}

/// Builds `ReportSettings` from layers: defaults < `vitals.toml` < environment < command-line flags.
///
/// ```toml
/// [report]
/// currency = "USD"
/// gross_margin = 0.8
/// delinquency_days = 30
/// onboarding_overdue_days = 90
/// renewal_grace_days = 30
/// ```
/// Environment: `VITALS_CURRENCY`, `VITALS_GROSS_MARGIN`, `VITALS_DELINQUENCY_DAYS`, `VITALS_ONBOARDING_OVERDUE_DAYS`,
/// `VITALS_RENEWAL_GRACE_DAYS`.
public enum ConfigurationLoader {
    /// Settings given on the command line, as typed (checked here with the other layers).
    public struct Flags: Sendable {
        public var currency: String?
        public var grossMargin: String?
        public var delinquencyDays: String?
        public init(currency: String? = nil, grossMargin: String? = nil, delinquencyDays: String? = nil) {
            self.currency = currency
            self.grossMargin = grossMargin
            self.delinquencyDays = delinquencyDays
        }
    }

    /// Resolves the settings. `configFile` may be absent (then only the other layers apply).
    public static func load(configFile: String?, environment: [String: String], flags: Flags) throws(ConfigurationError)
        -> ReportSettings
    {
        var problems: [String] = []
        var raw: [String: (value: String, source: String)] = [:]

        if let configFile, FileManager.default.fileExists(atPath: configFile) {
            readFile(configFile, into: &raw, problems: &problems)
        }
        let env: [(String, String)] = [
            ("currency", "VITALS_CURRENCY"), ("gross_margin", "VITALS_GROSS_MARGIN"),
            ("delinquency_days", "VITALS_DELINQUENCY_DAYS"), ("onboarding_overdue_days", "VITALS_ONBOARDING_OVERDUE_DAYS"),
            ("renewal_grace_days", "VITALS_RENEWAL_GRACE_DAYS"),
        ]
        for (key, variable) in env {
            if let value = environment[variable], !value.isEmpty { raw[key] = (value, "environment \(variable)") }
        }
        let flagValues: [(String, String?, String)] = [
            ("currency", flags.currency, "--currency"), ("gross_margin", flags.grossMargin, "--gross-margin"),
            ("delinquency_days", flags.delinquencyDays, "--delinquency-days"),
        ]
        for (key, value, flag) in flagValues {
            if let value { raw[key] = (value, flag) }
        }
        return try settings(raw, problems: problems)
    }

    /// The settings from the raw values of every layer, each checked; every problem thrown together.
    private static func settings(_ raw: [String: (value: String, source: String)], problems: [String]) throws(ConfigurationError)
        -> ReportSettings
    {
        var problems = problems
        var settings = ReportSettings()
        if let (value, source) = raw["currency"] {
            if let code = CurrencyCode(value) {
                settings.reportingCurrency = code
            } else {
                problems.append("\(source): currency '\(value)' is not an ISO 4217 code")
            }
        }
        if let (value, source) = raw["gross_margin"] {
            if let margin = Double(value), margin > 0, margin <= 1 {
                settings.grossMargin = margin
            } else {
                problems.append("\(source): gross_margin '\(value)' must be a fraction in (0, 1], e.g. 0.8 for 80 %")
            }
        }
        if let (value, source) = raw["delinquency_days"] {
            if let days = Int(value), days >= 0, days <= 3650 {
                settings.delinquencyDays = days
            } else {
                problems.append("\(source): delinquency_days '\(value)' must be a whole number of days from 0 to 3650")
            }
        }
        if let (value, source) = raw["onboarding_overdue_days"] {
            if let days = Int(value), days >= 1, days <= 36_500 {
                settings.onboardingOverdueDays = days
            } else {
                problems.append("\(source): onboarding_overdue_days '\(value)' must be a whole number of days from 1 to 36500")
            }
        }
        if let (value, source) = raw["renewal_grace_days"] {
            if let days = Int(value), days >= 0, days <= 365 {
                settings.renewalGraceDays = days
            } else {
                problems.append("\(source): renewal_grace_days '\(value)' must be a whole number of days from 0 to 365")
            }
        }
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return settings
    }

    /// The settings of a `[report]` section saved from the dashboard (`SettingsSections.report`), over the defaults
    /// alone: checked exactly as the file's section is. `source` names the text in problems.
    public static func report(section text: String, source: String) throws(ConfigurationError) -> ReportSettings {
        var problems: [String] = []
        var raw: [String: (value: String, source: String)] = [:]
        readText(text, source: source, into: &raw, problems: &problems)
        return try settings(raw, problems: problems)
    }

    private static func readFile(_ path: String, into raw: inout [String: (value: String, source: String)], problems: inout [String]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            problems.append("\(path): cannot be read as UTF-8 text")
            return
        }
        readText(text, source: path, into: &raw, problems: &problems)
    }

    private static func readText(
        _ text: String, source path: String, into raw: inout [String: (value: String, source: String)], problems: inout [String]
    ) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            problems.append("\(path): line \(error.source.begin.line): \(error.description)")
            return
        } catch {
            problems.append("\(path): \(error)")
            return
        }
        // Other sections belong to their own loaders: [[goals]] to GoalsConfiguration, the health sections to
        // HealthConfigurationLoader.
        let known = ["report", "goals", EmailConfigurationLoader.section] + HealthConfigurationLoader.sections
            + SurveysConfigurationLoader.sections
        for key in table.keys where !known.contains(key) {
            problems.append("\(path): unknown section or key '\(key)' (known: \(known.map { "[\($0)]" }.joined(separator: ", ")))")
        }
        guard let report = table["report"] else { return }
        guard let section = report.table else {
            problems.append("\(path): 'report' must be a table ([report])")
            return
        }
        for key in section.keys {
            let source = "\(path): [report] \(key)"
            guard let value = section[key] else { continue }
            switch key {
            case "currency":
                if let s = value.string { raw[key] = (s, source) } else { problems.append("\(source): must be a string") }
            case "gross_margin":
                if let d = value.double ?? value.int.map(Double.init) {
                    raw[key] = (String(d), source)
                } else {
                    problems.append("\(source): must be a number")
                }
            case "delinquency_days", "onboarding_overdue_days", "renewal_grace_days":
                if let i = value.int { raw[key] = (String(i), source) } else { problems.append("\(source): must be a whole number") }
            default:
                problems.append(
                    "\(source): unknown key (known: currency, gross_margin, delinquency_days, onboarding_overdue_days, renewal_grace_days)")
            }
        }
    }
}
