import Foundation
import HTTPTypes
import Hummingbird
import VitalsConnectors
import VitalsCore
import VitalsApp
import VitalsFormats
import VitalsStore

/// Email (docs/email.md): the admin page `/admin/email` (settings in force, a test email, the delivery log, the
/// suppression list), `GET /api/v1/emails` (the log over the API, admin scope) and the unsubscribe page every email
/// links to (`/unsubscribe/{token}`, no sign-in: the signed token is the proof).
struct EmailController: Sendable {
    let store: any VitalsStorage
    let settings: EmailSettings
    let publicURL: String
    let clock: @Sendable () -> Timestamp

    func register(pages: RouterGroup<VitalsContext>) {
        pages.get("/admin/email") { request, context in try page(request, try AdminController.session(context)) }
        pages.post("/admin/email/test") { request, context in try await test(request, context) }
        pages.post("/admin/email/suppressions") { request, context in try await suppress(request, context) }
        pages.post("/admin/email/suppressions/lift") { request, context in try await lift(request, context) }
    }

    func register(api: RouterGroup<VitalsContext>) {
        api.get("emails") { request, context in
            let caller = try context.requireCaller()
            let q = request.uri.queryParameters
            let (filter, limit, offset) = try Self.apiQuery(q)
            let (list, total) = try stored { () throws(StoreError) in
                (try store.emails(workspace: caller.workspace, filter: filter, limit: limit, offset: offset),
                 try store.emailCount(workspace: caller.workspace, filter: filter))
            }
            return Response.json(Self.json(list, total: total, limit: limit, offset: offset))
        }
    }

    func register(unsubscribe router: Router<VitalsContext>) {
        router.get("/unsubscribe/{token}") { _, context in
            let token = context.parameters.get("token") ?? ""
            switch try readLink(token) {
            case .failure(let failure): return Self.respond("Unsubscribe", EmailPages.badLink(failure), status: .notFound)
            case .success(let link):
                return Self.respond(
                    "Unsubscribe", EmailPages.unsubscribeForm(token: token, address: link.address, scope: link.scope, workspace: link.slug))
            }
        }
        // A POST from the page's button, or a mail client's RFC 8058 one-click (body List-Unsubscribe=One-Click).
        router.post("/unsubscribe/{token}") { _, context in
            let token = context.parameters.get("token") ?? ""
            switch try readLink(token) {
            case .failure(let failure): return Self.respond("Unsubscribe", EmailPages.badLink(failure), status: .notFound)
            case .success(let link):
                try stored { () throws(StoreError) in
                    try store.suppress(
                        Suppression(address: link.address, scope: link.scope, reason: .unsubscribed, at: clock()), workspace: link.workspace)
                }
                return Self.respond("Unsubscribed", EmailPages.unsubscribed(address: link.address, scope: link.scope))
            }
        }
    }

    /// What an unsubscribe token names.
    struct Link {
        var workspace: Int64
        var slug: String
        var address: String
        var scope: SuppressionScope
    }

    func readLink(_ token: String) throws -> Result<Link, SignedLink.Failure> {
        let now = clock()
        let key = try stored { () throws(StoreError) in try store.serverSecret("links", at: now) }
        switch SignedLink.open(token, key: key, now: now) {
        case .failure(let failure): return .failure(failure)
        case .success(let fields):
            guard fields.count == 4, fields[0] == "unsubscribe", let workspace = Int64(fields[1]),
                let address = EmailAddress.normalized(fields[2]), let scope = SuppressionScope(rawValue: fields[3]),
                let slug = try? store.workspaceSlug(workspace)
            else { return .failure(.forged) }
            return .success(Link(workspace: workspace, slug: slug, address: address, scope: scope))
        }
    }

    static func respond(_ title: String, _ body: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var response = Response.html(WelcomeController.layout(title).render(body), status: status)
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }

