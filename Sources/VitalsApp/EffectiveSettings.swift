import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

/// The settings one workspace runs with (docs/configuration.md, "Settings saved in the dashboard"): the server's
/// layers (defaults < `vitals.toml` < environment < flags) with each section an admin saved for the workspace in
/// place of that section.
public struct EffectiveSettings: Sendable {
    /// `[report]`: what KPIs and health compute money and windows with.
    public var report: ReportSettings
    /// Health, alert rules, playbooks and digests; `health.report` is `report`. Webhooks and the evaluation schedule
    /// are always the server's (webhooks carry secrets).
    public var configuration: HealthConfiguration
    /// The saved sections, by section name (`SettingsSections`).
    public var saved: [String: StoredSetting]
    /// Saved sections that no longer load (e.g. a playbook names a webhook the file dropped): the file's sections
    /// are used instead, and the admin pages show these.
    public var problems: [String]
}

/// What the server was started with, from which each workspace's `EffectiveSettings` are made.
public struct SettingsLayers: Sendable {
    /// `[report]` from defaults < file < environment < flags.
    public var report: ReportSettings
    /// The file's health configuration (with its webhooks' secrets).
    public var configuration: HealthConfiguration
    /// The configuration file's text (empty without one): saved sections are put in its place before loading.
    public var fileText: String
    /// Where the file's sections come from, as the admin pages name it (`vitals.toml`).
    public var fileName: String
    /// For webhooks' `secret_env`.
    public var environment: [String: String]

    public init(
        report: ReportSettings, configuration: HealthConfiguration, fileText: String = "", fileName: String = "vitals.toml",
        environment: [String: String] = [:]
    ) {
        self.report = report
        var configuration = configuration
        configuration.health.report = report
        self.configuration = configuration
        self.fileText = fileText
        self.fileName = fileName
        self.environment = environment
    }

    /// The settings with `saved` applied; a saved section that does not load is left out and named in `problems`.
    public func effective(saved: [StoredSetting]) -> EffectiveSettings {
        var sections: [String: StoredSetting] = [:]
        for setting in saved where SettingsSections.all.contains(setting.section) { sections[setting.section] = setting }
        var problems: [String] = []
        var report = self.report
        if let text = sections[SettingsSections.report]?.value {
            do throws(ConfigurationError) {
                report = try ConfigurationLoader.report(section: text, source: "the saved settings")
            } catch {
                problems += error.problems
                sections[SettingsSections.report] = nil
            }
        }
        var configuration = self.configuration
        configuration.health.report = report
        let healthSaved = sections.filter { SettingsSections.healthSections.contains($0.key) }.mapValues(\.value)
        if !healthSaved.isEmpty {
            do throws(ConfigurationError) {
                configuration = try health(saved: healthSaved, report: report)
            } catch {
                problems += error.problems
                for section in SettingsSections.healthSections { sections[section] = nil }
            }
        }
        return EffectiveSettings(report: report, configuration: configuration, saved: sections, problems: problems)
    }

    /// The health configuration with the `saved` sections (text by section name) in place of the file's, loaded and
    /// cross-checked as the file is; webhooks and schedule stay the server's.
    public func health(saved: [String: String], report: ReportSettings) throws(ConfigurationError) -> HealthConfiguration {
        let text = try SettingsSections.compose(fileText: fileText, saved: saved)
        var loaded = try HealthConfigurationLoader.parse(
            text, source: "\(fileName) with the sections saved in the dashboard", report: report, environment: environment)
        loaded.webhooks = configuration.webhooks
        loaded.evaluateEverySeconds = configuration.evaluateEverySeconds
        loaded.afterIngestSeconds = configuration.afterIngestSeconds
        loaded.dashboardURL = configuration.dashboardURL
        return loaded
    }

    /// Checks `text` as the new saved `section` over the other `saved` sections: the settings it would make, or every
    /// problem the loader finds (nothing is saved then).
    public func check(section: String, text: String, saved: [StoredSetting]) throws(ConfigurationError) -> EffectiveSettings {
        var current = effective(saved: saved)
        if section == SettingsSections.report {
            current.report = try ConfigurationLoader.report(section: text, source: "this form")
            current.configuration.health.report = current.report
            return current
        }
        var texts = current.saved.filter { SettingsSections.healthSections.contains($0.key) }.mapValues(\.value)
        texts[section] = text
        current.configuration = try health(saved: texts, report: current.report)
        return current
    }
}
