import Foundation
import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Lets a request to a dashboard page through only with a live session cookie (otherwise redirects to the sign-in
/// page, remembering where the person was going) of someone whose role allows the route (`AccessRules`; otherwise a
/// 403 page that says so).
struct SessionMiddleware: RouterMiddleware {
    let store: any VitalsStorage
    let now: @Sendable () -> Date

    static let cookie = "vitals_session"

    func handle(
        _ request: Request, context: VitalsContext, next: (Request, VitalsContext) async throws -> Response
    ) async throws -> Response {
        guard let token = request.cookies[Self.cookie]?.value, let session = try store.session(token: token, at: now()) else {
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let next = URLQuery.encode([("next", target == "/" ? nil : target)])
            return .redirect(to: next.isEmpty ? "/login" : "/login?" + next, type: .found)
        }
        var context = context
        context.session = session
        var response: Response
        switch AccessRules.need(request.method, context.endpointPath ?? "") {
        case .open: response = try await next(request, context)
        case .permission(let needed) where session.user.role.allows(needed): response = try await next(request, context)
        case .permission, nil: response = Self.forbidden(session)
        }
        // Pages hold a workspace's data: never cached by a shared proxy, never framed by another site.
        response.headers[.cacheControl] = "private, no-store"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}

extension SessionMiddleware {
    /// The page for a route the person's role does not allow.
    static func forbidden(_ session: UserSession) -> Response {
        let role = session.user.role
        let body: HTML = """
            <h1>Your role can't do this</h1>
            <p>You are signed in as <strong>\(session.user.email)</strong> with the role <strong>\(role.rawValue)</strong>, \
            which \(role == .viewer ? "reads the dashboard but changes nothing" : "does not reach this page"). \
            Ask an admin of your workspace if you need more.</p><p><a href="/">Back to the overview</a></p>
            """
        let layout = PageLayout(
            title: "Not allowed", active: .overview, userName: session.user.name, csrfToken: session.csrfToken, role: role)
        return .html(layout.render(body), status: .forbidden)
    }
}

extension Response {
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page.text)))
    }

    static func csv(_ text: String, filename: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
