import Foundation
import Testing
import VitalsCore
import VitalsStore

/// The mail queue, suppressions and dashboard settings, through the store protocols, against every engine.
@Suite struct MailAndSettingsConformanceTests {
    static let noon = Timestamp(year: 2026, month: 12, day: 1).adding(seconds: 12 * 3600)

    static func survey(_ to: String, ref: String) -> NewEmail {
        NewEmail(kind: .survey, recipient: to, subject: "How did we do?", text: "Answer", html: "<p>Answer</p>", reference: ref)
    }

    @Test(arguments: StoreEngine.allCases) func queuedMailIsSentRetriedAndLogged(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let ids = try store.enqueueEmails(
            [Self.survey(" Ana@Example.com ", ref: "invitation:1"), Self.survey("bo@example.com", ref: "invitation:2")], workspace: w,
            at: Self.noon)
        #expect(ids.count == 2)
        // Addresses are kept trimmed and lower-cased.
        #expect(try store.dueEmails(at: Self.noon, limit: 10).map(\.message.recipient) == ["ana@example.com", "bo@example.com"])
        // The first fails for now and is retried 60 s later; the second is sent.
        try store.recordEmailAttempt(ids[0], at: Self.noon, outcome: .retry(next: Self.noon.adding(seconds: 60), error: "421 busy"))
        try store.recordEmailAttempt(ids[1], at: Self.noon, outcome: .delivered)
        #expect(try store.dueEmails(at: Self.noon, limit: 10).isEmpty)
        #expect(try store.nextEmailAttempt() == Self.noon.adding(seconds: 60))
        let due = try store.dueEmails(at: Self.noon.adding(seconds: 60), limit: 10)
        #expect(due.map(\.id) == [ids[0]] && due[0].attempts == 1 && due[0].lastError == "421 busy")
        try store.recordEmailAttempt(ids[0], at: Self.noon.adding(seconds: 60), outcome: .failed(error: "550 no such user"))
        #expect(try store.nextEmailAttempt() == nil)
        // The log, newest first, filtered and counted.
        #expect(try store.emails(workspace: w, filter: EmailFilter(), limit: 10, offset: 0).map(\.status) == [.sent, .failed])
        #expect(try store.emailCount(workspace: w, filter: EmailFilter(status: .failed)) == 1)
        #expect(try store.emails(workspace: w, filter: EmailFilter(reference: "invitation:2"), limit: 10, offset: 0)[0].sentAt == Self.noon)
        #expect(try store.emails(workspace: w, filter: EmailFilter(), limit: 1, offset: 1).map(\.id) == [ids[0]])
        #expect(try store.emailCount(workspace: try store.workspace("other"), filter: EmailFilter()) == 0)
    }

    @Test(arguments: StoreEngine.allCases) func suppressedAddressesGetNoMailOfTheirScope(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let pending = try store.enqueueEmails([Self.survey("ana@example.com", ref: "invitation:1")], workspace: w, at: Self.noon)
        try store.suppress(Suppression(address: "ANA@example.com", scope: .surveys, reason: .unsubscribed, at: Self.noon), workspace: w)
        // The pending invitation is not sent, and the next is stored as suppressed; a digest to the same address is not.
        #expect(try store.dueEmails(at: Self.noon, limit: 10).isEmpty)
        #expect(try store.emails(workspace: w, filter: EmailFilter(), limit: 10, offset: 0).first { $0.id == pending[0] }?.status == .suppressed)
        _ = try store.enqueueEmails(
            [Self.survey("ana@example.com", ref: "invitation:2"),
             NewEmail(kind: .digest, recipient: "ana@example.com", subject: "Weekly", text: "t", html: "h")],
            workspace: w, at: Self.noon)
        #expect(try store.dueEmails(at: Self.noon, limit: 10).map(\.message.kind) == [.digest])
        #expect(try store.isSuppressed(address: "ana@example.com", kind: .survey, workspace: w))
        #expect(try !store.isSuppressed(address: "ana@example.com", kind: .digest, workspace: w))
        #expect(try !store.isSuppressed(address: "ana@example.com", kind: .survey, workspace: try store.workspace("other")))
        // `all` covers reports too, but never an admin's test.
        try store.suppress(Suppression(address: "ana@example.com", scope: .all, reason: .admin, at: Self.noon), workspace: w)
        #expect(try store.isSuppressed(address: "ana@example.com", kind: .alert, workspace: w))
        #expect(try !store.isSuppressed(address: "ana@example.com", kind: .test, workspace: w))
        #expect(try store.suppressions(workspace: w).map(\.scope) == [.all, .surveys])
        #expect(try store.unsuppress(address: "ana@example.com", scope: .all, workspace: w))
        #expect(try !store.unsuppress(address: "ana@example.com", scope: .all, workspace: w))
        #expect(throws: StoreError.self) {
            try store.suppress(Suppression(address: "not an address", scope: .all, reason: .admin, at: Self.noon), workspace: w)
        }
    }

    @Test(arguments: StoreEngine.allCases) func settingsAreKeptPerWorkspaceAndSecretsOnce(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let other = try store.workspace("other")
        try store.saveSetting(StoredSetting(section: "report", value: "currency = \"EUR\"", updatedBy: "ana", updatedAt: Self.noon), workspace: w)
        try store.saveSetting(StoredSetting(section: "report", value: "currency = \"GBP\"", updatedBy: "bo", updatedAt: Self.noon), workspace: w)
        #expect(try store.settings(workspace: w) == [StoredSetting(section: "report", value: "currency = \"GBP\"", updatedBy: "bo", updatedAt: Self.noon)])
        #expect(try store.settings(workspace: other).isEmpty)
        #expect(try store.deleteSetting(section: "report", workspace: w))
        #expect(try !store.deleteSetting(section: "report", workspace: w))
        let key = try store.serverSecret("links", at: Self.noon)
        #expect(key.count == 64)
        #expect(try store.serverSecret("links", at: Self.noon.adding(days: 1)) == key)
        #expect(try store.serverSecret("other", at: Self.noon) != key)
    }
}
