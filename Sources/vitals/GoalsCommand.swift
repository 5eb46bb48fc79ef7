import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct GoalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goals",
        abstract: "Print goal trees (KGI -> KSF -> KPI targets) with statuses, progress and forecasts; import goals.",
        discussion: "docs/goals.md defines the goal file format, every computed field and the status rules.",
        subcommands: [GoalsShowCommand.self, GoalsImportCommand.self],
        defaultSubcommand: GoalsShowCommand.self
    )
}

struct GoalsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Evaluate and print the goals.",
        discussion: """
            Goals come from --config (its [[goals]]), else from <data>/vitals.toml with --data, else from the store. \
            KPIs come from --data (canonical CSV files) or the store.
            """
    )

    @Option(help: "The dataset folder (canonical CSV files); or give --db.")
    var data: String?

    @OptionGroup var store: StoreOptions

    @Option(help: "A TOML file whose [[goals]] to evaluate (and whose [report] settings apply).")
    var config: String?

    @Option(help: "Evaluate as of the end of this day, YYYY-MM-DD (default: now).")
    var asOf: String?

    @Flag(help: "Include archived goals (from the store).")
    var archived = false

    @Flag(help: "Print JSON (the API's shape, with each target's history and forecast path).")
    var json = false

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        try store.validateSource(data: data)
        if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config \(config): no such file") }
        if let asOf { _ = try day(asOf) }
    }

    func run() throws {
        let file = config ?? data.map { ($0 as NSString).appendingPathComponent("vitals.toml") }
        let settings = try ConfigurationLoader.load(
            configFile: file, environment: ProcessInfo.processInfo.environment,
            flags: .init(
                currency: settingsOptions.currency, grossMargin: settingsOptions.grossMargin,
                delinquencyDays: settingsOptions.delinquencyDays))
        let asOf = try asOf.map { Timestamp(try day($0).adding(days: 1)) } ?? Timestamp(seconds: Int64(Date().timeIntervalSince1970))

        let dataset: Dataset
        var goals: [(id: Int64?, definition: GoalDefinition, archived: Bool, stored: StoredGoal?)] = []
        var reviews: [Int64: TargetReview] = [:]
        if let data {
            dataset = try DatasetLoader.load(directory: data, reportingCurrency: settings.reportingCurrency)
        } else {
            let (opened, workspace) = try store.open(create: false)
            dataset = try opened.dataset(workspace: workspace)
            if config == nil {
                goals = try opened.goals(workspace: workspace, includeArchived: archived).map { ($0.id, $0.definition, $0.archived, $0) }
                reviews = try opened.latestReviews(workspace: workspace)
            }
        }
        if let file, config != nil || data != nil, FileManager.default.fileExists(atPath: file) {
            goals = try GoalsConfiguration.load(file: file).map { (nil, $0, false, nil) }
        }

        let known = dataset.knownAttributes
        let plan = GoalSeriesPlan(
            goals: goals.map(\.definition), dataStart: dataset.earliestActivity?.date, asOf: asOf, knownAttributes: known)
        let calculator = KPICalculator(dataset: dataset, settings: settings)
        let table = GoalSeriesTable(plan: plan, report: calculator.report)
        let evaluated = goals.map {
            GoalEvaluator.evaluate(
                $0.definition, id: $0.id, archived: $0.archived, series: table.lookup, reviews: reviews, asOf: asOf)
        }
        var output: String
        if json {
            output = GoalJSON.goals(Array(zip(evaluated, goals.map(\.stored))), asOf: asOf, series: true)
        } else {
            output = GoalTreeText.render(evaluated, asOf: asOf, width: Terminal.width, color: Terminal.isInteractive)
        }
        if !output.hasSuffix("\n") { output += "\n" }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    private func day(_ text: String) throws -> CivilDate {
        guard text.count == 10, let bound = try? CivilDate.parseBound(text) else {
            throw ValidationError("--as-of: '\(text)' is not a date (YYYY-MM-DD)")
        }
        return bound.first
    }
}

struct GoalsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the [[goals]] of a TOML file, creating or updating each goal by its key.",
        discussion: """
            Every goal is checked first; any problem fails the import with file: path.key: reason and stores \
            nothing. A goal whose key is stored is updated (targets keep their reviews when their KSF, KPI and \
            segment match) and restored if archived; each change is kept in the goal's history.
            """
    )

    @Argument(help: "A TOML file with [[goals]] (e.g. vitals.toml).")
    var file: String

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
    }

    func run() throws {
        let goals = try GoalsConfiguration.load(file: file)
        let (opened, workspace) = try store.open(create: true)
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        var created = 0
        var changed = 0
        for goal in goals {
            let before = try opened.goals(workspace: workspace, includeArchived: true).first { $0.definition.key == goal.key }
            let (stored, isNew) = try opened.upsertGoal(goal, workspace: workspace, actor: "cli:\(file)", at: now)
            if isNew { created += 1 } else if before?.updatedAt != stored.updatedAt { changed += 1 }
        }
        print("\(goals.count) goals in \(file): \(created) created, \(changed) updated, \(goals.count - created - changed) unchanged")
    }
}

