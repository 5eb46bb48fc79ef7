import ArgumentParser
import Foundation
import Hummingbird
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard and the API over HTTP from the store.",
        discussion: """
            The dashboard is at / (sign in with a person added by `vitals users create`, or the demo person that \
            --demo prints). Every /api/v1 route needs an API key (vitals keys create); GET /api/v1/openapi.json \
            describes the API.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Largest request body accepted, in bytes (larger: 413).")
    var maxBodyBytes = 10 << 20

    @Flag(help: "Fill an empty store with a generated demo company (about 2,000 accounts, 3 years) and print how to sign in.")
    var demo = false

    @Flag(help: "Mark session cookies Secure (set this when a TLS proxy in front does not send X-Forwarded-Proto).")
    var secureCookies = false

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
        let (opened, workspace) = try store.open(create: true)
        var signIn = "sign in with a person added by: vitals users create --email EMAIL --name NAME"
        if demo {
            let today = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).date
            let password = try DemoCompany.prepare(store: opened, workspace: workspace, today: today) { say($0) }
            signIn = "sign in as \(DemoCompany.email) with password \(password)"
        } else if try !opened.hasUsers(workspace: workspace) {
            signIn = "no one can sign in yet: add a person with vitals users create --email EMAIL --name NAME"
        }
        var configuration = demo && path == nil ? try DemoCompany.configuration(settings: settings) : healthConfiguration
        configuration.dashboardURL = ProcessInfo.processInfo.environment["VITALS_PUBLIC_URL"] ?? "http://\(host):\(port)"
        if demo {
            try await DemoCompany.evaluateBaseline(
                store: opened, workspace: workspace, settings: settings, configuration: configuration,
                now: Timestamp(seconds: Int64(Date().timeIntervalSince1970))) { say($0) }
        }
        let health = HealthService(store: opened, settings: settings, configuration: configuration)
        // Targets at risk or off track raise the alerts of [[alerts.rules]] with kind = "external", source = "goals".
        await health.watchGoals()
        let app = buildApplication(
            configuration: ServerConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, secureCookies: secureCookies),
            store: opened, settings: settings, health: health)
        say("Vitals dashboard: http://\(host):\(port)/ (\(signIn))")
        say("API: http://\(host):\(port)/api/v1 (description: /api/v1/openapi.json); store: \(store.path)")
        // Health, alerts and digests are evaluated on their schedule beside the server, and stop with it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { await health.run() }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Writes a line to standard output at once (unbuffered), so it shows even when stdout is a file or a pipe.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
