import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The admin pages, driven through their forms: invite, the one-time link, roles, disabling, keys and the audit page.
@Suite struct AdminPagesTests {
    /// An admin of workspace a, signed in: the cookie header and the session's CSRF token.
    static func admin(_ f: APIFixture) throws -> (cookie: String, csrf: String) {
        let now = Date()
        let id = try f.store.createUser(workspace: f.a, email: "root@a.example", name: "Root", passwordHash: "x", role: .admin, actor: "cli", at: now)
        let token = try f.store.createSession(user: id, at: now, lifetime: 3600)
        return ("vitals_session=\(token)", try #require(try f.store.session(token: token, at: now)).csrfToken)
    }

    static func post(
        _ client: some TestClientProtocol, _ uri: String, cookie: String, _ body: String
    ) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
        ) { ($0.status, String(buffer: $0.body), $0.headers) }
    }

    /// The secret a page shows once (`<p class="secret" data-secret>...</p>`).
    static func secret(_ page: String) throws -> String {
        let start = try #require(page.range(of: "data-secret>"))
        let end = try #require(page[start.upperBound...].range(of: "</p>"))
        return String(page[start.upperBound..<end.lowerBound])
    }

    @Test func anInviteeSetsAPasswordThroughTheLinkAndSignsInAsAViewerWhoCannotReachAdmin() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try Self.admin(f)
        try await f.app().test(.router) { client in
            // A bad invitation names each field.
            let (bad, badPage, _) = try await Self.post(client, "/admin/users", cookie: cookie, "csrf=\(csrf)&email=nope&name=&role=owner")
            #expect(bad == .unprocessableContent)
            #expect(badPage.contains("Email: &#39;nope&#39; is not an email address") && badPage.contains("Name: ") && badPage.contains("Role: "))
            let (status, page, _) = try await Self.post(
                client, "/admin/users", cookie: cookie, "csrf=\(csrf)&email=Vi%40a.example&name=Vi+Ewer&role=viewer")
            #expect(status == .ok)
            let link = try Self.secret(page)
            #expect(link.hasPrefix("http://") && link.contains("/welcome/"))
            let path = String(link[try #require(link.range(of: "/welcome/")).lowerBound...])
            // Root and Vi: two rows, Vi invited.
            #expect(page.components(separatedBy: "<tr data-email=").count - 1 == 2)
            #expect(page.contains("<tr data-email=\"vi@a.example\">") && page.contains("status yellow\">invited"))
            // The link's form, with its CSRF cookie.
            let formCSRF = try await client.execute(uri: path, method: .get) { response -> String in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Welcome to Vitals, Vi Ewer"))
                let cookie = try #require(response.headers[.setCookie])
                return String(try #require(cookie.split(separator: ";").first?.split(separator: "=").last))
            }
            let headers: HTTPFields = [.cookie: "vitals_welcome_csrf=\(formCSRF)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(
                uri: path, method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(formCSRF)&password=short&confirm=short")
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("Password: a password needs at least 10 characters"))
            }
            let password = "correct horse battery"
            let fields = "csrf=\(formCSRF)&password=correct+horse+battery&confirm=correct+horse+battery"
            try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: fields)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Your password is set"))
            }
            // Used: the link works no more.
            try await client.execute(uri: path, method: .get) { #expect($0.status == .notFound) }
            let viewer = try #require(try await DashboardTests.signIn(client, email: "vi@a.example", password: password))
            let (home, homePage) = try await DashboardTests.get(client, "/", cookie: viewer)
            #expect(home == .ok && !homePage.contains("href=\"/admin\""))
            let (adminStatus, adminPage) = try await DashboardTests.get(client, "/admin/users", cookie: viewer)
            #expect(adminStatus == .forbidden && adminPage.contains("Your role can't do this"))
            // The admin sees the Admin entry; disabling Vi ends her session at once.
            let (_, rootHome) = try await DashboardTests.get(client, "/", cookie: cookie)
            #expect(rootHome.contains("<a href=\"/admin\">Admin</a>"))
            let (disabled, _, _) = try await Self.post(client, "/admin/users/disable", cookie: cookie, "csrf=\(csrf)&email=vi%40a.example")
            #expect(disabled == .ok)
            let (after, _) = try await DashboardTests.get(client, "/", cookie: viewer)
            #expect(after == .found)
            // The last admin can neither be demoted nor disabled.
            let (demote, demotePage, _) = try await Self.post(
                client, "/admin/users/role", cookie: cookie, "csrf=\(csrf)&email=root%40a.example&role=viewer")
            #expect(demote == .conflict && demotePage.contains("last admin"))
            // A form without the session's CSRF token is refused.
            let (forged, _, _) = try await Self.post(client, "/admin/users/role", cookie: cookie, "csrf=x&email=vi%40a.example&role=admin")
            #expect(forged == .forbidden)
        }
        // user.create, user.invite_link, user.password (Vi, through the link), user.disable; the refused changes left nothing.
        let log = try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "user."))
        #expect(log.entries.map(\.event.action) == ["user.disable", "user.password", "user.invite_link", "user.create", "user.create"])
        #expect(log.entries[1].event.actor == "vi@a.example" && log.entries[0].event.actor == "root@a.example")
    }

    @Test func aKeyMadeOnThePageWorksUntilItIsRevokedThenIsRefusedAtOnce() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try Self.admin(f)
        try await f.app().test(.router) { client in
            let (status, page, _) = try await Self.post(client, "/admin/keys", cookie: cookie, "csrf=\(csrf)&scope=read")
            #expect(status == .ok)
            let key = try Self.secret(page)
            #expect(key.hasPrefix("vk_") && key.count == 3 + 12 + 1 + 48)
            let prefix = String(key.dropFirst(3).prefix(12))
            // The fixture's 3 keys of workspace a and this one.
            #expect(page.components(separatedBy: "<tr data-prefix=").count - 1 == 4)
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(key)) { #expect($0.status == .ok) }
            let (listed, keysPage) = try await DashboardTests.get(client, "/admin/keys", cookie: cookie)
            #expect(listed == .ok && !keysPage.contains(key))
            let (revoked, _, _) = try await Self.post(client, "/admin/keys/revoke", cookie: cookie, "csrf=\(csrf)&prefix=\(prefix)")
            #expect(revoked == .ok)
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(key)) { #expect($0.status == .unauthorized) }
            // The audit page lists the creation and the revocation, newest first, with the total.
            let (auditStatus, audit) = try await DashboardTests.get(client, "/admin/audit?action=key.&actor=root%40a.example", cookie: cookie)
            #expect(auditStatus == .ok)
            #expect(audit.contains("2 entries, newest first"))
            let revokeRow = try #require(audit.range(of: "key.revoke"))
            let createRow = try #require(audit.range(of: "key.create"))
            #expect(revokeRow.lowerBound < createRow.lowerBound)
            let (badSince, _) = try await DashboardTests.get(client, "/admin/audit?since=soon", cookie: cookie)
            #expect(badSince == .badRequest)
        }
    }
}
