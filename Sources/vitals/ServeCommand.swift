import ArgumentParser
import Foundation
import Hummingbird
import VitalsCore
import VitalsServer
import VitalsStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the KPI API over HTTP for a dataset folder.",
        discussion: "GET /api/v1/kpis?from=&to=&grain=&segment= answers the same JSON as `vitals report --json`."
    )

    @Option(help: "The dataset folder (canonical CSV files).")
    var data: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        let settings = try settingsOptions.settings(dataDirectory: data)
        let dataset = try DatasetLoader.load(directory: data, reportingCurrency: settings.reportingCurrency)
        let app = buildApplication(
            configuration: ServerConfiguration(host: host, port: port), source: KPISource(dataset: dataset, settings: settings))
        print("Vitals is serving \(data) on http://\(host):\(port)/api/v1/kpis")
        try await app.runService()
    }
}
