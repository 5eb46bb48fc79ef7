import Foundation
import TOMLKit
import VitalsCore

/// Reads the `[surveys]` section of `vitals.toml` (docs/surveys.md, "Settings"), listing every problem at once:
///
/// ```toml
/// [surveys]
/// triggers = ["ticket_resolved", "periodic", "onboarding_completed"]
/// csat_delay_minutes = 60
/// lookback_days = 7
/// nps_every_days = 90
/// nps_sample = 0.5
/// min_days_between_surveys = 30
/// token_days = 30
/// company = "Acme Analytics"
/// ```
public enum SurveysConfigurationLoader {
    /// The top-level section this loader reads (the report loader accepts it).
    public static let sections = ["surveys"]
    static let keys = [
        "triggers", "csat_delay_minutes", "lookback_days", "nps_every_days", "nps_sample", "min_days_between_surveys",
        "token_days", "company",
    ]

    /// Loads the settings from `configFile` (defaults when absent or without the section).
    public static func load(configFile: String?) throws(ConfigurationError) -> SurveySettings {
        guard let configFile, FileManager.default.fileExists(atPath: configFile) else { return SurveySettings() }
        guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
            throw ConfigurationError(problems: ["\(configFile): cannot be read as UTF-8 text"])
        }
        return try parse(text, source: configFile)
    }

    /// Parses configuration text (a whole file, or the `[surveys]` section alone as the admin page saves it);
    /// `source` names it in problems. Other sections are left to their loaders.
    public static func parse(_ text: String, source: String) throws(ConfigurationError) -> SurveySettings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                problems: ["\(source):\(error.source.begin.line):\(error.source.begin.column): \(error.description)"])
        } catch {
            throw ConfigurationError(problems: ["\(source): \(error)"])
        }
        var r = TOMLReader(source: source)
        var settings = SurveySettings()
        if let section = r.table(table, "surveys") { read(section, into: &settings, &r) }
        if !r.problems.isEmpty { throw ConfigurationError(problems: r.problems) }
        return settings
    }

    static func read(_ s: TOMLTable, into settings: inout SurveySettings, _ r: inout TOMLReader) {
        let at = "[surveys]"
        r.only(s, at, keys)
        if let names = r.strings(s, "triggers", at) {
            var triggers: Set<SurveyTrigger> = []
            for name in names {
                if let trigger = SurveyTrigger(rawValue: name), trigger != .manual {
                    triggers.insert(trigger)
                } else {
                    r.problem("\(at) triggers: '\(name)' is not ticket_resolved, periodic or onboarding_completed")
                }
            }
            settings.triggers = triggers
        }
        let delay = SurveySettings.delayRange
        if let minutes = r.int(s, "csat_delay_minutes", at, range: Int(delay.lowerBound / 60)...Int(delay.upperBound / 60)) {
            settings.csatDelaySeconds = Int64(minutes) * 60
        }
        let lookback = SurveySettings.lookbackRange
        if let days = r.int(s, "lookback_days", at, range: 1...Int(lookback.upperBound / 86_400)) {
            settings.lookbackSeconds = Int64(days) * 86_400
        }
        settings.npsEveryDays = r.int(s, "nps_every_days", at, range: SurveySettings.npsEveryDaysRange) ?? settings.npsEveryDays
        settings.npsSample = r.number(s, "nps_sample", at, range: 0...1) ?? settings.npsSample
        settings.minDaysBetweenSurveys =
            r.int(s, "min_days_between_surveys", at, range: SurveySettings.minDaysRange) ?? settings.minDaysBetweenSurveys
        settings.tokenDays = r.int(s, "token_days", at, range: SurveySettings.tokenDaysRange) ?? settings.tokenDays
        if let company = r.string(s, "company", at) {
            let trimmed = company.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.count > 100 || trimmed.contains(where: \.isNewline) {
                r.problem("\(at) company: must be a name of 1 to 100 characters on one line")
            } else {
                settings.company = trimmed
            }
        }
    }

    /// `text` as the inside of a TOML basic string.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// The `[surveys]` section that gives `settings` (what the admin page saves, and reads back with `parse`).
    public static func write(_ settings: SurveySettings) -> String {
        let triggers = SurveyTrigger.allCases.filter { settings.triggers.contains($0) }.map { "\"\($0.rawValue)\"" }
        return """
            [surveys]
            triggers = [\(triggers.joined(separator: ", "))]
            csat_delay_minutes = \(settings.csatDelaySeconds / 60)
            lookback_days = \(settings.lookbackSeconds / 86_400)
            nps_every_days = \(settings.npsEveryDays)
            nps_sample = \(settings.npsSample)
            min_days_between_surveys = \(settings.minDaysBetweenSurveys)
            token_days = \(settings.tokenDays)

            """ + (settings.company.map { "company = \"\(escaped($0))\"\n" } ?? "")
    }
}
