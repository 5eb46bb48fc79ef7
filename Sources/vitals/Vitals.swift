import ArgumentParser

/// The `vitals` command: a thin front end over the VitalsCore, VitalsStore and VitalsServer libraries.
@main
struct Vitals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Customer-success and revenue KPIs for subscription businesses.",
        subcommands: [
            ServeCommand.self, ReportCommand.self, ImportCommand.self, ConnectCommand.self, UsersCommand.self, KeysCommand.self,
            GoalsCommand.self, HealthCommand.self, AlertsCommand.self, TasksCommand.self, GenerateCommand.self, CLVCommand.self,
        ]
    )
}
