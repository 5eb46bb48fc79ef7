import Foundation
import VitalsCore

/// Loads a dataset folder in the canonical CSV format (docs/data-format.md) into memory.
///
/// The load is all or nothing: every problem is collected as `file:line: column: reason`, and if there is any the
/// whole load fails with `DatasetLoadError`.
public enum DatasetLoader {
    /// The canonical files, in the order they load (rates and accounts first: the others refer to them).
    public static let files = [
        "fx_rates.csv", "accounts.csv", "subscriptions.csv", "orders.csv", "trials.csv", "acquisition_costs.csv",
        "survey_responses.csv", "tickets.csv", "usage_events.csv", "usage_events.ndjson", "onboarding.csv",
        "leads.csv", "success_goals.csv", "csm_pulse.csv",
    ]

    /// Loads every canonical file present in `directory`. Money in a currency other than `reportingCurrency` needs
    /// rates in fx_rates.csv.
    public static func load(directory: String, reportingCurrency: CurrencyCode) throws(DatasetLoadError) -> Dataset {
        var inputs: [String: [UInt8]] = [:]
        let log = IssueLog()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetLoadError(
                issues: [LoadIssue(file: directory, line: 0, column: nil, reason: "no such dataset folder")], total: 1)
        }
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                log.add(file, 0, nil, "cannot be read")
                continue
            }
            inputs[file] = [UInt8](data)
        }
        if let error = log.error { throw error }
        return try load(files: inputs, reportingCurrency: reportingCurrency)
    }

    /// Loads canonical files given as `name -> contents` (names as in `files`).
    public static func load(files inputs: [String: [UInt8]], reportingCurrency: CurrencyCode) throws(DatasetLoadError)
        -> Dataset
    {
        let log = IssueLog()
        var reader = RecordReader(log: log, reportingCurrency: reportingCurrency)
        for file in files {
            guard let bytes = inputs[file] else { continue }
            if file.hasSuffix(".ndjson") {
                reader.readUsageEventsNDJSON(file: file, bytes: bytes)
            } else {
                reader.read(file: file, bytes: bytes)
            }
        }
        reader.checkSubscriptionOverlaps()
        if let error = log.error { throw error }
        return reader.dataset
    }
}
