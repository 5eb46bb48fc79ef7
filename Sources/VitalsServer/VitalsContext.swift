import Foundation
import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// Who is calling the API: an API key, or a person signed in to the dashboard (docs/security.md).
public struct Caller: Sendable, Equatable {
    public var workspace: Int64
    public var workspaceSlug: String
    /// What the caller may do: the key's scope's permissions, or the person's role's.
    public var permissions: Set<Permission>
    /// Who the audit log says did it: the person's email, or `key vk_<prefix>`.
    public var actor: String
    /// The scope of the caller's key; nil for a person.
    public var keyScope: APIScope?

    init(_ grant: APIGrant) {
        self.init(workspace: grant.workspace, workspaceSlug: grant.workspaceSlug, permissions: grant.scope.permissions, actor: grant.actor, keyScope: grant.scope)
    }

    init(_ session: UserSession) {
        let user = session.user
        self.init(workspace: user.workspace, workspaceSlug: user.workspaceSlug, permissions: user.role.permissions, actor: user.email, keyScope: nil)
    }

    init(workspace: Int64, workspaceSlug: String, permissions: Set<Permission>, actor: String, keyScope: APIScope?) {
        self.workspace = workspace
        self.workspaceSlug = workspaceSlug
        self.permissions = permissions
        self.actor = actor
        self.keyScope = keyScope
    }
}

/// The request context: Hummingbird's core storage plus who is calling, once checked.
public struct VitalsContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyMiddleware` for every `/api/v1` route, once the caller may use the route.
    public var caller: Caller?
    /// Set by `SessionMiddleware` for the dashboard's pages: the signed-in person.
    public var session: UserSession?
    /// The client's address as the connection gives it (a proxy's, behind one), for per-address limits.
    public let remoteAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The API's caller. The middleware has already checked that they may use the route (`AccessRules`).
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError(status: .unauthorized, message: "an API key is required") }
        return caller
    }
}

/// Lets an API request through when its caller may use the route (`AccessRules`): a key in
/// `Authorization: Bearer <key>` (or `X-API-Key: <key>`), checked against the store's keys, or else a signed-in
/// person's session cookie (whose writes must carry the session's CSRF token in `X-CSRF-Token`). No valid caller is
/// 401, a caller whose scope or role does not allow the route 403. Every use of an admin-scope key is noted in the
/// audit log.
struct APIKeyMiddleware: RouterMiddleware {
    let store: any VitalsStorage
    let now: @Sendable () -> Date

    func handle(
        _ request: Request, context: VitalsContext, next: (Request, VitalsContext) async throws -> Response
    ) async throws -> Response {
        var key = request.headers[.authorization].flatMap { value -> String? in
            let parts = value.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        if key == nil, let header = HTTPField.Name("X-API-Key") { key = request.headers[header] }
        let caller: Caller
        var grant: APIGrant?
        if let key {
            guard let found = try store.grant(forKey: key, at: now()) else { throw Self.unauthorized }
            grant = found
            caller = Caller(found)
        } else if let token = request.cookies[SessionMiddleware.cookie]?.value, let session = try store.session(token: token, at: now()) {
            let safe = request.method == .get || request.method == .head
            let given = HTTPField.Name("X-CSRF-Token").flatMap { request.headers[$0] } ?? ""
            guard safe || LoginController.equal(given, session.csrfToken) else {
                throw APIError(status: .forbidden, message: "a signed-in write needs the session's CSRF token in X-CSRF-Token")
            }
            caller = Caller(session)
        } else {
            throw Self.unauthorized
        }
        switch AccessRules.need(request.method, context.endpointPath ?? "") {
        case .open: break
        case .permission(let needed):
            guard caller.permissions.contains(needed) else {
                let who = caller.keyScope.map { "this key's scope (\($0.rawValue))" } ?? "your role"
                throw APIError(status: .forbidden, message: "\(who) does not allow \(needed.rawValue)")
            }
        case nil:
            throw APIError(status: .forbidden, message: "no access rule for \(request.method.rawValue) \(request.uri.path)")
        }
        var context = context
        context.caller = caller
        guard let grant, grant.scope == .admin else { return try await next(request, context) }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try? noteAdminUse(grant, request, status: (error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
        try noteAdminUse(grant, request, status: response.status)
        return response
    }

    /// Notes a request made with an admin-scope key: method, path and the status it was answered with.
    func noteAdminUse(_ grant: APIGrant, _ request: Request, status: HTTPResponse.Status) throws {
        try store.recordAudit(
            AuditEvent(actor: grant.actor, action: "key.use", target: "\(request.method.rawValue) \(request.uri.path)", change: "answered \(status.code)"),
            workspace: grant.workspace, at: now())
    }

    static let unauthorized = APIError(status: .unauthorized, message: "a valid API key is required (Authorization: Bearer vk_...)")
}
