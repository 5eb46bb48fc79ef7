import Hummingbird
import Logging
import VitalsCore
import VitalsStore

/// How the server is set up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the Vitals HTTP application. `vitals serve` and the tests both use this one function.
public func buildApplication(
    configuration: ServerConfiguration, source: KPISource, logger: Logger = Logger(label: "vitals")
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.get("/healthz") { _, _ in "ok\n" }
    KPIController(source: source).register(on: router.group("/api/v1"))
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vitals"),
        logger: logger
    )
}
