import Foundation
import Logging
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// Sends the queued emails of every workspace over SMTP (docs/email.md): each batch of due emails over one
/// connection, every attempt recorded on the email (the delivery log). A refused email (5xx) fails at once; any
/// other failure is tried again after 1 min, 5 min, 30 min, 2 h and 6 h, then fails.
///
/// Every email but an admin's test carries an unsubscribe link (a footer in both parts, and the `List-Unsubscribe`
/// header with RFC 8058 one-click), signed with the server's `links` secret.
public struct Mailer: Sendable {
    /// The waits after the 1st, 2nd, ... failed attempt; an email that fails once more is given up.
    public static let backOff: [Int64] = [60, 300, 1800, 7200, 21_600]
    /// How long an unsubscribe link works.
    public static let unsubscribeLifetimeDays = 365
    /// The most emails sent over one connection.
    public static let batchSize = 50

    public let store: any VitalsStorage
    public let settings: EmailSettings
    public let transport: any MailTransport
    /// The base of links, without a trailing slash.
    public let publicURL: String
    public let clock: @Sendable () -> Timestamp
    private let logger: Logger

    public init(
        store: any VitalsStorage, settings: EmailSettings, publicURL: String, transport: (any MailTransport)? = nil,
        clock: @escaping @Sendable () -> Timestamp = { .now }, logger: Logger = Logger(label: "vitals.mail")
    ) {
        self.store = store
        self.settings = settings
        self.publicURL = publicURL
        self.transport = transport ?? SMTPClient(settings: settings)
        self.clock = clock
        self.logger = logger
    }

    /// What to record after a failed attempt (the `attempts`-th, counting from 1).
    public static func outcome(after error: SMTPError, attempts: Int, now: Timestamp) -> DeliveryOutcome {
        if error.permanent || attempts > backOff.count { return .failed(error: error.description) }
        return .retry(next: now.adding(seconds: backOff[max(0, attempts - 1)]), error: error.description)
    }

    /// The unsubscribe link of `address` in `workspace` for `scope` (docs/email.md, "Unsubscribe").
    public static func unsubscribeLink(
        publicURL: String, workspace: Int64, address: String, scope: SuppressionScope, key: String, now: Timestamp
    ) -> String {
        let token = SignedLink.make(
            ["unsubscribe", String(workspace), address, scope.rawValue], expires: now.adding(days: unsubscribeLifetimeDays), key: key)
        return "\(publicURL)/unsubscribe/\(token)"
    }

    /// Sends the emails due now, a batch at a time; returns how many were handed to the server.
    @discardableResult
    public func sendDue() async throws -> Int {
        var sent = 0
        while true {
            let now = clock()
            let due = try store.dueEmails(at: now, limit: Self.batchSize)
            if due.isEmpty { return sent }
            let key = try store.serverSecret("links", at: now)
            var ready: [(StoredEmail, SMTPEnvelope)] = []
            for email in due {
                do {
                    ready.append((email, try envelope(email, key: key, now: now)))
                } catch {
                    try store.recordEmailAttempt(email.id, at: now, outcome: .failed(error: "the message cannot be written: \(error)"))
                }
            }
            let results = await transport.send(ready.map(\.1))
            let done = clock()
            for ((email, _), result) in zip(ready, results) {
                switch result {
                case .success:
                    sent += 1
                    try store.recordEmailAttempt(email.id, at: done, outcome: .delivered)
                case .failure(let error):
                    logger.warning("email \(email.id) to \(email.message.recipient) not sent: \(error)")
                    try store.recordEmailAttempt(email.id, at: done, outcome: Self.outcome(after: error, attempts: email.attempts + 1, now: done))
                }
            }
            // Everything left is waiting for a later attempt.
            if due.count < Self.batchSize { return sent }
        }
    }

    /// The SMTP envelope of `email`: its MIME text with the unsubscribe footer and header.
    func envelope(_ email: StoredEmail, key: String, now: Timestamp) throws -> SMTPEnvelope {
        guard let from = settings.from else { throw SMTPError(step: "writing", detail: "no from address", permanent: true) }
        var text = email.message.text
        var html = email.message.html
        var link: String?
        if let scope = email.message.kind.scope {
            let url = Self.unsubscribeLink(
                publicURL: publicURL, workspace: email.workspace, address: email.message.recipient, scope: scope, key: key, now: now)
            link = url
            text += "\n\n--\nYou get this email from Vitals. To stop these emails: \(url)\n"
            html += "<hr><p style=\"color:#666;font-size:12px\">You get this email from Vitals. "
                + "<a href=\"\(MailBodies.escape(url))\">Unsubscribe</a></p>"
        }
        let domain = from.split(separator: "@").last.map(String.init) ?? "vitals.localdomain"
        let message = MailMessage(
            fromAddress: from, fromName: settings.fromName, to: email.message.recipient, toName: email.message.recipientName,
            subject: email.message.subject, text: text, html: html, date: now,
            messageID: "email-\(email.id).\(email.createdAt.seconds)@\(domain)", unsubscribe: link,
            boundary: "=_vitals_\(email.id)_\(now.seconds)")
        return SMTPEnvelope(from: from, to: email.message.recipient, message: try message.rendered())
    }

    /// Sends due emails until cancelled: now, then whenever the next attempt falls due, and at least every
    /// `pollSeconds` (mail queued by the server's other parts).
    public func run(pollSeconds: Int64 = 10) async {
        while !Task.isCancelled {
            do { try await sendDue() } catch { logger.error("sending email failed: \(error)") }
            var wait = pollSeconds
            if let next = try? store.nextEmailAttempt() { wait = min(wait, max(1, next.seconds - clock().seconds)) }
            try? await Task.sleep(nanoseconds: UInt64(max(1, wait)) * 1_000_000_000)
        }
    }
}
