import ArgumentParser

/// The `vitals` command: a thin front end over the VitalsCore, VitalsStore and VitalsServer libraries.
@main
struct Vitals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Customer-success and revenue KPIs for subscription businesses.",
        subcommands: [ReportCommand.self, ImportCommand.self, KeysCommand.self, GenerateCommand.self, ServeCommand.self, CLVCommand.self,
                      HealthCommand.self, AlertsCommand.self, TasksCommand.self]
    )
}
