import ArgumentParser
import Foundation
import VitalsCore
import VitalsGenerator
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic generated dataset in the canonical CSV format.",
        discussion: "The same options and seed always write the same files."
    )

    @Option(help: "Folder to write the CSV files into.")
    var out: String

    @Option(help: "Number of accounts.")
    var accounts = 300

    @Option(help: "Months of history.")
    var months = 24

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "The data ends (exclusive) on this date, YYYY-MM-DD.")
    var end = "2026-11-01"

    @Option(help: "Usage events per account and month of use (default 6).")
    var eventsPerAccountMonth: Double?

    @Option(help: "Survey answers per account and year of use (default 2).")
    var surveysPerAccountYear: Double?

    @Option(help: "Support tickets per account and year of use (default 4).")
    var ticketsPerAccountYear: Double?

    func validate() throws {
        guard accounts > 0 else { throw ValidationError("--accounts must be positive") }
        guard months > 0 && months <= 240 else { throw ValidationError("--months must be from 1 to 240") }
        for (flag, rate) in [
            ("--events-per-account-month", eventsPerAccountMonth), ("--surveys-per-account-year", surveysPerAccountYear),
            ("--tickets-per-account-year", ticketsPerAccountYear),
        ] {
            if let rate, !(rate >= 0 && rate.isFinite) { throw ValidationError("\(flag) must be zero or more") }
        }
        guard (try? CivilDate.parseBound(end))?.first != nil, end.count == 10 else {
            throw ValidationError("--end must be a date, YYYY-MM-DD")
        }
    }

    func run() throws {
        var options = GeneratorOptions()
        options.accounts = accounts
        options.months = months
        options.seed = seed
        options.endDate = try CivilDate.parseBound(end).first
        if let eventsPerAccountMonth { options.usageEventsPerAccountMonth = eventsPerAccountMonth }
        if let surveysPerAccountYear { options.surveysPerAccountYear = surveysPerAccountYear }
        if let ticketsPerAccountYear { options.ticketsPerAccountYear = ticketsPerAccountYear }
        let dataset = DatasetGenerator.generate(options)
        try DatasetWriter.write(dataset, to: out)
        print(
            "wrote \(dataset.accounts.count) accounts, \(dataset.subscriptions.count) subscription versions, "
                + "\(dataset.surveyResponses.count) survey responses, \(dataset.tickets.count) tickets, "
                + "\(dataset.usageEvents.count) usage events to \(out)")
    }
}
