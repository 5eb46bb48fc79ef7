import Foundation
import Testing
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// The emails an evaluation queues (HealthService+Mail.swift), over `HealthFixture` (HealthAPITests.swift): acme
/// (CSM ana) turns red on 2026-06-01; daily digests.
@Suite struct HealthMailTests {
    @Test func anEvaluationQueuesTheAlertToTheCSMTheDigestAndLastMonthsReportOnce() async throws {
        let f = try HealthFixture()
        _ = try f.store.createUser(workspace: f.workspace, email: "ana@example.com", name: "Ana", passwordHash: "x", role: .csm, actor: "t", at: Date())
        _ = try f.store.setCSM(workspace: f.workspace, email: "ana@example.com", csm: "Ana", actor: "t", at: Date())
        var settings = EmailSettings()
        settings.host = "127.0.0.1"
        settings.from = "vitals@example.com"
        settings.digestTo = ["lead@example.com"]
        settings.reportTo = .addresses(["ceo@example.com"])
        let service = f.service()
        await service.setEmail(EmailOutbox(settings: settings, publicURL: "https://v.example.com") { _, month, csm in
            "<html>report \(month) \(csm ?? "all")</html>"
        })
        try await service.evaluate(workspace: f.workspace)
        func emails(_ kind: EmailKind) throws -> [StoredEmail] {
            try f.store.emails(workspace: f.workspace, filter: EmailFilter(kind: kind), limit: 10, offset: 0)
        }
        let alerts = try emails(.alert)
        #expect(alerts.map(\.message.recipient) == ["ana@example.com"])
        #expect(alerts.first?.message.text.contains("Account: Acme https://v.example.com/accounts/acme") == true)
        // The daily digest of 2026-05-31 to the lead, and May's report (its first day handed to the renderer) to the CEO.
        #expect(try emails(.digest).map(\.message.recipient) == ["lead@example.com"])
        let report = try emails(.report)
        #expect(report.map(\.message.recipient) == ["ceo@example.com"])
        #expect(report.first?.message.reference == "report:2026-05" && report.first?.message.html == "<html>report 2026-05-01 all</html>")
        // The next day: another digest, no second report, no alert (acme's is still open).
        f.clock.advance(seconds: 86_400)
        try await service.evaluate(workspace: f.workspace)
        #expect(try emails(.digest).count == 2 && emails(.report).count == 1 && emails(.alert).count == 1)
    }

    @Test func withoutEmailSettingsNothingIsQueued() async throws {
        let f = try HealthFixture()
        try await f.service().evaluate(workspace: f.workspace)
        #expect(try f.store.emailCount(workspace: f.workspace, filter: EmailFilter()) == 0)
    }
}
