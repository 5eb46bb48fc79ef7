import Foundation
import Testing
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// A mail server stand-in: answers each envelope with the next scripted result, and keeps what it was given.
final class ScriptedTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<Void, SMTPError>]
    private(set) var received: [[SMTPEnvelope]] = []

    init(_ script: [Result<Void, SMTPError>]) { self.script = script }

    func send(_ envelopes: [SMTPEnvelope]) async -> [Result<Void, SMTPError>] {
        lock.withLock {
            received.append(envelopes)
            return envelopes.map { _ in script.isEmpty ? .success(()) : script.removeFirst() }
        }
    }
}

/// The mailer over a real SQLite store, with a scripted transport and `TestClock` (HealthAPITests.swift).
@Suite struct MailerTests {
    let start = Timestamp(year: 2026, month: 12, day: 8)
    var settings: EmailSettings {
        var s = EmailSettings()
        s.host = "127.0.0.1"
        s.from = "vitals@example.com"
        return s
    }

    func email(_ to: String, kind: EmailKind = .alert) -> NewEmail {
        NewEmail(kind: kind, recipient: to, subject: "Hello", text: "Body", html: "<p>Body</p>", reference: "alert:1")
    }

    let temporary = SMTPError(step: "RCPT TO", reply: SMTPReply(code: 451, lines: ["try later"]))
    let permanent = SMTPError(step: "RCPT TO", reply: SMTPReply(code: 550, lines: ["no such user"]))

    @Test func theBackOffIsOneFiveThirtyMinutesTwoAndSixHoursThenFailed() {
        let now = Timestamp(seconds: 1000)
        let e = temporary
        #expect(Mailer.outcome(after: e, attempts: 1, now: now) == .retry(next: Timestamp(seconds: 1060), error: e.description))
        #expect(Mailer.outcome(after: e, attempts: 2, now: now) == .retry(next: Timestamp(seconds: 1300), error: e.description))
        // 30 min = 1800 s, 2 h = 7200 s, 6 h = 21600 s.
        #expect(Mailer.outcome(after: e, attempts: 3, now: now) == .retry(next: Timestamp(seconds: 2800), error: e.description))
        #expect(Mailer.outcome(after: e, attempts: 4, now: now) == .retry(next: Timestamp(seconds: 8200), error: e.description))
        #expect(Mailer.outcome(after: e, attempts: 5, now: now) == .retry(next: Timestamp(seconds: 22_600), error: e.description))
        #expect(Mailer.outcome(after: e, attempts: 6, now: now) == .failed(error: e.description))
        // A 5xx reply fails at once.
        #expect(Mailer.outcome(after: permanent, attempts: 1, now: now) == .failed(error: permanent.description))
    }

    @Test func aBatchGoesOverOneConnectionAndEachAttemptIsRecorded() async throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-mail-\(UUID().uuidString).sqlite")
        let ws = try store.workspace("a")
        let clock = TestClock(start)
        _ = try store.enqueueEmails([email("ana@example.com"), email("bo@example.com"), email("cy@example.com")], workspace: ws, at: start)
        let transport = ScriptedTransport([.success(()), .failure(temporary), .failure(permanent)])
        let mailer = Mailer(store: store, settings: settings, publicURL: "https://vitals.example.com", transport: transport, clock: { clock.now })
        #expect(try await mailer.sendDue() == 1)
        #expect(transport.received.count == 1 && transport.received[0].count == 3)
        let log = try store.emails(workspace: ws, filter: EmailFilter(), limit: 10, offset: 0)
        let byTo = Dictionary(uniqueKeysWithValues: log.map { ($0.message.recipient, $0) })
        #expect(byTo["ana@example.com"]?.status == .sent && byTo["ana@example.com"]?.sentAt == start)
        #expect(byTo["bo@example.com"]?.status == .pending && byTo["bo@example.com"]?.attempts == 1)
        #expect(byTo["bo@example.com"]?.nextAttemptAt == start.adding(seconds: 60))
        #expect(byTo["bo@example.com"]?.lastError == "SMTP RCPT TO: the server answered 451 try later")
        #expect(byTo["cy@example.com"]?.status == .failed)
        // Nothing is due until the minute has passed; then bo's second attempt goes.
        #expect(try await mailer.sendDue() == 0)
        #expect(transport.received.count == 1)
        clock.advance(seconds: 60)
        #expect(try await mailer.sendDue() == 1)
        #expect(transport.received.last?.map(\.to) == ["bo@example.com"])
        #expect(try store.emailCount(workspace: ws, filter: EmailFilter(status: .sent)) == 2)
    }

    @Test func everyEmailButATestCarriesASignedUnsubscribeLink() async throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-mail-\(UUID().uuidString).sqlite")
        let ws = try store.workspace("a")
        _ = try store.enqueueEmails([email("ana@example.com", kind: .digest), email("bo@example.com", kind: .test)], workspace: ws, at: start)
        let transport = ScriptedTransport([])
        let mailer = Mailer(store: store, settings: settings, publicURL: "https://vitals.example.com", transport: transport, clock: { start })
        #expect(try await mailer.sendDue() == 2)
        let sent = Dictionary(uniqueKeysWithValues: transport.received[0].map { ($0.to, $0.message) })
        let digest = try #require(sent["ana@example.com"])
        let header = try #require(digest.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe: <") })
        let link = String(header.dropFirst("List-Unsubscribe: <".count).dropLast())
        #expect(link.hasPrefix("https://vitals.example.com/unsubscribe/"))
        let token = String(link.dropFirst("https://vitals.example.com/unsubscribe/".count))
        let key = try store.serverSecret("links", at: start)
        #expect(try SignedLink.open(token, key: key, now: start).get() == ["unsubscribe", String(ws), "ana@example.com", "reports"])
        #expect(digest.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        #expect(sent["bo@example.com"]?.contains("List-Unsubscribe") == false)
    }

    @Test func mailToASuppressedAddressIsNeverSent() async throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-mail-\(UUID().uuidString).sqlite")
        let ws = try store.workspace("a")
        try store.suppress(Suppression(address: "ana@example.com", scope: .reports, reason: .unsubscribed, at: start), workspace: ws)
        _ = try store.enqueueEmails([email("ana@example.com"), email("ana@example.com", kind: .survey)], workspace: ws, at: start)
        let transport = ScriptedTransport([])
        let mailer = Mailer(store: store, settings: settings, publicURL: "https://vitals.example.com", transport: transport, clock: { start })
        // The alert is suppressed (reports); the survey invitation is not.
        #expect(try await mailer.sendDue() == 1)
        #expect(transport.received.flatMap { $0 }.count == 1)
        #expect(try store.emailCount(workspace: ws, filter: EmailFilter(kind: .alert, status: .suppressed)) == 1)
    }
}
