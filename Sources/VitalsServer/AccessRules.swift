import HTTPTypes
import VitalsCore

/// The one place that decides who may use which route: the permission each route of the routes table needs
/// (docs/security.md, "Roles"). `SessionMiddleware` checks a signed-in person's role against it for pages and forms,
/// `APIKeyMiddleware` a key's scope (or a signed-in person's role) for the API. A route missing here is refused, and a
/// test checks that every route the router holds is here and no other.
enum AccessRules {
    /// What a route needs: a permission, or nothing (public routes, and those with their own authentication).
    enum Need: Equatable, Sendable {
        case open
        case permission(Permission)
    }

    /// The need of `method` on the route template `path` (as the router writes it, `/goals/{id}/edit`); nil for a
    /// route that is not in the table. HEAD is read as GET.
    static func need(_ method: HTTPRequest.Method, _ path: String) -> Need? {
        table[key(method == .head ? .get : method, path)]
    }

    static func key(_ method: HTTPRequest.Method, _ path: String) -> String { "\(method.rawValue) \(path)" }

    /// Every route as `METHOD /path` with its need.
    static let table: [String: Need] = {
        var table: [String: Need] = [:]
        func add(_ need: Need, _ routes: [String]) {
            for route in routes { table[route] = need }
        }
        // Public: health check, the API's description, signing in and out, one-time links; vendors' webhooks and
        // tracking (each checks its own signature or write key).
        add(.open, [
            "GET /healthz", "GET /api/v1/openapi.json", "GET /login", "POST /login", "POST /logout",
            "GET /welcome/{token}", "POST /welcome/{token}", "GET /unsubscribe/{token}", "POST /unsubscribe/{token}",
            "GET /s/{token}", "POST /s/{token}",
            "POST /webhooks/stripe/{workspace}", "POST /v1/batch", "POST /v1/track", "POST /v1/identify", "POST /v1/group",
            "POST /v1/page", "POST /v1/screen", "POST /v1/alias", "POST /capture", "POST /batch",
        ])
        // Dashboard pages and forms.
        add(.permission(.read), [
            "GET /", "GET /kpis/{kpi}", "GET /revenue", "GET /accounts", "GET /accounts/{id}", "GET /goals", "GET /health",
            "GET /support", "GET /renewals",
        ])
        add(.permission(.work), [
            "POST /health/tasks/{id}/close", "POST /health/tasks/{id}/snooze", "POST /health/tasks/{id}/reassign",
            "POST /health/alerts/{id}/acknowledge", "POST /health/alerts/{id}/snooze",
            "POST /goals/targets/{id}/reviews", "POST /accounts/{id}/activities", "POST /renewals/forecast",
            "POST /segments", "POST /segments/delete", "POST /accounts/{id}/surveys",
        ])
        add(.permission(.goals), [
            "GET /goals/new", "POST /goals/new", "GET /goals/{id}/edit", "POST /goals/{id}/edit", "POST /goals/{id}/archive",
            "POST /goals/{id}/restore",
        ])
        add(.permission(.admin), [
            "GET /admin", "GET /admin/users", "POST /admin/users", "POST /admin/users/role", "POST /admin/users/csm", "POST /admin/users/disable",
            "POST /admin/users/enable", "POST /admin/users/reset", "GET /admin/keys", "POST /admin/keys", "POST /admin/keys/revoke",
            "GET /admin/audit", "GET /admin/email", "POST /admin/email/test", "POST /admin/email/suppressions",
            "POST /admin/email/suppressions/lift",
            "GET /admin/settings", "POST /admin/settings", "POST /admin/settings/reset", "GET /admin/health", "POST /admin/health",
            "POST /admin/health/reset", "GET /admin/alerts", "POST /admin/alerts", "POST /admin/alerts/delete",
            "POST /admin/alerts/reset", "GET /admin/playbooks", "POST /admin/playbooks", "POST /admin/playbooks/delete",
            "POST /admin/playbooks/reset",
            "GET /admin/surveys", "POST /admin/surveys",
        ])
        // The API.
        add(.permission(.read), [
            "GET /api/v1/kpis", "GET /api/v1/accounts", "GET /api/v1/accounts/{id}", "GET /api/v1/lifetime",
            "GET /api/v1/goals", "GET /api/v1/goals/{id}", "GET /api/v1/goals/{id}/history", "GET /api/v1/reviews/due",
            "GET /api/v1/targets/{id}/reviews", "GET /api/v1/accounts/{id}/health", "GET /api/v1/health",
            "GET /api/v1/revenue-at-risk", "GET /api/v1/alerts", "GET /api/v1/tasks", "GET /api/v1/digests",
            "GET /api/v1/renewals", "GET /api/v1/renewals/forecast",
        ])
        // Activities are the CS team's own log: logged by whoever works accounts, as on the account page.
        add(.permission(.work), [
            "POST /api/v1/targets/{id}/reviews", "PATCH /api/v1/tasks/{id}", "PATCH /api/v1/alerts/{id}", "POST /api/v1/activities",
            "DELETE /api/v1/activities/{id}", "PUT /api/v1/renewals/forecast", "POST /api/v1/survey_invitations",
        ])
        add(.permission(.goals), ["POST /api/v1/goals", "PUT /api/v1/goals/{id}", "DELETE /api/v1/goals/{id}"])
        add(.permission(.admin), ["GET /api/v1/audit", "GET /api/v1/emails"])
        // Records in and out: every kind's POST and DELETE (by id or by its key fields), from the kinds' descriptions.
        var ingest = ["POST /api/v1/{kind}", "DELETE /api/v1/{kind}", "DELETE /api/v1/{kind}/{id}"]
        for kind in RecordKind.all where kind.id != .activities {
            if kind.id != .surveyInvitations { ingest.append("POST /api/v1/\(kind.name)") }
            switch kind.key {
            case .id: ingest.append("DELETE /api/v1/\(kind.name)/{id}")
            case .fields: ingest.append("DELETE /api/v1/\(kind.name)")
            }
        }
        add(.permission(.ingest), ingest)
        return table
    }()
}
