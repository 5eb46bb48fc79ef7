import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load canonical CSV/NDJSON files into the store.",
        discussion: """
            Takes a dataset folder or one canonical file (docs/data-format.md). Every file is checked first; any \
            problem fails the whole import with file:line: column: reason and stores nothing. Records are upserted \
            by their id, so importing the same files twice changes nothing. Rows may refer to accounts already in \
            the workspace. Vendor exports (Stripe subscriptions, Zendesk tickets, SurveyMonkey, HubSpot companies, \
            generic NPS/CSAT answers) import with --format, or are recognised by their header (docs/integrations/).
            """
    )

    @Argument(help: "A dataset folder, or one canonical file such as tickets.csv.")
    var source: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup(title: "Vendor exports") var vendor: VendorOptions

    @Flag(help: "Print the time each step took (loading the files, writing the records, writing the snapshot) to standard error.")
    var timings = false

    func validate() throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw ValidationError("\(source): no such file or folder")
        }
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
        let settings = try settingsOptions.settings(dataDirectory: isDirectory.boolValue ? source : nil)
        let started = Date()
        var clock = StepTimer(enabled: timings)
        let (store, workspace) = try store.open(create: true)
        if let format = vendor.format(of: source, isDirectory: isDirectory.boolValue) {
            return try vendor.run(format, path: source, store: store, workspace: workspace, label: self.store.workspace, settings: settings)
        }
        let known = try store.accounts(workspace: workspace)
        let contacts = try store.contactOwners(workspace: workspace)
        let dataset: Dataset
        if isDirectory.boolValue {
            dataset = try DatasetLoader.load(
                directory: source, reportingCurrency: settings.reportingCurrency, knownAccounts: known,
                knownContacts: contacts)
        } else {
            let name = (source as NSString).lastPathComponent
            guard DatasetLoader.files.contains(name) else {
                throw Failure(
                    description: "\(source): not a canonical file name (\(DatasetLoader.files.joined(separator: ", ")))")
            }
            guard let bytes = FileManager.default.contents(atPath: source) else {
                throw Failure(description: "\(source): cannot be read")
            }
            dataset = try DatasetLoader.load(
                files: [name: [UInt8](bytes)], reportingCurrency: settings.reportingCurrency, knownAccounts: known,
                knownContacts: contacts)
        }
        clock.step("load the files")
        let versionBefore = try store.dataVersion(workspace: workspace)
        let progress = Progress("writing")
        let summary = try store.save(dataset, workspace: workspace, storedAccounts: nil) { progress.update($0, of: $1) }
        clock.step("write the records")
        // Into an empty workspace, the records just saved are the whole workspace: their snapshot lets the next
        // report or server start skip reading the rows. (Otherwise the next reader of the rows writes one.) The save
        // moved the data version by one; if anything else wrote meanwhile, no snapshot is written.
        if versionBefore == 0 && known.isEmpty {
            try store.writeSnapshot(dataset, workspace: workspace, dataVersion: versionBefore + 1)
            clock.step("write the snapshot")
        }
        let seconds = Date().timeIntervalSince(started)
        for (kind, rows) in summary.counts where rows > 0 { print("\(kind): \(rows)") }
        let rate = seconds > 0 ? Int(Double(summary.total) / seconds) : summary.total
        print("imported \(summary.total) records into \(store.location) (workspace \(self.store.workspace)) in "
            + String(format: "%.2f", seconds) + " s, \(rate) records/s")
    }
}
