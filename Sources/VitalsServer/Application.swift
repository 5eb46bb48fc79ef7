import Hummingbird
import Logging
import VitalsCore
import VitalsStore

/// How the server is set up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 10 << 20) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Builds the Vitals HTTP application over `store`. `vitals serve` and the tests both use this one function.
/// - Parameter health: the health service (`vitals serve` runs its schedule beside the server); by default one with
///   the default health settings and no alerts.
public func buildApplication(
    configuration: ServerConfiguration, store: Store, settings: ReportSettings,
    health: HealthService? = nil, logger: Logger = Logger(label: "vitals")
) -> some ApplicationProtocol {
    let router = Router(context: VitalsContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.get("/healthz") { _, _ in "ok\n" }
    router.get("/api/v1/openapi.json") { _, _ in Response.json(OpenAPIDocument.json) }
    let health = health ?? HealthService(store: store, settings: settings)
    let cache = health.cache
    let api = router.group("/api/v1").add(middleware: APIKeyMiddleware(store: store))
    KPIController(cache: cache).register(on: api)
    AccountsController(cache: cache).register(on: api)
    HealthController(service: health, store: store, clock: health.clock).register(on: api)
    IngestController(store: store, cache: cache, settings: settings, maxBodyBytes: configuration.maxBodyBytes)
        .register(on: api)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vitals"),
        logger: logger
    )
}
