import ArgumentParser
import Foundation
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print every KPI per period for a dataset.",
        discussion: """
            Loads a dataset folder in the canonical CSV format (docs/data-format.md) and prints each KPI \
            (docs/metrics.md) for every period from --from to --to, both included.
            """
    )

    @Option(help: "The dataset folder (canonical CSV files); or give --db.")
    var data: String?

    @OptionGroup var store: StoreOptions

    @Option(help: "First period, e.g. 2024, 2024-Q1, 2024-01 or 2024-01-15 (default: the first data).")
    var from: String?

    @Option(help: "Last period, included (default: the period of the latest data).")
    var to: String?

    @Option(help: "Period length: day, week, month, quarter or year.")
    var grain: Grain = .month

    @Option(help: "Only accounts matching this filter, e.g. \"industry in (Retail, Media) and csm=ana\".")
    var segment: String?

    @Option(help: "One block per value of this account attribute, e.g. industry.")
    var by: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print how long each step took (load, tagging, indexes, KPIs, output) to standard error.")
    var timings = false

    @Option(help: "Write a standalone HTML report (overview and revenue with charts) to this file instead.")
    var html: String?

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        if html != nil {
            guard by == nil, !json else { throw ValidationError("--html cannot be combined with --by or --json") }
        }
        if let from { _ = try parseBound(from, "--from") }
        if let to { _ = try parseBound(to, "--to") }
        if let from, let to, try parseBound(from, "--from").first > parseBound(to, "--to").last {
            throw ValidationError("--from \(from) is after --to \(to)")
        }
        try store.validateSource(data: data)
    }

    func run() throws {
        let settings = try settingsOptions.settings(dataDirectory: data)
        var clock = StepTimer(enabled: timings)
        var dataset: Dataset
        // Read from the rows: a snapshot for the next reader, written once the report is out.
        var snapshotLater: (() -> Void)?
        if let data {
            // A report reads no event ids: checked for repeats, then not kept (a third of the usage events' memory).
            dataset = try DatasetLoader.load(
                directory: data, reportingCurrency: settings.reportingCurrency, usageEventIDs: .checkedThenDropped)
        } else {
            let (store, workspace) = try store.open(create: false)
            let loaded = try store.load(workspace: workspace)
            dataset = loaded.dataset
            if !loaded.fromSnapshot {
                snapshotLater = { [dataset] in
                    do {
                        try store.writeSnapshot(dataset, workspace: workspace, dataVersion: loaded.dataVersion)
                    } catch {
                        FileHandle.standardError.write(Data("note: the store's snapshot was not written: \(error)\n".utf8))
                    }
                }
            }
        }
        clock.step(data != nil ? "load the files" : snapshotLater == nil ? "load the store's snapshot" : "load the store's rows")
        if let html {
            let options = HTMLReport.Options(
                to: try to.map { try parseBound($0, "--to").last }, from: try from.map { try parseBound($0, "--from").first },
                grain: grain, segment: segment)
            let document = try HTMLReport.render(dataset: dataset, settings: settings, options: options, now: Date())
            do {
                try Data(document.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            } catch {
                throw Failure(description: "\(html): cannot be written: \(error.localizedDescription)")
            }
            print("wrote \(html) (\(document.utf8.count / 1024) kB)")
            snapshotLater?()
            return
        }
        guard let first = try from.map({ try parseBound($0, "--from").first }) ?? dataset.earliestActivity?.date,
            let last = try to.map({ try parseBound($0, "--to").last }) ?? dataset.latestActivity?.date
        else {
            throw Failure(description: "the dataset has no dated records: give --from and --to")
        }
        let periods = Period.range(from: first, through: last, grain: grain)
        // Touch tiers (docs/health.md) as of the report's end, as an attribute segments and --by can use; a report
        // segmented by the tier uses each period's start tiers instead (docs/metrics.md, segments).
        let health = try HealthConfigurationLoader.load(
            configFile: data.map { ($0 as NSString).appendingPathComponent("vitals.toml") }, report: settings,
            environment: ProcessInfo.processInfo.environment)
        let calculator = KPICalculator(
            dataset: consume dataset, settings: settings, touchTiers: health.health, at: Timestamp(last.adding(days: 1)))
        clock.step("tag touch tiers, index usage and revenue")
        let known = calculator.dataset.knownAttributes
        let filter = try segment.map { try SegmentFilter.parse($0, knownAttributes: known) }
        for line in filter?.unknownValuesWarning(in: calculator.dataset.accounts) ?? [] {
            FileHandle.standardError.write(Data("warning: --segment \(line)\n".utf8))
        }
        if let by, !known.contains(by) {
            throw Failure(description: "--by: unknown attribute '\(by)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let scope = ReportScope(periods: periods, segment: filter, now: .now)
        var output: String
        if let by {
            let groups = calculator.reports(scope, by: by)
            if json {
                output = ReportJSON.encode(groups: groups, by: by, currency: settings.reportingCurrency, grain: grain)
            } else {
                output = groups.map { ReportTable.render($0.report, width: Terminal.width) }.joined(separator: "\n")
            }
        } else {
            let report = calculator.report(scope)
            output = json ? ReportJSON.encode(report) : ReportTable.render(report, width: Terminal.width)
        }
        clock.step("compute the KPIs")
        if !output.hasSuffix("\n") { output += "\n" }
        FileHandle.standardOutput.write(Data(output.utf8))
        clock.step("write the output")
        snapshotLater?()
        clock.step("write the store's snapshot", onlyIf: snapshotLater != nil)
        // The report is written: end the process now rather than free tens of millions of records one by one
        // (a quarter of a second on the 20-million-event benchmark); the system takes the memory back at once.
        Foundation.exit(EXIT_SUCCESS)
    }

    private func parseBound(_ text: String, _ flag: String) throws -> (first: CivilDate, last: CivilDate) {
        do {
            return try CivilDate.parseBound(text)
        } catch {
            throw ValidationError("\(flag): \(error)")
        }
    }
}

extension Grain: ExpressibleByArgument {}
