import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `vitals connect`: bring data in from the tools customers already use (docs/integrations/).
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect", abstract: "Connect billing and other tools to a workspace.",
        subcommands: [StripeBackfillCommand.self, StripeWebhookCommand.self])
}

struct StripeBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stripe",
        abstract: "Import a Stripe account's customers and subscriptions (every status) through its API.",
        discussion: """
            Pages through GET /v1/customers and GET /v1/subscriptions?status=all, 100 at a time, and stores them in \
            one transaction. Running it again changes nothing unless Stripe's data changed. Use a restricted key \
            with read access to customers and subscriptions. Changes from then on arrive by webhook: see \
            `vitals connect stripe-webhook` and docs/integrations/stripe.md.
            """)

    @Option(help: "A Stripe secret or restricted key (sk_... or rk_...); default: $STRIPE_API_KEY.")
    var apiKey: String?

    @Option(help: "The API's address (a local stand-in for testing).")
    var apiBase = "https://api.stripe.com"

    @Option(help: .hidden)
    var pageSize = 100

    @OptionGroup var store: StoreOptions
    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        guard apiKey ?? ProcessInfo.processInfo.environment["STRIPE_API_KEY"] != nil else {
            throw ValidationError("--api-key (or STRIPE_API_KEY) is required")
        }
        guard let url = URL(string: apiBase), url.scheme == "https" || url.scheme == "http" else {
            throw ValidationError("--api-base must be an http(s) address")
        }
        guard (1...100).contains(pageSize) else { throw ValidationError("--page-size must be from 1 to 100") }
    }

    func run() async throws {
        let settings = try settingsOptions.settings(dataDirectory: nil)
        let (opened, workspace) = try store.open(create: true)
        let started = Date()
        let now = Timestamp(seconds: Int64(started.timeIntervalSince1970))
        let backfill = StripeBackfill(
            apiKey: apiKey ?? ProcessInfo.processInfo.environment["STRIPE_API_KEY"]!, apiBase: URL(string: apiBase)!,
            pageSize: pageSize)
        let (changes, requests) = try await backfill.fetch(now: now) { print("read \($0)") }
        let unrated = changes.unratedCurrencies(reporting: settings.reportingCurrency, rated: try opened.ratedCurrencies(workspace: workspace))
        guard unrated.isEmpty else {
            throw Failure(description: "no rate for \(unrated.joined(separator: ", ")) (the reporting currency is \(settings.reportingCurrency)); import fx_rates.csv first")
        }
        let result = try opened.applyStripe(changes, workspace: workspace, event: nil, source: "backfill@\(now.seconds)", receivedAt: now)
        print("stripe: \(result.customers) customers, \(changes.observations.count) subscriptions (\(result.subscriptions) changed, "
            + "\(result.versions) versions) in \(requests) requests, " + String(format: "%.2f", Date().timeIntervalSince(started)) + " s")
    }
}

struct StripeWebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stripe-webhook",
        abstract: "Set the Stripe endpoint secret of POST /webhooks/stripe/{workspace}.",
        discussion: """
            In Stripe (Developers > Webhooks), add the endpoint https://<your host>/webhooks/stripe/<workspace> for \
            customer.*, customer.subscription.* and invoice.paid events, and give its signing secret here. While \
            Stripe rolls a secret, add the new one with --keep so that both are accepted.
            """)

    @Option(help: "The endpoint's signing secret (whsec_...).")
    var secret: String

    @Flag(help: "Keep the workspace's other secrets (while rolling one).")
    var keep = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !secret.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--secret must not be empty") }
    }

    func run() throws {
        let (opened, workspace) = try store.open(create: true)
        try opened.setStripeSecret(secret, workspace: workspace, replace: !keep, at: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
        print("webhook endpoint: POST /webhooks/stripe/\(store.workspace) (\(try opened.stripeSecrets(workspace: workspace).count) secret(s))")
    }
}
