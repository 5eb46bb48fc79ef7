import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Signing in and out: email and password checked against a bcrypt hash, then an HttpOnly, SameSite=Lax session
/// cookie (Secure when the request came over TLS). The sign-in form carries a CSRF token bound to a cookie
/// (double submit); signed-in forms carry the session's own token.
struct LoginController: Sendable {
    let store: any VitalsStorage
    let secureCookies: Bool
    let now: @Sendable () -> Date
    static let sessionLifetime: TimeInterval = 14 * 86_400
    static let csrfCookie = "vitals_csrf"
    /// Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
    let decoyHash: String

    init(store: any VitalsStorage, secureCookies: Bool, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.secureCookies = secureCookies
        self.now = now
        decoyHash = Passwords.hash(Self.randomToken())
    }

    func register(on router: Router<VitalsContext>) {
        router.get("/login") { request, _ in
            let token = Self.randomToken()
            var response = Response.html(Self.page(csrf: token, next: request.uri.queryParameters.get("next"), error: nil))
            response.headers[.setCookie] = cookie(Self.csrfCookie, token, request: request, maxAge: 3600, path: "/login")
            return response
        }
        router.post("/login") { request, context in try await signIn(request, context: context) }
        router.post("/logout") { request, context in
            let form = try await Self.form(request, context: context)
            if let token = request.cookies[SessionMiddleware.cookie]?.value, let session = try store.session(token: token, at: now()) {
                guard Self.equal(form["csrf"] ?? "", session.csrfToken) else { throw HTTPError(.forbidden, message: "bad CSRF token") }
                try store.endSession(token: token)
            }
            var response = Response.redirect(to: "/login", type: .normal)
            response.headers[.setCookie] = cookie(SessionMiddleware.cookie, "", request: request, maxAge: 0, path: "/")
            return response
        }
    }

    func signIn(_ request: Request, context: VitalsContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        let next = Self.safeNext(form["next"])
        guard let cookieToken = request.cookies[Self.csrfCookie]?.value, Self.equal(form["csrf"] ?? "", cookieToken) else {
            return retry(request, next: next, error: "Your sign-in form expired. Please try again.", status: .forbidden)
        }
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let found = try store.userForSignIn(email: email)
        let hash = found?.passwordHash ?? decoyHash
        // bcrypt is slow by design: run it off the event loop.
        let valid = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
        guard let user = found?.user, valid else {
            return retry(request, next: next, error: "Wrong email or password.", status: .unauthorized)
        }
        let token = try store.createSession(user: user.id, at: now(), lifetime: Self.sessionLifetime)
        var response = Response.redirect(to: next, type: .normal)
        response.headers[.setCookie] = cookie(SessionMiddleware.cookie, token, request: request, maxAge: Int(Self.sessionLifetime), path: "/")
        return response
    }

    func retry(_ request: Request, next: String, error: String, status: HTTPResponse.Status) -> Response {
        let token = Self.randomToken()
        var response = Response.html(Self.page(csrf: token, next: next, error: error), status: status)
        response.headers[.setCookie] = cookie(Self.csrfCookie, token, request: request, maxAge: 3600, path: "/login")
        return response
    }

    func cookie(_ name: String, _ value: String, request: Request, maxAge: Int, path: String) -> String {
        let tls = secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (tls ? "; Secure" : "")
    }

    /// Only same-site paths: an absolute URL or `//host` would send the person elsewhere after signing in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    static func page(csrf: String, next: String?, error: String?) -> HTML {
        let message: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let body: HTML = """
            <div class="login"><h1>Sign in to Vitals</h1>\(message)
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="next" value="\(safeNext(next))">
            <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required autofocus>
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button></form></div>
            """
        return PageLayout(title: "Sign in", active: .overview, userName: nil, csrfToken: nil, sections: []).render(body)
    }

    /// The fields of an `application/x-www-form-urlencoded` body (at most 64 kB).
    static func form(_ request: Request, context: VitalsContext) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func randomToken() -> String { Secrets.randomHex(bytes: 16) }

    static func equal(_ a: String, _ b: String) -> Bool { Secrets.equal(Array(a.utf8), Array(b.utf8)) }

    /// The fields of a signed-in person's form, after checking that it carries their session's CSRF token (403 if
    /// not): every POST of the dashboard goes through here.
    static func sessionForm(_ request: Request, context: VitalsContext) async throws -> (UserSession, [String: String]) {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        let form = try await form(request, context: context)
        guard equal(form["csrf"] ?? "", session.csrfToken) else { throw HTTPError(.forbidden, message: "bad CSRF token") }
        return (session, form)
    }
}

/// Passwords are hashed with bcrypt (cost 12) for the store.
public enum Passwords {
    public static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: 12) }
}
