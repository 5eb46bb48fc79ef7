import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Where the records and the health configuration come from, shared by the health, alerts and tasks commands.
struct HealthOptions: ParsableArguments {
    @Option(help: "The dataset folder (canonical CSV files); or give --db.")
    var data: String?

    @OptionGroup var store: StoreOptions

    @Option(help: "The configuration file (default: <data>/vitals.toml with --data, else $VITALS_CONFIG, else ./vitals.toml).")
    var config: String?

    @OptionGroup var settingsOptions: SettingsOptions

    /// The configuration file in use, if any.
    var configPath: String? {
        if let config { return config }
        if let data {
            let inFolder = (data as NSString).appendingPathComponent("vitals.toml")
            if FileManager.default.fileExists(atPath: inFolder) { return inFolder }
        }
        if let env = ProcessInfo.processInfo.environment["VITALS_CONFIG"], !env.isEmpty { return env }
        return FileManager.default.fileExists(atPath: "vitals.toml") ? "vitals.toml" : nil
    }

    func validate() throws {
        if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config \(config): no such file") }
        try store.validateSource(data: data)
    }

    /// The report settings and the health configuration, every problem of both listed together.
    func configuration() throws -> (ReportSettings, HealthConfiguration) {
        try Self.configuration(path: configPath, settingsOptions: settingsOptions)
    }

    /// The report settings and health configuration from `path` (if any), the environment and the flags.
    static func configuration(path configPath: String?, settingsOptions: SettingsOptions) throws -> (ReportSettings, HealthConfiguration) {
        let (settings, health, _) = try configuration(path: configPath, settingsOptions: settingsOptions, email: false)
        return (settings, health)
    }

    /// The report settings, health configuration and (with `email`) the `[email]` settings, every problem listed.
    static func configuration(path configPath: String?, settingsOptions: SettingsOptions, email: Bool) throws
        -> (ReportSettings, HealthConfiguration, EmailSettings)
    {
        if let configPath, !FileManager.default.fileExists(atPath: configPath) {
            throw Failure(description: "the configuration file \(configPath) does not exist")
        }
        let env = ProcessInfo.processInfo.environment
        var problems: [String] = []
        var settings = ReportSettings()
        do {
            settings = try ConfigurationLoader.load(
                configFile: configPath, environment: env,
                flags: .init(
                    currency: settingsOptions.currency, grossMargin: settingsOptions.grossMargin,
                    delinquencyDays: settingsOptions.delinquencyDays))
        } catch { problems += error.problems }
        var health = HealthConfiguration()
        do {
            health = try HealthConfigurationLoader.load(configFile: configPath, report: settings, environment: env)
        } catch { problems += error.problems }
        var mail = EmailSettings()
        if email {
            do { mail = try EmailConfigurationLoader.load(configFile: configPath, environment: env) } catch { problems += error.problems }
        }
        if !problems.isEmpty {
            throw Failure(description: "invalid configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n"))
        }
        return (settings, health, mail)
    }

    /// What a workspace's effective settings are made from: the file's configuration and text, over which the
    /// sections an admin saved in the dashboard apply per workspace (docs/configuration.md).
    static func layers(settings: ReportSettings, configuration: HealthConfiguration, path: String?) -> SettingsLayers {
        SettingsLayers(
            report: settings, configuration: configuration,
            fileText: path.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "",
            fileName: path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "vitals.toml",
            environment: ProcessInfo.processInfo.environment)
    }

    /// The records, with the health configuration (report settings included) a command works with: from the folder with the
    /// file's settings (`--data`), or from the store with the workspace's (the file's, with the sections an admin saved
    /// in the dashboard in their place, as the server uses them), one store opened for both.
    func workspace() throws -> (HealthConfiguration, Dataset) {
        let (settings, configuration) = try configuration()
        if let data {
            return (configuration, try DatasetLoader.load(directory: data, reportingCurrency: settings.reportingCurrency))
        }
        let (opened, workspace) = try store.open(create: false)
        let effective = Self.layers(settings: settings, configuration: configuration, path: configPath)
            .effective(saved: try opened.settings(workspace: workspace))
        for problem in effective.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        return (effective.configuration, try opened.dataset(workspace: workspace))
    }

    /// The health engine over the dataset as of `at`, with the dataset's accounts tagged with their touch tier.
    func engine(at: Timestamp?) throws -> (engine: HealthEngine, at: Timestamp, configuration: HealthConfiguration, dataset: Dataset) {
        let (configuration, raw) = try workspace()
        let instant = at ?? Self.defaultInstant(raw)
        let tagged = TouchModel.tagged(raw, settings: configuration.health, at: instant)
        let known = tagged.knownAttributes
        for problem in configuration.unknownAttributes(known: known) {
            FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
        }
        let engine = HealthEngine(index: HealthIndex(dataset: tagged, settings: configuration.health), accounts: tagged.accounts)
        return (engine, instant, configuration, tagged)
    }

    /// The instant health is assessed at by default: the same as the dashboard's, the API's and the health
    /// service's (`HealthInstant`: the start of today, or of the day after the latest record).
    static func defaultInstant(_ dataset: Dataset) -> Timestamp {
        HealthInstant.asOf(now: .now, latestActivity: HealthInstant.latestRecord(of: dataset))
    }

    /// Parses `--at`: a date, YYYY-MM-DD (its start).
    static func instant(_ text: String?) throws -> Timestamp? {
        guard let text else { return nil }
        guard text.count == 10, let date = try? CivilDate.parseBound(text).first else {
            throw ValidationError("--at: '\(text)' is not a date, YYYY-MM-DD")
        }
        return Timestamp(date)
    }
}

/// Left-aligned text columns, right-aligned numbers.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows { for (k, cell) in row.enumerated() { widths[k] = max(widths[k], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, cell in
                let pad = String(repeating: " ", count: widths[k] - cell.count)
                return numeric.contains(k) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