    func stored<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do { return try body() } catch { throw HTTPError(.internalServerError, message: "\(error)") }
    }

    func page(
        _ request: Request, _ session: UserSession, notice: AdminPages.Notice? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let q = request.uri.queryParameters
        var query = EmailPages.LogQuery()
        var problems: [String] = []
        if let text = q.get("kind"), !text.isEmpty {
            if let kind = EmailKind(rawValue: text) { query.kind = kind } else { problems.append("Kind: '\(text)' is not a kind of email") }
        }
        if let text = q.get("status"), !text.isEmpty {
            if let s = EmailStatus(rawValue: text) { query.status = s } else { problems.append("Status: '\(text)' is not a status") }
        }
        query.page = min(1_000_000, max(1, q.get("page").flatMap { Int($0) } ?? 1))
        let workspace = session.user.workspace
        let filter = EmailFilter(kind: query.kind, status: query.status)
        let (list, total, suppressions) = try stored { () throws(StoreError) in
            (try store.emails(workspace: workspace, filter: filter, limit: EmailPages.pageSize, offset: (query.page - 1) * EmailPages.pageSize),
             try store.emailCount(workspace: workspace, filter: filter), try store.suppressions(workspace: workspace))
        }
        let body = EmailPages.admin(
            settings: settings, publicURL: publicURL, log: list, total: total, query: query, suppressions: suppressions,
            csrf: session.csrfToken, notice: notice ?? (problems.isEmpty ? nil : .problems(problems)))
        let layout = PageLayout(title: "Email", active: .admin, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
        return .html(layout.render(body), status: problems.isEmpty ? status : .badRequest)
    }

    func test(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let address = EmailAddress.normalized(form["address"] ?? "") else {
            return try page(request, session, notice: .problems(["To: '\(form["address"] ?? "")' is not an email address"]), status: .unprocessableContent)
        }
        guard settings.isConfigured else {
            return try page(request, session, notice: .problems(["Email is not set up: nothing can be sent (docs/email.md)."]), status: .conflict)
        }
        let now = clock()
        let text = "This is a test email from Vitals, sent by \(session.user.email) from the email admin page.\n\n"
            + "If you can read this, mail from \(settings.from ?? "") through \(settings.host ?? "") works."
        let html = MailBodies.page(title: "Vitals test email", body: "<p>\(MailBodies.escape(text).replacingOccurrences(of: "\n\n", with: "</p><p>"))</p>")
        let workspace = session.user.workspace
        try stored { () throws(StoreError) in
            _ = try store.enqueueEmails(
                [NewEmail(kind: .test, recipient: address, subject: "Vitals test email", text: text, html: html, reference: "test")],
                workspace: workspace, at: now)
        }
        try AuditTrail(store: store).note(workspace, actor: session.user.email, "email.test", target: address, change: "test email queued", at: now)
        return try page(request, session, notice: .done("A test email to \(address) is queued: it is sent within seconds (see the log below)."))
    }

    func suppress(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let address = EmailAddress.normalized(form["address"] ?? "") else {
            return try page(request, session, notice: .problems(["Address: '\(form["address"] ?? "")' is not an email address"]), status: .unprocessableContent)
        }
        guard let scope = SuppressionScope(rawValue: form["scope"] ?? "") else {
            return try page(request, session, notice: .problems(["Scope: choose surveys, reports or all"]), status: .unprocessableContent)
        }
        let now = clock(), workspace = session.user.workspace
        try stored { () throws(StoreError) in
            try store.suppress(Suppression(address: address, scope: scope, reason: .admin, at: now), workspace: workspace)
        }
        try AuditTrail(store: store).note(
            workspace, actor: session.user.email, "email.suppress", target: address, change: "suppressed: \(scope.rawValue)", at: now)
        return try page(request, session, notice: .done("No more \(EmailPages.covers(scope)) go to \(address)."))
    }

    func lift(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let address = form["address"] ?? ""
        guard let scope = SuppressionScope(rawValue: form["scope"] ?? "") else {
            return try page(request, session, notice: .problems(["Scope: choose surveys, reports or all"]), status: .unprocessableContent)
        }
        let workspace = session.user.workspace
        let lifted = try stored { () throws(StoreError) in try store.unsuppress(address: address, scope: scope, workspace: workspace) }
        guard lifted else {
            return try page(request, session, notice: .problems(["\(address) is not suppressed for \(scope.rawValue)."]), status: .notFound)
        }
        try AuditTrail(store: store).note(
            workspace, actor: session.user.email, "email.unsuppress", target: address, change: "suppression lifted: \(scope.rawValue)", at: clock())
        return try page(request, session, notice: .done("\(address) gets \(EmailPages.covers(scope)) again."))
    }

    /// The filters and page of `GET /api/v1/emails`.
    static func apiQuery(_ q: Parameters) throws -> (EmailFilter, Int, Int) {
        var filter = EmailFilter()
        if let text = q.get("kind"), !text.isEmpty {
            guard let kind = EmailKind(rawValue: text) else {
                throw APIError.badRequest("kind: '\(text)' is not one of \(EmailKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.kind = kind
        }
        if let text = q.get("status"), !text.isEmpty {
            guard let status = EmailStatus(rawValue: text) else {
                throw APIError.badRequest("status: '\(text)' is not one of \(EmailStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = q.get(name) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest("\(name): '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        return (filter, try number("limit", 100, 1...1000), try number("offset", 0, 0...1_000_000_000))
    }

    static func json(_ list: [StoredEmail], total: Int, limit: Int, offset: Int) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("total", total)
        json.field("limit", limit)
        json.field("offset", offset)
        json.key("emails")
        json.beginArray()
        for e in list {
            json.beginObject()
            json.field("id", Int(e.id))
            json.field("kind", e.message.kind.rawValue)
            json.field("to", e.message.recipient)
            json.field("subject", e.message.subject)
            json.field("reference", e.message.reference)
            json.field("status", e.status.rawValue)
            json.field("attempts", e.attempts)
            json.field("next_attempt_at", e.nextAttemptAt.isoText)
            json.field("last_error", e.lastError)
            json.field("sent_at", e.sentAt?.isoText)
            json.field("created_at", e.createdAt.isoText)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}
