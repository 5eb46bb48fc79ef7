import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The request context: Hummingbird's core storage plus the grant of the request's API key, once checked.
public struct VitalsContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyMiddleware` for every `/api/v1` route.
    public var grant: APIGrant?
    /// Set by `SessionMiddleware` for the dashboard's pages: the signed-in person.
    public var session: UserSession?
    /// The client's address as the connection gives it (a proxy's, behind one), for per-address limits.
    public let remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The grant, if it allows `scope`: otherwise 401 (no valid key) or 403 (a key of the wrong scope).
    func require(_ scope: APIScope) throws -> APIGrant {
        guard let grant else { throw APIError(status: .unauthorized, message: "an API key is required") }
        guard grant.scope.allows(scope) else {
            throw APIError(status: .forbidden, message: "this key's scope (\(grant.scope.rawValue)) does not allow \(scope.rawValue)")
        }
        return grant
    }
}

/// Checks `Authorization: Bearer <key>` (or `X-API-Key: <key>`) against the store's keys. A missing or wrong key is
/// answered 401 here; the scope is checked by each route.
struct APIKeyMiddleware: RouterMiddleware {
    let store: any VitalsStorage

    func handle(
        _ request: Request, context: VitalsContext, next: (Request, VitalsContext) async throws -> Response
    ) async throws -> Response {
        var key = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        if key == nil, let header = HTTPField.Name("X-API-Key") { key = request.headers[header] }
        guard let key, let grant = try store.grant(forKey: key) else {
            throw APIError(status: .unauthorized, message: "a valid API key is required (Authorization: Bearer vk_...)")
        }
        var context = context
        context.grant = grant
        return try await next(request, context)
    }
}
