import Foundation
import HTTPTypes
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The admin pages (docs/security.md, "Admin pages"): people (invite with a one-time link, role, disable, reset
/// password), API keys (create, revoke) and the audit log. Only admins reach them (`AccessRules`); every form
/// carries the session's CSRF token, and every change is noted in the audit log by the store, as the admin's.
struct AdminController: Sendable {
    let store: any VitalsStorage
    let now: @Sendable () -> Date
    /// How long an invitation or reset link works.
    static let linkLifetime: TimeInterval = 7 * 86_400

    func register(on pages: RouterGroup<VitalsContext>) {
        pages.get("/admin") { _, _ in Response.redirect(to: "/admin/users", type: .found) }
        pages.get("/admin/users") { _, context in try users(try Self.session(context)) }
        pages.post("/admin/users") { request, context in try await invite(request, context) }
        pages.post("/admin/users/role") { request, context in try await change(request, context, action: "role") }
        pages.post("/admin/users/csm") { request, context in try await change(request, context, action: "csm") }
        pages.post("/admin/users/disable") { request, context in try await change(request, context, action: "disable") }
        pages.post("/admin/users/enable") { request, context in try await change(request, context, action: "enable") }
        pages.post("/admin/users/reset") { request, context in try await reset(request, context) }
        pages.get("/admin/keys") { _, context in try keys(try Self.session(context)) }
        pages.post("/admin/keys") { request, context in try await createKey(request, context) }
        pages.post("/admin/keys/revoke") { request, context in try await revokeKey(request, context) }
        pages.get("/admin/audit") { request, context in try audit(request, try Self.session(context)) }
    }

    static func session(_ context: VitalsContext) throws -> UserSession {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        return session
    }

    func layout(_ session: UserSession, _ title: String) -> PageLayout {
        PageLayout(title: title, active: .admin, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
    }

    /// Runs a store call, answering 500 with its message if the store fails.
    func stored<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do { return try body() } catch { throw HTTPError(.internalServerError, message: "\(error)") }
    }

    func users(_ session: UserSession, notice: AdminPages.Notice? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let list = try stored { () throws(StoreError) in try store.users(workspace: session.user.workspace) }
        let page = AdminPages.users(list, me: session.user.email, csrf: session.csrfToken, notice: notice)
        return .html(layout(session, "People").render(page), status: status)
    }

    func invite(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        var problems: [String] = []
        if let problem = AdminPages.emailProblem(email) { problems.append("Email: \(problem)") }
        if name.isEmpty { problems.append("Name: give the person's name, as the dashboard shows it") }
        if name.count > 200 { problems.append("Name: at most 200 characters") }
        let role = Role(rawValue: form["role"] ?? "")
        if role == nil { problems.append("Role: choose viewer, csm or admin") }
        guard problems.isEmpty, let role else { return try users(session, notice: .problems(problems), status: .unprocessableContent) }
        let workspace = session.user.workspace, at = now()
        let token: String?
        do {
            try store.createUser(
                workspace: workspace, email: email, name: name, passwordHash: User.noPassword, role: role, actor: session.user.email, at: at)
            token = try store.createLink(
                workspace: workspace, email: email, purpose: .invite, lifetime: Self.linkLifetime, actor: session.user.email, at: at)
        } catch {
            return try users(session, notice: .problems(["Email: \(email) cannot be invited: \(error)"]), status: .unprocessableContent)
        }
        guard let token else { throw HTTPError(.internalServerError, message: "the invitation's link was not made") }
        return try users(session, notice: .link(
            "\(email) is invited as \(role.rawValue). Send them this link: it works once, for 7 days, and is shown only now.",
            Self.link(request, token: token)))
    }

    func change(_ request: Request, _ context: VitalsContext, action: String) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let email = (form["email"] ?? "").lowercased()
        let workspace = session.user.workspace, actor = session.user.email, at = now()
        let result: AccessChange
        let done: String
        switch action {
        case "role":
            guard let role = Role(rawValue: form["role"] ?? "") else {
                return try users(session, notice: .problems(["Role: choose viewer, csm or admin"]), status: .unprocessableContent)
            }
            result = try stored { () throws(StoreError) in try store.setRole(workspace: workspace, email: email, role: role, actor: actor, at: at) }
            done = "\(email) is now \(role.rawValue)."
        case "csm":
            let name = (form["csm"] ?? "").trimmingCharacters(in: .whitespaces)
            guard name.count <= 200 else {
                return try users(session, notice: .problems(["CSM name: at most 200 characters"]), status: .unprocessableContent)
            }
            result = try stored { () throws(StoreError) in
                try store.setCSM(workspace: workspace, email: email, csm: name, actor: actor, at: at)
            }
            done = name.isEmpty ? "\(email) is linked to no CSM name." : "\(email) signs in as CSM \(name): their accounts and tasks open first."
        default:
            let disable = action == "disable"
            result = try stored { () throws(StoreError) in
                try store.setDisabled(workspace: workspace, email: email, disabled: disable, actor: actor, at: at)
            }
            done = disable ? "\(email) is disabled: their sessions have ended." : "\(email) is enabled again."
        }
        switch result {
        case .done: return try users(session, notice: .done(done))
        case .notFound: return try users(session, notice: .problems(["No person \(email) in this workspace."]), status: .notFound)
        case .lastAdmin:
            return try users(
                session, notice: .problems(["\(email) is the last admin who can sign in: make someone else an admin first."]),
                status: .conflict)
        }
    }

    func reset(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let email = (form["email"] ?? "").lowercased()
        let token = try stored { () throws(StoreError) in
            try store.createLink(
                workspace: session.user.workspace, email: email, purpose: .reset, lifetime: Self.linkLifetime, actor: session.user.email,
                at: now())
        }
        guard let token else {
            return try users(session, notice: .problems(["No enabled person \(email) in this workspace."]), status: .notFound)
        }
        return try users(session, notice: .link(
            "A password reset link for \(email): it works once, for 7 days, and is shown only now. Their password stays as it is until they use it.",
            Self.link(request, token: token)))
    }

    func keys(_ session: UserSession, notice: AdminPages.Notice? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let list = try stored { () throws(StoreError) in try store.keys(workspace: session.user.workspace) }
        return .html(layout(session, "API keys").render(AdminPages.keys(list, csrf: session.csrfToken, notice: notice)), status: status)
    }

    func createKey(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let scope = APIScope(rawValue: form["scope"] ?? "") else {
            return try keys(session, notice: .problems(["Scope: choose read, ingest or admin"]), status: .unprocessableContent)
        }
        let key = try stored { () throws(StoreError) in
            try store.createKey(workspace: session.user.workspace, scope: scope, actor: session.user.email, at: now())
        }
        return try keys(session, notice: .link("A new \(scope.rawValue) key. Copy it now: it is shown only once, and the store keeps only its hash.", key))
    }

    func revokeKey(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let prefix = form["prefix"] ?? ""
        let revoked = try stored { () throws(StoreError) in
            try store.revokeKey(workspace: session.user.workspace, prefix: prefix, actor: session.user.email, at: now())
        }
        guard revoked else { return try keys(session, notice: .problems(["No live key \(prefix) in this workspace."]), status: .notFound) }
        return try keys(session, notice: .done("vk_\(prefix.hasPrefix("vk_") ? String(prefix.dropFirst(3)) : prefix) is revoked: it is refused from now on."))
    }

    func audit(_ request: Request, _ session: UserSession) throws -> Response {
        let q = request.uri.queryParameters
        let page = max(1, q.get("page").flatMap { Int($0) } ?? 1)
        var query: AuditQuery
        var problem: String?
        do {
            query = try AuditController.query(q, defaultLimit: AdminPages.auditPageSize)
        } catch let error as APIError {
            problem = error.message
            query = AuditQuery(limit: AdminPages.auditPageSize)
        }
        query.limit = AdminPages.auditPageSize
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: AdminPages.auditPageSize)
        query.offset = overflow ? Int.max / 2 : offset
        let result = try stored { () throws(StoreError) in try store.auditLog(workspace: session.user.workspace, query: query) }
        let filters = ["actor": q.get("actor") ?? "", "action": q.get("action") ?? "", "since": q.get("since") ?? ""]
        let body = AdminPages.audit(result, filters: filters, page: page, problem: problem)
        return .html(layout(session, "Audit log").render(body), status: problem == nil ? .ok : .badRequest)
    }

    /// The full URL of a one-time link, on the host the admin reached the server by.
    static func link(_ request: Request, token: String) -> String {
        let host = request.head.authority ?? "localhost"
        let https = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return "\(https ? "https" : "http")://\(host)/welcome/\(token)"
    }
}
