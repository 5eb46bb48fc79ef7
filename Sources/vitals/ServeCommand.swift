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
        let (settings, healthConfiguration, email) = try HealthOptions.configuration(path: path, settingsOptions: settingsOptions, email: true)
        let (opened, workspace) = try store.open(create: true)
        var signIn = "sign in with a person added by: vitals users create --email EMAIL --name NAME"
        if demo {
            let today = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).date
            let password = try DemoCompany.prepare(store: opened, workspace: workspace, today: today) { say($0) }
            signIn = "sign in as \(DemoCompany.email) with password \(password)"
        } else if try !opened.hasUsers(workspace: workspace) {
            signIn = "no one can sign in yet: add a person with vitals users create --email EMAIL --name NAME"
        }
        // Admins may replace sections of this configuration per workspace from the dashboard (SettingsLayers).
        let demoConfiguration = demo && path == nil
        var server = ServerConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, secureCookies: secureCookies)
        server.email = email
        var configuration = demoConfiguration ? try DemoCompany.configuration(settings: settings) : healthConfiguration
        // Links in webhook messages lead to the dashboard at the public URL ([email] public_url, else this address).
        configuration.dashboardURL = server.publicURL
        var layers = HealthOptions.layers(settings: settings, configuration: configuration, path: path)
        if demoConfiguration { (layers.fileText, layers.fileName) = (DemoCompany.configurationText, "the demo configuration") }
        let health = HealthService(store: opened, settings: settings, configuration: configuration, layers: layers)
        // Targets at risk or off track raise the alerts of [[alerts.rules]] with kind = "external", source = "goals".
        await health.watchGoals()
        if demo {
            try await DemoCompany.evaluateBaseline(
                health: health, store: opened, workspace: workspace, now: Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            ) { say($0) }
        }
        let mailer = await EmailSetup.start(health: health, store: opened, server: server, settings: settings)
        // Hosted surveys (docs/surveys.md): links in their emails start with the public URL ([email] public_url).
        let environment = ProcessInfo.processInfo.environment
        let writer = IngestWriter(store: opened, journal: health.cache.journal)
        let surveys = SurveyService(
            store: opened, cache: health.cache, writer: writer, settings: try SurveysConfigurationLoader.load(configFile: path),
            publicURL: server.publicURL, checkEverySeconds: Int64(environment["VITALS_SURVEYS_CHECK_SECONDS"].flatMap(Int.init) ?? 60))
        let app = buildApplication(configuration: server, store: opened, settings: settings, health: health, surveys: surveys)
        say("Vitals dashboard: http://\(host):\(port)/ (\(signIn))")
        say("API: http://\(host):\(port)/api/v1 (description: /api/v1/openapi.json); store: \(store.path)")
        say(mailer == nil ? "Email: not set up, nothing is sent (docs/email.md)" : "Email: sent through \(email.host ?? ""):\(email.effectivePort) from \(email.from ?? "")")
        // Health, alerts and digests are evaluated on their schedule beside the server, and stop with it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { await health.run() }
            // Queued email is sent beside them when [email] is set up (docs/email.md).
            if let mailer { group.addTask { await mailer.run() } }
            group.addTask { await surveys.run() }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Writes a line to standard output at once (unbuffered), so it shows even when stdout is a file or a pipe.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
