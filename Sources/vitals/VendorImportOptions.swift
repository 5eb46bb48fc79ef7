import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `vitals import --format ...`: vendor exports (docs/integrations/).
struct VendorOptions: ParsableArguments {
    @Option(help: "A vendor export: stripe-subscriptions, zendesk, surveymonkey, hubspot or survey (generic NPS/CSAT/CES answers). Default: detected from the header when the file is not a canonical one.")
    var format: VendorFormat?

    @Option(help: "Time zone of vendor times without an offset (Zendesk, SurveyMonkey and HubSpot export in the account's), e.g. Europe/Berlin.")
    var timeZone = "UTC"

    @Flag(help: "Create accounts for organisations and companies a vendor file names but the store does not have.")
    var createAccounts = false

    @Option(help: "Generic survey file: the survey when there is no survey column (nps, csat, ces).")
    var survey: SurveyKind?

    @Option(help: "SurveyMonkey: part of the 0-10 question's text (default: the one asking how likely ... recommend).")
    var question: String?

    @Option(help: "Zendesk, SurveyMonkey, survey: the column that names the account.")
    var accountColumn: String?

    func validate() throws {
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError("--time-zone: unknown time zone '\(timeZone)'") }
    }

    /// The vendor format of `path`: `--format`, else detected for a file whose name is not canonical.
    func format(of path: String, isDirectory: Bool) -> VendorFormat? {
        if let format { return format }
        guard !isDirectory, !DatasetLoader.files.contains((path as NSString).lastPathComponent),
            let bytes = FileManager.default.contents(atPath: path)
        else { return nil }
        return VendorFormat.detect([UInt8](bytes.prefix(64 * 1024)))
    }

    /// Imports the vendor file `path` into the workspace: all or nothing.
    func run(_ format: VendorFormat, path: String, store: any VitalsStorage, workspace: Int64, label: String, settings: ReportSettings) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot be read") }
        let started = Date()
        let now = Timestamp(seconds: Int64(started.timeIntervalSince1970))
        let options = VendorImportOptions(
            timeZone: TimeZone(identifier: timeZone)!, createAccounts: createAccounts, survey: survey, question: question,
            accountColumn: accountColumn, now: now)
        let records = try VendorImport.load(
            format, file: (path as NSString).lastPathComponent, bytes: [UInt8](bytes),
            knownAccounts: try store.accounts(workspace: workspace), options: options)
        switch records {
        case .dataset(let dataset, let count):
            let known = try store.accounts(workspace: workspace).count
            try store.save(dataset, workspace: workspace)
            print("\(format.rawValue): \(count) records, \(dataset.accounts.count - known) new accounts")
        case .stripe(let changes):
            let unrated = changes.unratedCurrencies(
                reporting: settings.reportingCurrency, rated: try store.ratedCurrencies(workspace: workspace))
            guard unrated.isEmpty else {
                throw Failure(description: "\(path): no rate for \(unrated.joined(separator: ", ")) (the reporting currency is \(settings.reportingCurrency)); import fx_rates.csv first")
            }
            let result = try store.applyStripe(changes, workspace: workspace, event: nil, source: "csv@\(now.seconds)", receivedAt: now)
            print("\(format.rawValue): \(result.customers) customers, \(result.subscriptions) subscriptions changed (\(result.versions) versions)")
        }
        print("imported \(path) into \(store.location) (workspace \(label)) in " + String(format: "%.2f", Date().timeIntervalSince(started)) + " s")
    }
}

extension VendorFormat: ExpressibleByArgument {}
extension SurveyKind: ExpressibleByArgument {}
