import Foundation
import VitalsCore
import VitalsStore

/// The views of the admin pages: people, API keys, the audit log (docs/security.md, "Admin pages").
enum AdminPages {
    static let auditPageSize = 50

    /// What a page says after a form: done, what was wrong (each problem naming its field), or a secret to copy once.
    enum Notice {
        case done(String)
        case problems([String])
        case link(String, String)

        var html: HTML {
            switch self {
            case .done(let text): "<p class=\"notice\" role=\"status\">\(text)</p>"
            case .problems(let list):
                "<div class=\"error\" role=\"alert\"><ul class=\"plain\">\(list.map { p -> HTML in "<li>\(p)</li>" })</ul></div>"
            case .link(let text, let secret):
                "<div class=\"notice\" role=\"status\"><p>\(text)</p><p class=\"secret\" data-secret>\(secret)</p></div>"
            }
        }
    }

    enum Tab: String, CaseIterable {
        case users, keys, settings, health, alerts, playbooks, surveys, email, audit
        var title: String {
            switch self {
            case .users: "People"
            case .keys: "API keys"
            case .settings: "Workspace settings"
            case .health: "Health model"
            case .alerts: "Alert rules"
            case .playbooks: "Playbooks"
            case .email: "Email"
            case .audit: "Audit log"
            case .surveys: "Surveys"
            }
        }
    }

    static func tabs(_ active: Tab) -> HTML {
        let links = Tab.allCases.map { t -> HTML in
            t == active ? "<a href=\"/admin/\(t.rawValue)\" aria-current=\"page\">\(t.title)</a>" : "<a href=\"/admin/\(t.rawValue)\">\(t.title)</a>"
        }
        return "<nav class=\"tabs\" aria-label=\"Admin\">\(links)</nav>"
    }

    /// `2026-12-07 23:09 UTC`.
    static func when(_ date: Date?) -> String {
        guard let date else { return "never" }
        let t = Timestamp(seconds: Int64(date.timeIntervalSince1970))
        let day = (t.seconds % 86_400 + 86_400) % 86_400
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(t.date) \(pad(day / 3600)):\(pad(day / 60 % 60)) UTC"
    }

