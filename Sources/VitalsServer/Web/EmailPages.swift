import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

/// The views of the email admin page and of the unsubscribe page (docs/email.md).
enum EmailPages {
    static let pageSize = 50

    /// The delivery log's filters and page, as read from the query.
    struct LogQuery {
        var kind: EmailKind?
        var status: EmailStatus?
        var page = 1
    }

    /// `/admin/email`: the settings in force, the test form, the delivery log and the suppression list.
    static func admin(
        settings: EmailSettings, publicURL: String, log: [StoredEmail], total: Int, query: LogQuery, suppressions: [Suppression],
        csrf: String, notice: AdminPages.Notice?
    ) -> HTML {
        let hidden = AdminPages.hidden(csrf)
        let state: HTML
        if settings.isConfigured {
            state = "<p class=\"notice\" role=\"status\" data-email-state=\"on\">Email is set up: mail is sent through \(settings.host ?? ""):\(settings.effectivePort).</p>"
        } else {
            state = """
                <div class="error" role="alert" data-email-state="off"><p><strong>Email is not set up</strong>: nothing is sent, and queued \
                emails wait. Give the SMTP server in the [email] section of vitals.toml or with VITALS_SMTP_HOST and VITALS_MAIL_FROM, \
                then restart (docs/email.md).</p></div>
                """
        }
        func row(_ name: String, _ value: String) -> HTML { "<tr><th scope=\"row\">\(name)</th><td>\(value)</td></tr>" }
        let rows: [HTML] = [
            row("SMTP host", settings.host ?? "(not set)"), row("Port", String(settings.effectivePort)),
            row("Security", settings.security.rawValue), row("User", settings.user ?? "(none)"),
            row("Password", settings.password == nil ? "not set" : "set"), row("From", settings.from ?? "(not set)"),
            row("From name", settings.fromName), row("Links start with", publicURL),
            row("Digests to", settings.digestTo.isEmpty ? "no one" : settings.digestTo.joined(separator: ", ")),
            row("Alerts to", settings.alertsTo.description), row("Monthly report to", settings.reportTo.description),
            row("Certificate checks", settings.verifyCertificates ? "on" : "off (test server only)"),
        ]
        let kept: [(String, String?)] = [("kind", query.kind?.rawValue), ("status", query.status?.rawValue)].filter { $0.1 != nil }
        let table = DataTable(
            name: "emails", caption: "\(Display.integer(total)) \(total == 1 ? "email" : "emails"), newest first",
            columns: [
                .init(title: "To"), .init(title: "Subject", wraps: true), .init(title: "Kind"), .init(title: "Status"),
                .init(title: "Attempts", numeric: true), .init(title: "Last error", wraps: true), .init(title: "Sent at"),
            ],
            rows: log.map { e in
                [
                    .init(text: e.message.recipient, data: [("email", String(e.id))]), .init(text: e.message.subject),
                    .init(text: e.message.kind.rawValue), .init(text: e.status.rawValue, data: [("status", e.status.rawValue)]),
                    .init(text: Display.integer(e.attempts), raw: String(e.attempts)), .init(text: e.lastError ?? ""),
                    .init(text: e.sentAt.map { AdminPages.when(Date(timeIntervalSince1970: TimeInterval($0.seconds))) } ?? "-"),
                ]
            },
            emptyText: kept.isEmpty ? "No email has been queued yet." : "No email matches these filters.")
        let pageCount = max(1, (total + pageSize - 1) / pageSize)
        let pager = DataTable.pager(page: min(query.page, pageCount), pageCount: pageCount) { p in
            "/admin/email?" + URLQuery.encode(kept + [("page", String(p))])
        }
        func options<T: RawRepresentable & CaseIterable>(_ all: T.AllCases, _ selected: T?, _ any: String) -> HTML where T.RawValue == String {
            HTML.joined(["<option value=\"\">\(any)</option>"] + all.map { c -> HTML in
                c.rawValue == selected?.rawValue ? "<option value=\"\(c.rawValue)\" selected>\(c.rawValue)</option>" : "<option value=\"\(c.rawValue)\">\(c.rawValue)</option>"
            })
        }
        let suppressionRows = suppressions.map { s -> HTML in
            """
            <tr data-suppressed="\(s.address)"><td>\(s.address)</td><td>\(s.scope.rawValue)</td><td>\(s.reason.rawValue)</td>\
            <td>\(AdminPages.when(Date(timeIntervalSince1970: TimeInterval(s.at.seconds))))</td>\
            <td><form method="post" action="/admin/email/suppressions/lift" class="inline">\(hidden)\
            <input type="hidden" name="address" value="\(s.address)"><input type="hidden" name="scope" value="\(s.scope.rawValue)">\
            <button type="submit">Lift</button></form></td></tr>
            """
        }
        let scopes = HTML.joined(SuppressionScope.allCases.map { s -> HTML in "<option value=\"\(s.rawValue)\">\(s.rawValue)</option>" })
        return """
            <h1>Admin</h1>\(AdminPages.tabs(.email))\(notice?.html)\(state)
            <h2>Settings in force</h2><div class="card"><table data-table="email-settings">\(rows)</table></div>
            <h2>Send a test email</h2>
            <form method="post" action="/admin/email/test" class="filters" id="test-email">\(hidden)\
            <label>To<input name="address" type="email" required autocomplete="off"></label><button type="submit">Send a test email</button></form>
            <p class="muted">A test email is queued and sent within seconds; its row below says whether the server took it.</p>
            <h2>Delivery log</h2>
            <form method="get" action="/admin/email" class="filters"><label>Kind<select name="kind">\(options(EmailKind.allCases, query.kind, "any"))</select></label>\
            <label>Status<select name="status">\(options(EmailStatus.allCases, query.status, "any"))</select></label><button type="submit">Apply</button></form>
            <div class="wide">\(table.html(downloadQuery: "", path: "/admin/email", downloadable: false))</div>\(pager)
            <h2>Suppressed addresses</h2><div class="card"><table data-table="suppressions"><caption class="muted" style="text-align:left">\
            \(Display.integer(suppressions.count)) suppressed: no email of the scope is sent to them (surveys: invitations; reports: \
            alerts, digests and reports; all: both).</caption>\
            <thead><tr><th scope="col">Address</th><th scope="col">Scope</th><th scope="col">Why</th><th scope="col">Since</th>\
            <th scope="col">Actions</th></tr></thead><tbody>\(suppressionRows)</tbody></table></div>
            <form method="post" action="/admin/email/suppressions" class="filters" id="suppress">\(hidden)\
            <label>Address<input name="address" type="email" required autocomplete="off"></label>\
            <label>Scope<select name="scope">\(scopes)</select></label><button type="submit">Suppress</button></form>
            """
    }

