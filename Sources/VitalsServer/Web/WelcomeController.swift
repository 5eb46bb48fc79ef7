import Foundation
import HTTPTypes
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The page behind a one-time link (an invitation or a password reset, made on the admin pages): the person chooses
/// a password, under the same rules as everywhere (`Passwords.problem`), and then signs in. The link works once and
/// until it expires; its form carries a CSRF token bound to a cookie, as the sign-in form does.
struct WelcomeController: Sendable {
    let store: any VitalsStorage
    let login: LoginController
    let now: @Sendable () -> Date
    static let csrfCookie = "vitals_welcome_csrf"

    func register(on router: Router<VitalsContext>) {
        router.get("/welcome/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let (user, purpose) = try store.linkUser(token: token, at: now()) else { return Self.expired() }
            return form(request, token: token, user: user, purpose: purpose, error: nil, status: .ok)
        }
        router.post("/welcome/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let fields = try await LoginController.form(request, context: context)
            guard let (user, purpose) = try store.linkUser(token: token, at: now()) else { return Self.expired() }
            guard let cookie = request.cookies[Self.csrfCookie]?.value, LoginController.equal(fields["csrf"] ?? "", cookie) else {
                return form(request, token: token, user: user, purpose: purpose, error: "The form expired. Please try again.", status: .forbidden)
            }
            let password = fields["password"] ?? ""
            if let problem = Passwords.problem(password) {
                return form(request, token: token, user: user, purpose: purpose, error: "Password: \(problem).", status: .unprocessableContent)
            }
            guard password == fields["confirm"] else {
                return form(
                    request, token: token, user: user, purpose: purpose, error: "Repeat password: the two passwords differ.",
                    status: .unprocessableContent)
            }
            guard try store.redeemLink(token: token, passwordHash: Passwords.hash(password), at: now()) != nil else { return Self.expired() }
            let body: HTML = """
                <div class="login"><h1>Your password is set</h1><p>Sign in as <strong>\(user.email)</strong> with it.</p>\
                <p><a href="/login">Sign in</a></p></div>
                """
            return .html(Self.layout("Password set").render(body))
        }
    }

    static func layout(_ title: String) -> PageLayout {
        PageLayout(title: title, active: .overview, userName: nil, csrfToken: nil, sections: [])
    }

    func form(_ request: Request, token: String, user: User, purpose: LinkPurpose, error: String?, status: HTTPResponse.Status) -> Response {
        let csrf = LoginController.randomToken()
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let heading = purpose == .invite ? "Welcome to Vitals, \(user.name)" : "Choose a new password"
        let body: HTML = """
            <div class="login"><h1>\(heading)</h1><p class="muted">For <strong>\(user.email)</strong> in workspace \
            \(user.workspaceSlug). At least \(Passwords.minimumCharacters) characters; not one character repeated nor a run such as \
            1234567890.</p>\(message)
            <form method="post" action="/welcome/\(token)"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required autofocus>
            <label for="confirm">Repeat password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
            <button type="submit">Set password</button></form></div>
            """
        var response = Response.html(Self.layout(purpose == .invite ? "Welcome" : "New password").render(body), status: status)
        response.headers[.setCookie] = login.cookie(Self.csrfCookie, csrf, request: request, maxAge: 3600, path: "/welcome")
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }

    static func expired() -> Response {
        let body: HTML = """
            <div class="login"><h1>This link no longer works</h1><p>It was used already, it expired (links last 7 days), or \
            the person was disabled. Ask an admin of your workspace for a new one.</p><p><a href="/login">Sign in</a></p></div>
            """
        return .html(layout("Link expired").render(body), status: .notFound)
    }
}
