import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
@testable import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Roles and key scopes, route by route: every route the router holds has an access rule, and each role and each
/// key scope is let through (or answered 403) as docs/security.md says. The expectations are written out here, not
/// read from `AccessRules`.
@Suite struct RoleAccessTests {
    /// Routes only admins (and admin keys) reach, besides the admin pages and the audit log.
    static let goalEditing: Set<String> = [
        "GET /goals/new", "POST /goals/new", "GET /goals/{id}/edit", "POST /goals/{id}/edit", "POST /goals/{id}/archive",
        "POST /goals/{id}/restore", "POST /api/v1/goals", "PUT /api/v1/goals/{id}", "DELETE /api/v1/goals/{id}",
    ]
    /// Working the book: CSMs, admins, ingest and admin keys.
    static let work: Set<String> = [
        "POST /health/tasks/{id}/close", "POST /health/tasks/{id}/snooze", "POST /health/tasks/{id}/reassign",
        "POST /health/alerts/{id}/acknowledge", "POST /health/alerts/{id}/snooze", "PATCH /api/v1/alerts/{id}",
        "POST /goals/targets/{id}/reviews", "POST /accounts/{id}/activities", "POST /api/v1/targets/{id}/reviews",
        "PATCH /api/v1/tasks/{id}", "POST /api/v1/activities", "DELETE /api/v1/activities/{id}", "POST /renewals/forecast",
        "PUT /api/v1/renewals/forecast", "POST /segments", "POST /segments/delete", "POST /accounts/{id}/surveys",
        "POST /api/v1/survey_invitations",
    ]

    static func adminOnly(_ route: String) -> Bool {
        route.contains(" /admin") || route == "GET /api/v1/audit" || route == "GET /api/v1/emails" || goalEditing.contains(route)
    }

    /// Whether a person of `role` may use `route` (`METHOD /path`).
    static func expected(_ route: String, role: Role) -> Bool {
        switch role {
        case .admin: true
        case .csm: !adminOnly(route) && (route.hasPrefix("GET ") || work.contains(route))
        case .viewer: !adminOnly(route) && route.hasPrefix("GET ")
        }
    }

    /// Whether a key of `scope` may use the API route `route`.
    static func expected(_ route: String, scope: APIScope) -> Bool {
        switch scope {
        case .admin: true
        case .read: route.hasPrefix("GET ") && !adminOnly(route)
        // Writes of records (POST and DELETE under /api/v1 other than goals and reviews) and the work routes.
        case .ingest:
            work.contains(route)
                || (!adminOnly(route) && !route.hasPrefix("GET ") && !route.contains("/reviews") && route.contains("/api/v1/"))
        }
    }

    static func routes() -> [String] {
        let f = try! APIFixture()
        return buildRouter(configuration: .init(port: 0), store: f.store, settings: ReportSettings()).routes
            .map { "\($0.method.rawValue) \($0.path)" }.sorted()
    }

    @Test func everyRouteOfTheRouterHasAnAccessRuleAndNoRuleIsStale() {
        let routes = Set(Self.routes())
        #expect(routes.subtracting(AccessRules.table.keys).sorted() == [])
        #expect(Set(AccessRules.table.keys).subtracting(routes).sorted() == [])
        // The dashboard's eight pages, the work and goal-editing routes, and 27 record routes at least are there.
        #expect(routes.isSuperset(of: Self.work) && routes.isSuperset(of: Self.goalEditing))
    }

    /// A concrete path for a route template: each `{parameter}` becomes a value that names nothing stored.
    static func path(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { part in
            switch part {
            case "{kpi}": "mrr"
            case "{kind}": "nonsense"
            case "{workspace}": "a"
            default: part.hasPrefix("{") ? "999" : String(part)
            }
        }.joined(separator: "/")
    }

