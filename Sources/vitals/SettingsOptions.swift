import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Flags that override the report settings of vitals.toml and the environment.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Reporting currency (ISO 4217), e.g. USD. Default: vitals.toml, VITALS_CURRENCY, else USD.")
    var currency: String?

    @Option(help: "Gross margin as a fraction, for LTV and CAC payback (default 1).")
    var grossMargin: String?

    @Option(help: "Days a past_due subscription still counts as MRR before it churns (default 30).")
    var delinquencyDays: String?

    /// Resolves the layers: defaults < `<data>/vitals.toml` < environment < these flags.
    func settings(dataDirectory: String?) throws -> ReportSettings {
        let file = dataDirectory.map { ($0 as NSString).appendingPathComponent("vitals.toml") }
        return try ConfigurationLoader.load(
            configFile: file, environment: ProcessInfo.processInfo.environment,
            flags: .init(currency: currency, grossMargin: grossMargin, delinquencyDays: delinquencyDays))
    }
}

/// Prints a failure the way a person can act on it and exits non-zero.
struct Failure: Error, CustomStringConvertible {
    var description: String
}
