import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsFormats
import VitalsStore

/// The email admin page, `GET /api/v1/emails` and the unsubscribe page, through the router.
@Suite struct EmailPagesTests {
    @Test func theAdminPageSaysEmailIsNotSetUpAndListsTheLogAndSuppressions() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try AdminPagesTests.admin(f)
        let now = Timestamp.now
        _ = try f.store.enqueueEmails(
            [NewEmail(kind: .digest, recipient: "ana@example.com", subject: "Digest", text: "t", html: "h", reference: "digest:1"),
             NewEmail(kind: .alert, recipient: "bo@example.com", subject: "Alert", text: "t", html: "h")], workspace: f.a, at: now)
        try await f.app().test(.router) { client in
            let page = try await client.execute(uri: "/admin/email", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(page.contains("data-email-state=\"off\"") && page.contains("Email is not set up"))
            #expect(page.contains("2 emails, newest first"))
            #expect(page.contains("<td>Password</td>") == false && page.contains("not set"))
            // Filtered by kind: one row.
            let digests = try await client.execute(uri: "/admin/email?kind=digest", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(digests.contains("1 email, newest first") && digests.contains("ana@example.com") && !digests.contains("bo@example.com"))
            // A test email cannot be sent without settings; a suppression is added, listed and audited.
            let (refused, _, _) = try await AdminPagesTests.post(client, "/admin/email/test", cookie: cookie, "csrf=\(csrf)&address=x%40example.com")
            #expect(refused == .conflict)
            let (status, added, _) = try await AdminPagesTests.post(
                client, "/admin/email/suppressions", cookie: cookie, "csrf=\(csrf)&address=Bo%40example.com&scope=reports")
            #expect(status == .ok && added.contains("<tr data-suppressed=\"bo@example.com\">"))
            #expect(try f.store.emailCount(workspace: f.a, filter: EmailFilter(status: .suppressed)) == 1)
            #expect(try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "email.suppress")).total == 1)
            // The API: admin scope, with the total.
            try await client.execute(uri: "/api/v1/emails?kind=alert", method: .get, headers: headers(f.adminA)) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["total"] as? Int == 1)
                #expect((body?["emails"] as? [[String: Any]])?.first?["status"] as? String == "suppressed")
            }
            try await client.execute(uri: "/api/v1/emails?status=lost", method: .get, headers: headers(f.adminA)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("status: 'lost' is not one of pending, sent, failed, suppressed"))
            }
        }
    }

    @Test func anUnsubscribeLinkConfirmsThenSuppressesAndAForgedOneChangesNothing() async throws {
        let f = try APIFixture()
        let key = try f.store.serverSecret("links", at: .now)
        let link = Mailer.unsubscribeLink(
            publicURL: "http://x", workspace: f.a, address: "ana@example.com", scope: .reports, key: key, now: .now)
        let path = String(link.dropFirst("http://x".count))
        try await f.app().test(.router) { client in
            let page = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            #expect(page.contains("Stop alerts, digests and reports to <strong>ana@example.com</strong>") && page.contains("<form method=\"post\""))
            #expect(try f.store.suppressions(workspace: f.a).isEmpty)
            let forged = try await client.execute(uri: path + "x", method: .post) { ($0.status, String(buffer: $0.body)) }
            #expect(forged.0 == .notFound && forged.1.contains("data-bad-link"))
            #expect(try f.store.suppressions(workspace: f.a).isEmpty)
            let done = try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "List-Unsubscribe=One-Click")
            ) { String(buffer: $0.body) }
            #expect(done.contains("data-unsubscribed"))
            #expect(try f.store.suppressions(workspace: f.a).map(\.address) == ["ana@example.com"])
            #expect(try f.store.isSuppressed(address: "ana@example.com", kind: .digest, workspace: f.a))
            #expect(try !f.store.isSuppressed(address: "ana@example.com", kind: .survey, workspace: f.a))
        }
    }
}