    @Test func eachRoleIsLetThroughOrRefusedRouteByRoute() async throws {
        let f = try APIFixture()
        let now = Date()
        var cookies: [Role: (cookie: String, csrf: String)] = [:]
        for role in Role.allCases {
            let id = try f.store.createUser(
                workspace: f.a, email: "\(role.rawValue)@a.example", name: role.rawValue, passwordHash: "x", role: role, actor: "test", at: now)
            let token = try f.store.createSession(user: id, at: now, lifetime: 3600)
            let csrf = try #require(try f.store.session(token: token, at: now)).csrfToken
            cookies[role] = ("vitals_session=\(token)", csrf)
        }
        let sessions = cookies
        let guarded = Self.routes().filter { route in
            guard case .permission = AccessRules.need(HTTPRequest.Method(String(route.split(separator: " ")[0]))!, String(route.split(separator: " ")[1])) else { return false }
            return true
        }
        #expect(guarded.count > 60)
        try await f.app().test(.router) { client in
            for route in guarded {
                let parts = route.split(separator: " ")
                let method = HTTPRequest.Method(String(parts[0]))!
                let uri = Self.path(String(parts[1]))
                let api = uri.hasPrefix("/api/v1/")
                for role in Role.allCases {
                    let (cookie, csrf) = sessions[role]!
                    var fields: HTTPFields = [.cookie: cookie, .contentType: api ? "application/json" : "application/x-www-form-urlencoded"]
                    fields[HTTPField.Name("X-CSRF-Token")!] = csrf
                    let body = api ? "{}" : "csrf=\(csrf)&note=n&definition=%7B%7D"
                    let (status, text) = try await client.execute(uri: uri, method: method, headers: fields, body: ByteBuffer(string: body)) {
                        ($0.status, String(buffer: $0.body))
                    }
                    let refused = status == .forbidden
                    #expect(refused != Self.expected(route, role: role), "\(role.rawValue) \(route): \(status.code)")
                    if refused && !api { #expect(text.contains("Your role can't do this"), "\(route)") }
                }
                guard api else { continue }
                for (scope, key) in [(APIScope.read, f.readA), (.ingest, f.ingestA), (.admin, f.adminA)] {
                    let status = try await client.execute(uri: uri, method: method, headers: headers(key), body: ByteBuffer(string: "{}")) { $0.status }
                    #expect((status == .forbidden) != Self.expected(route, scope: scope), "\(scope.rawValue) key \(route): \(status.code)")
                }
            }
        }
    }

    @Test func aSignedInWriteToTheAPINeedsTheSessionsCSRFToken() async throws {
        let f = try APIFixture()
        let now = Date()
        let id = try f.store.createUser(workspace: f.a, email: "c@a.example", name: "C", passwordHash: "x", role: .csm, actor: "test", at: now)
        let token = try f.store.createSession(user: id, at: now, lifetime: 3600)
        try await f.app().test(.router) { client in
            // Reading with the cookie alone works; a write without the header is refused before it is tried.
            try await client.execute(uri: "/api/v1/tasks", method: .get, headers: [.cookie: "vitals_session=\(token)"]) {
                #expect($0.status == .ok)
            }
            try await client.execute(
                uri: "/api/v1/tasks/1", method: .patch, headers: [.cookie: "vitals_session=\(token)"], body: ByteBuffer(string: "{}")
            ) { #expect($0.status == .forbidden) }
        }
    }

    @Test func theRoleTableSaysWhatEachRoleMayDo() {
        #expect(Role.viewer.permissions == [.read])
        #expect(Role.csm.permissions == [.read, .work])
        #expect(Role.admin.permissions == [.read, .work, .ingest, .goals, .admin])
        #expect(APIScope.read.permissions == [.read])
        #expect(APIScope.ingest.permissions == [.ingest, .work])
        #expect(APIScope.admin.permissions == Role.admin.permissions)
        #expect(Role.parse(" CSM ") == .success(.csm))
        #expect(Role.parse("owner").map(\.rawValue) == .failure(RoleError(text: "owner")))
    }
}
