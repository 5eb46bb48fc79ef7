import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsServer
import VitalsStore

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List alerts, or evaluate health, alerts, playbooks and digests once (for cron).",
        discussion: "docs/alerts.md describes the rules, webhooks, playbooks and digests ([alerts], [[playbooks]], [digests]).",
        subcommands: [AlertsListCommand.self, AlertsEvaluateCommand.self],
        defaultSubcommand: AlertsListCommand.self
    )
}

struct AlertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Alerts of the workspace, newest first.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Only open alerts (whose condition still holds).")
    var open = false

    @Option(help: "Only alerts of this account.")
    var account: String?

    @Option(help: "How many.")
    var limit = 50

    func run() throws {
        let (store, workspace) = try store.open(create: false)
        let alerts = try store.alerts(workspace: workspace, openOnly: open, account: account.map { AccountID($0) }, limit: limit)
        print(TextTable.render(
            ["id", "fired", "rule", "severity", "subject", "status", "title"],
            alerts.map {
                [String($0.id), $0.firedAt.description, $0.rule, $0.severity, $0.subject,
                 $0.clearedAt == nil ? "open" : "cleared", $0.title]
            }, numeric: [0]), terminator: "")
    }
}

struct AlertsEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score every account, store today's scores, fire and clear alerts, run playbooks, make a due digest, and send the webhooks.")

    @OptionGroup var store: StoreOptions

    @Option(help: "The configuration file (default: $VITALS_CONFIG, else ./vitals.toml).")
    var config: String?

    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "Seconds to keep retrying failed deliveries before returning (they stay queued for the next run).")
    var deliverFor = 30

    @Option(help: "Evaluate as of the start of this date, YYYY-MM-DD, instead of now (a back-fill or a replay).")
    var at: String?

    func run() async throws {
        let path = config ?? ProcessInfo.processInfo.environment["VITALS_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "vitals.toml") ? "vitals.toml" : nil)
        let (settings, loaded, email) = try HealthOptions.configuration(path: path, settingsOptions: settingsOptions, email: true)
        var configuration = loaded
        // Links in Slack messages ("and N more") and emails point at the dashboard when its public address is known.
        configuration.dashboardURL = email.publicURL
        let (opened, workspace) = try store.open(create: false)
        let fixed = try HealthOptions.instant(at)
        // The sections an admin saved in the dashboard apply to this workspace, as in the server.
        let service = HealthService(
            store: opened, settings: settings, configuration: configuration, clock: { fixed ?? .now },
            layers: HealthOptions.layers(settings: settings, configuration: configuration, path: path))
        // With [email] set up, alert, digest and report emails are queued as the server queues them, and sent below.
        var server = ServerConfiguration()
        server.email = email
        let mailer = await EmailSetup.start(health: service, store: opened, server: server, settings: settings)
        let summary = try await service.evaluate(workspace: workspace)
        print("Scored \(summary.scored) accounts (red \(summary.bands[.red] ?? 0), yellow \(summary.bands[.yellow] ?? 0), green \(summary.bands[.green] ?? 0)); \(summary.fired.count) alerts fired, \(summary.cleared) cleared, \(summary.tasks) tasks created\(summary.digest.map { ", digest for \(Timestamp(seconds: $0.periodStart.seconds).date)" } ?? "").")
        for alert in summary.fired { print("  [\(alert.severity)] \(alert.title): \(alert.reason)") }
        if summary.baseline > 0 {
            let conditions = summary.baseline == 1 ? "1 condition already holding was" : "\(summary.baseline) conditions already holding were"
            print("This was the workspace's first evaluation: \(conditions) recorded as the baseline, without alerting (docs/alerts.md).")
        }
        let deadline = Date().addingTimeInterval(Double(deliverFor))
        var delivered = try await service.deliverDue()
        while Date() < deadline, let next = try opened.nextDeliveryAttempt() {
            guard fixed == nil else { break }  // a fixed instant never reaches a later attempt
            let wait = max(1, next.seconds - Timestamp.now.seconds)
            guard Date().addingTimeInterval(Double(wait)) < deadline else { break }
            try await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000_000)
            delivered += try await service.deliverDue()
        }
        print("\(delivered) webhook deliveries sent.")
        if let mailer {
            let sent = try await mailer.sendDue()
            print(sent == 1 ? "1 email sent." : "\(sent) emails sent.")
        }
    }
}

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Playbook tasks per CSM, and closing them.",
        subcommands: [TasksListCommand.self, TasksCloseCommand.self], defaultSubcommand: TasksListCommand.self)
}

struct TasksListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Tasks, soonest due first.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this owner's tasks (a CSM).")
    var owner: String?

    @Option(help: "open, done, dismissed or all.")
    var status = "open"

    func run() throws {
        let (store, workspace) = try store.open(create: false)
        var filter: TaskStatus?
        if status != "all" {
            guard let s = TaskStatus(rawValue: status) else { throw ValidationError("--status: '\(status)' is not open, done, dismissed or all") }
            filter = s
        }
        let tasks = try store.tasks(workspace: workspace, owner: owner, status: filter)
        print(TextTable.render(
            ["id", "due", "owner", "account", "status", "title"],
            tasks.map { [String($0.id), $0.dueAt.date.description, $0.owner, $0.accountName, $0.status.rawValue, $0.title] },
            numeric: [0]), terminator: "")
    }
}

struct TasksCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a task as done (or dismissed).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The task id.")
    var id: Int64

    @Option(help: "Who closed it.")
    var by: String

    @Option(help: "A note on what was done.")
    var note: String?

    @Flag(help: "Close it as dismissed rather than done.")
    var dismiss = false

    func run() throws {
        let (store, workspace) = try store.open(create: false)
        switch try store.closeTask(workspace: workspace, id: id, status: dismiss ? .dismissed : .done, by: by, note: note, at: .now) {
        case .closed(let task): print("Task \(task.id) closed (\(task.status.rawValue)) by \(by).")
        case .notFound: throw Failure(description: "no task \(id)")
        case .alreadyClosed(let task): throw Failure(description: "task \(id) was already closed (\(task.status.rawValue)) by \(task.closedBy ?? "?")")
        }
    }
}