    /// What an unsubscribe stops, in words.
    static func covers(_ scope: SuppressionScope) -> String {
        switch scope {
        case .surveys: "survey invitations"
        case .reports: "alerts, digests and reports"
        case .all: "every email from Vitals"
        }
    }

    static func unsubscribeForm(token: String, address: String, scope: SuppressionScope, workspace: String) -> HTML {
        """
        <div class="login"><h1>Unsubscribe</h1><p>Stop \(covers(scope)) to <strong>\(address)</strong> from workspace \(workspace)?</p>\
        <form method="post" action="/unsubscribe/\(token)"><button type="submit">Unsubscribe</button></form></div>
        """
    }

    static func unsubscribed(address: String, scope: SuppressionScope) -> HTML {
        """
        <div class="login" data-unsubscribed><h1>You are unsubscribed</h1><p>No more \(covers(scope)) go to <strong>\(address)</strong>. \
        An admin of the workspace can undo this.</p></div>
        """
    }

    static func badLink(_ failure: SignedLink.Failure) -> HTML {
        let why: String
        switch failure {
        case .forged: why = "This unsubscribe link is not valid: it may have been cut or changed. Use the link of a recent email."
        case .expired(let at): why = "This unsubscribe link expired on \(at.date). Use the link of a recent email."
        }
        return "<div class=\"login\" data-bad-link><h1>This link does not work</h1><p>\(why)</p><p>Nothing was changed.</p></div>"
    }
}
