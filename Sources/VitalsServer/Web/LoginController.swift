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
    let limits: SignInLimits
    let hashing: HashingGate

    init(
        store: any VitalsStorage, secureCookies: Bool, now: @escaping @Sendable () -> Date,
        limits: SignInLimits = SignInLimits(), hashing: HashingGate = HashingGate()
    ) {
        self.store = store
        self.secureCookies = secureCookies
        self.now = now
        self.limits = limits
        self.hashing = hashing
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
        // No stored password is longer than bcrypt reads (`Passwords.problem`): a longer one cannot be right, and
        // must not match on its first 72 bytes.
        let address = context.remoteAddress ?? "unknown"
        let at = now()
        if let until = await limits.lockedUntil(email: email, address: address, at: at) {
            let wait = max(1, Int(until.timeIntervalSince(at).rounded(.up)))
            var response = retry(
                request, next: next, error: "Too many failed sign-ins. Try again in \((wait + 59) / 60) minutes.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let found = password.utf8.count <= Passwords.maximumBytes ? try store.userForSignIn(email: email) : nil
        let hash = found?.passwordHash ?? decoyHash
        // bcrypt is slow by design: run it off the event loop, on a bounded number of threads.
        let valid: Bool
        do {
            valid = try await hashing.run { Bcrypt.verify(password, hash: hash) }
        } catch {
            return retry(request, next: next, error: "Too many people are signing in. Please try again in a moment.", status: .serviceUnavailable)
        }
        guard let user = found?.user, valid else {
            await limits.recordFailure(email: email, address: address, at: at)
            return retry(request, next: next, error: "Wrong email or password.", status: .unauthorized)
        }
        await limits.recordSuccess(email: email)
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

    /// Only same-site paths: an absolute URL or `//host` would send the person elsewhere after signing in, and so
    /// would `/<TAB>/host`, which browsers read as `//host` once they drop the control character; a backslash is a
    /// slash to some of them.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return "/" }
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
    /// bcrypt reads at most this many bytes of a password and ignores the rest, so a longer one is refused rather
    /// than cut short (two passwords that share their first 72 bytes would both sign in).
    public static let maximumBytes = 72
    public static let minimumCharacters = 10

    public static func hash(_ password: String) -> String { Bcrypt.hash(password, cost: 12) }

    /// Runs of neighbouring characters: the alphabet, the digits (1234567890 as typed), the keyboard's rows.
    private static let runs = ["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiopasdfghjklzxcvbnm"]

    /// What is wrong with `password` as a new password, or nil when it will do: at least 10 characters, at most 72
    /// bytes, not only spaces, not one character repeated, and more than a run of neighbouring characters
    /// (`abcdefghij`, `1234567890`), after NIST SP 800-63B, 5.1.1.2.
    public static func problem(_ password: String) -> String? {
        let scalars = Array(password.unicodeScalars)
        if password.count < minimumCharacters { return "a password needs at least \(minimumCharacters) characters" }
        if password.utf8.count > maximumBytes { return "a password may have at most \(maximumBytes) bytes (UTF-8)" }
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "a password may not hold control characters" }
        if password.allSatisfy(\.isWhitespace) { return "a password must not be only spaces" }
        if Set(scalars).count == 1 { return "a password must not be one character repeated" }
        let lowered = password.lowercased()
        if runs.contains(where: { $0.contains(lowered) || String($0.reversed()).contains(lowered) }) {
            return "a password must not be a run of neighbouring characters"
        }
        return nil
    }
}
