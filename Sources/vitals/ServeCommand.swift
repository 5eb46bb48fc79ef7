import ArgumentParser
import Foundation
import Hummingbird
import VitalsCore
import VitalsServer
import VitalsStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Vitals API over HTTP from the store.",
        discussion: """
            Every /api/v1 route needs an API key (vitals keys create). GET /api/v1/openapi.json describes the API.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Largest request body accepted, in bytes (larger: 413).")
    var maxBodyBytes = 10 << 20

    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "The configuration file with [health], [alerts] and [[playbooks]] (default: $VITALS_CONFIG, else ./vitals.toml).")
    var config: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive") }
    }

    func run() async throws {
        let path = config ?? ProcessInfo.processInfo.environment["VITALS_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: "vitals.toml") ? "vitals.toml" : nil)
        let (settings, healthConfiguration) = try HealthOptions.configuration(path: path, settingsOptions: settingsOptions)
        let opened = try Store(path: store.path)
        let health = HealthService(store: opened, settings: settings, configuration: healthConfiguration)
        let app = buildApplication(
            configuration: ServerConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes), store: opened,
            settings: settings, health: health)
        print("Vitals is serving \(store.path) on http://\(host):\(port)/api/v1 (API description: /api/v1/openapi.json)")
        // Health, alerts and digests are evaluated on their schedule beside the server, and stop with it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { await health.run() }
            try await group.next()
            group.cancelAll()
        }
    }
}
