import Foundation
import Hummingbird
import Logging
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// How the server is set up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// Mark session cookies `Secure` even without an `X-Forwarded-Proto: https` header (behind a TLS proxy that
    /// does not set it).
    public var secureCookies: Bool
    /// The `[email]` settings (docs/email.md): the email admin page shows them.
    public var email = EmailSettings()
    /// The base of links in emails: `[email] public_url`, else this server's own address.
    public var publicURL: String { email.publicURL ?? "http://\(host):\(port)" }

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 10 << 20, secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.secureCookies = secureCookies
    }
}

/// Builds the Vitals HTTP application over `store`. `vitals serve` and the tests both use this one function.
/// - Parameter health: the health service (`vitals serve` runs its schedule beside the server); by default one with
///   the default health settings and no alerts.
public func buildApplication(
    configuration: ServerConfiguration, store: any VitalsStorage, settings: ReportSettings,
    health: HealthService? = nil, surveys: SurveyService? = nil,
    logger: Logger = Logger(label: "vitals"), now: @escaping @Sendable () -> Date = Date.init
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(
            configuration: configuration, store: store, settings: settings, health: health, surveys: surveys, now: now),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vitals"),
        logger: logger
    )
}

/// The routes table: every route of the server, behind the middleware that checks who may use it (`AccessRules`).
public func buildRouter(
    configuration: ServerConfiguration, store: any VitalsStorage, settings: ReportSettings, health: HealthService? = nil,
    surveys: SurveyService? = nil, now: @escaping @Sendable () -> Date = Date.init
) -> Router<VitalsContext> {
    let router = Router(context: VitalsContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: FormQueryMiddleware())
    router.add(middleware: MethodMiddleware())
    router.get("/healthz") { _, _ in "ok\n" }
    router.get("/api/v1/openapi.json") { _, _ in Response.json(OpenAPIDocument.json) }
    let clock: @Sendable () -> Timestamp = { Timestamp(seconds: Int64(now().timeIntervalSince1970)) }
    let health = health ?? HealthService(store: store, settings: settings, clock: clock)
    let cache = health.cache
    let api = router.group("/api/v1").add(middleware: APIKeyMiddleware(store: store, now: now))
    KPIController(cache: cache, now: now).register(on: api)
    AccountsController(cache: cache).register(on: api)
    LifetimeController(cache: cache).register(on: api)
    GoalsController(store: store, cache: cache).register(on: api)
    HealthController(service: health, store: store, clock: health.clock).register(on: api)
    // One writer for every write of records (the survey service's, when given), so that group commit and the cache's
    // journal see them all.
    let writer = surveys?.writer ?? IngestWriter(store: store, journal: cache.journal)
    // Hosted surveys: sent by `vitals serve` on its schedule (SurveyService.run); answered at /s/{token}.
    let surveys = surveys ?? SurveyService(
        store: store, cache: cache, writer: writer, publicURL: configuration.publicURL,
        clock: clock)
    SurveyController(surveys: surveys).register(on: router)
    SurveyAPIController(surveys: surveys).register(on: api)
    AuditController(store: store).register(on: api)
    IngestController(
        store: store, writer: writer, cache: cache, maxBodyBytes: configuration.maxBodyBytes
    ).register(on: api)
    // The dashboard: sign-in, then server-rendered pages of the person's own workspace.
    let login = LoginController(store: store, secureCookies: configuration.secureCookies, now: now)
    login.register(on: router)
    WelcomeController(store: store, login: login, now: now).register(on: router)
    let pages = router.group().add(middleware: SessionMiddleware(store: store, now: now))
    DashboardController(store: store, cache: cache, writer: writer, now: now).register(on: pages)
    AdminController(store: store, now: now).register(on: pages)
    let settingsPages = SettingsController(store: store, health: health, now: now)
    settingsPages.register(on: pages)
    RulesController(settings: settingsPages).register(on: pages)
    let email = EmailController(store: store, settings: configuration.email, publicURL: configuration.publicURL, clock: clock)
    email.register(pages: pages)
    email.register(api: api)
    email.register(unsubscribe: router)
    SurveyDashboardRoutes(
        store: store, cache: cache, surveys: surveys, now: now, emailConfigured: configuration.email.isConfigured
    ).register(on: pages)
    let renewals = RenewalsController(store: store, cache: cache, now: now)
    renewals.register(pages: pages)
    renewals.register(api: api)
    // Vendors' own formats: Stripe webhooks, Segment- and PostHog-compatible tracking.
    StripeWebhookController(
        store: store, cache: cache, maxBodyBytes: configuration.maxBodyBytes, now: clock
    ).register(on: router)
    TrackingController(store: store, cache: cache).register(on: router)
    return router
}