    static func hidden(_ csrf: String) -> HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">" }

    /// What is wrong with `email` as a person's email, or nil.
    static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(where: \.isWhitespace) else {
            return "'\(email)' is not an email address"
        }
        return email.count > 254 ? "at most 254 characters" : nil
    }

    static func roleOptions(_ selected: Role?) -> HTML {
        HTML.joined(Role.allCases.map { r -> HTML in
            r == selected ? "<option value=\"\(r.rawValue)\" selected>\(r.rawValue)</option>" : "<option value=\"\(r.rawValue)\">\(r.rawValue)</option>"
        })
    }

    static func users(_ users: [UserListing], me: String, csrf: String, notice: Notice?) -> HTML {
        let rows = users.map { u -> HTML in
            let status: HTML = u.disabledAt != nil ? "<span class=\"status red\">disabled</span>"
                : u.pending ? "<span class=\"status yellow\">invited</span>" : "<span class=\"status green\">active</span>"
            let email: HTML = "<input type=\"hidden\" name=\"email\" value=\"\(u.email)\">"
            let role: HTML = """
                <form method="post" action="/admin/users/role" class="inline">\(hidden(csrf))\(email)\
                <select name="role" aria-label="Role of \(u.email)">\(roleOptions(u.role))</select><button type="submit">Set</button></form>
                """
            let csm: HTML = """
                <form method="post" action="/admin/users/csm" class="inline">\(hidden(csrf))\(email)\
                <input name="csm" value="\(u.csm ?? "")" size="10" maxlength="200" placeholder="(none)" aria-label="CSM name of \(u.email)">\
                <button type="submit">Set</button></form>
                """
            let toggle: HTML = u.disabledAt == nil
                ? "<form method=\"post\" action=\"/admin/users/disable\" class=\"inline\">\(hidden(csrf))\(email)<button type=\"submit\">Disable</button></form>"
                : "<form method=\"post\" action=\"/admin/users/enable\" class=\"inline\">\(hidden(csrf))\(email)<button type=\"submit\">Enable</button></form>"
            let reset: HTML = u.disabledAt == nil
                ? "<form method=\"post\" action=\"/admin/users/reset\" class=\"inline\">\(hidden(csrf))\(email)<button type=\"submit\">\(u.pending ? "New invitation link" : "Reset password")</button></form>"
                : ""
            let you: HTML = u.email == me ? " <span class=\"muted\">(you)</span>" : ""
            return """
                <tr data-email="\(u.email)"><td>\(u.email)\(you)</td><td>\(u.name)</td><td>\(role)</td><td>\(csm)</td><td>\(status)</td>\
                <td>\(u.pending ? "-" : when(u.lastSignIn))</td><td>\(toggle)\(reset)</td></tr>
                """
        }
        return """
            <h1>Admin</h1>\(tabs(.users))\(notice?.html)
            <h2>People</h2><div class="card"><table data-table="users"><caption class="muted" style="text-align:left">\
            \(users.count) \(users.count == 1 ? "person" : "people") in this workspace. Viewers read; CSMs also work tasks and reviews; \
            admins do everything.</caption>\
            <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col" title="The name in accounts.csv's csm column and tasks' owner: their pages open on these accounts and tasks">CSM name</th><th scope="col">Status</th>\
            <th scope="col">Last sign-in</th><th scope="col">Actions</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <h2>Invite someone</h2>
            <form method="post" action="/admin/users" class="filters" id="invite">\(hidden(csrf))\
            <label>Email<input name="email" type="email" required autocomplete="off"></label>\
            <label>Name<input name="name" required maxlength="200"></label>\
            <label>Role<select name="role">\(roleOptions(.viewer))</select></label>\
            <button type="submit">Invite</button></form>
            <p class="muted">An invitation is a link that works once, for 7 days, with which the person chooses their password. \
            It is shown here once; only its hash is kept.</p>
            """
    }

    static func keys(_ keys: [StoredKey], csrf: String, notice: Notice?) -> HTML {
        let rows = keys.map { k -> HTML in
            let state: HTML = k.revokedAt.map { "<span class=\"status red\">revoked \(when($0))</span>" } ?? "<span class=\"status green\">live</span>"
            let revoke: HTML = k.revokedAt == nil
                ? "<form method=\"post\" action=\"/admin/keys/revoke\" class=\"inline\">\(hidden(csrf))<input type=\"hidden\" name=\"prefix\" value=\"\(k.prefix)\"><button type=\"submit\">Revoke</button></form>"
                : ""
            return """
                <tr data-prefix="\(k.prefix)"><td><code>vk_\(k.prefix)</code></td><td>\(k.scope.rawValue)</td><td>\(when(k.createdAt))</td>\
                <td>\(when(k.lastUsed))</td><td>\(state)</td><td>\(revoke)</td></tr>
                """
        }
        let scopes = HTML.joined(APIScope.allCases.map { s -> HTML in "<option value=\"\(s.rawValue)\">\(s.rawValue)</option>" })
        return """
            <h1>Admin</h1>\(tabs(.keys))\(notice?.html)
            <h2>API keys</h2><div class="card"><table data-table="keys"><caption class="muted" style="text-align:left">\
            \(keys.count) \(keys.count == 1 ? "key" : "keys"), newest first. Last use is noted to the minute.</caption>\
            <thead><tr><th scope="col">Prefix</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last use</th>\
            <th scope="col">State</th><th scope="col">Actions</th></tr></thead><tbody>\(rows)</tbody></table>\
            \(keys.isEmpty ? "<p class=\"muted\">No keys yet.</p>" as HTML : "")</div>
            <h2>Create a key</h2>
            <form method="post" action="/admin/keys" class="filters">\(hidden(csrf))\
            <label>Scope<select name="scope">\(scopes)</select></label><button type="submit">Create key</button></form>
            <p class="muted">read: reports and lists; ingest: write records and close tasks; admin: everything, and each use is \
            noted in the audit log. A revoked key is refused from its next request.</p>
            """
    }

    static func audit(_ log: AuditPage, filters: [String: String], page: Int, problem: String?) -> HTML {
        let table = DataTable(
            name: "audit", caption: "\(Display.integer(log.total)) \(log.total == 1 ? "entry" : "entries"), newest first",
            columns: [.init(title: "When"), .init(title: "Who"), .init(title: "Action"), .init(title: "Target"), .init(title: "What changed")],
            rows: log.entries.map { e in
                [.init(text: when(e.at)), .init(text: e.event.actor), .init(text: e.event.action), .init(text: e.event.target),
                 .init(text: e.event.change)]
            })
        let pageCount = max(1, (log.total + auditPageSize - 1) / auditPageSize)
        let kept = filters.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, Optional($0.value)) }
        let pager = DataTable.pager(page: min(page, pageCount), pageCount: pageCount) { p in
            "/admin/audit?" + URLQuery.encode(kept + [("page", String(p))])
        }
        func field(_ name: String, _ label: String, _ placeholder: String) -> HTML {
            "<label>\(label)<input name=\"\(name)\" value=\"\(filters[name] ?? "")\" placeholder=\"\(placeholder)\"></label>"
        }
        let error: HTML = problem.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        return """
            <h1>Admin</h1>\(tabs(.audit))\(error)
            <form method="get" action="/admin/audit" class="filters">\(field("actor", "Who", "ana@example.com"))\
            \(field("action", "Action", "user. or goal.edit"))\(field("since", "Since", "2026-12-01"))<button type="submit">Apply</button></form>
            <div class="wide">\(table.html(downloadQuery: "", path: "/admin/audit", downloadable: false))</div>\(pager)
            """
    }
}
