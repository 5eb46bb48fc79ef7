import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import VitalsFormats

/// One conversation with an SMTP server over an open connection: each step sends a command, reads the reply and
/// checks its code. A step that takes longer than the timeout closes the connection and fails as "timed out".
final class SMTPSession {
    let channel: any Channel
    var replies: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let timeout: TimeAmount
    let settings: EmailSettings
    /// The capabilities of the last EHLO.
    private var capabilities = SMTPReply(code: 250, lines: [])

    init(
        channel: any Channel, replies: NIOAsyncChannelInboundStream<String>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, timeout: TimeAmount, settings: EmailSettings
    ) {
        self.channel = channel
        self.replies = replies
        self.outbound = outbound
        self.timeout = timeout
        self.settings = settings
    }

    /// The greeting, EHLO, STARTTLS and EHLO again when asked, and AUTH when a user is set.
    func open(helloName: String, startTLS: NIOSSLContext?, serverHostname: String?) async throws {
        try await expect(nil, step: "greeting", codes: [220])
        capabilities = try await expect("EHLO \(helloName)", step: "EHLO", codes: [250])
        if let startTLS {
            guard SMTPProtocol.offers(capabilities, "STARTTLS") else {
                throw SMTPError(step: "STARTTLS", detail: "the server does not offer STARTTLS (set security = \"tls\" or \"none\")", permanent: true)
            }
            try await expect("STARTTLS", step: "STARTTLS", codes: [220])
            let channel = channel
            do {
                try await channel.eventLoop.submit {
                    let handler = try NIOSSLClientHandler(context: startTLS, serverHostname: serverHostname)
                    try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                }.get()
            } catch {
                throw SMTPError(step: "STARTTLS", detail: "\(error)", permanent: false)
            }
            capabilities = try await expect("EHLO \(helloName)", step: "EHLO after STARTTLS", codes: [250])
        }
        if let user = settings.user {
            let password = settings.password ?? ""
            let mechanisms = SMTPProtocol.authMechanisms(capabilities)
            if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
                try await expect(
                    "AUTH PLAIN " + SMTPProtocol.plainCredentials(user: user, password: password), step: "AUTH PLAIN", codes: [235])
            } else {
                try await expect("AUTH LOGIN", step: "AUTH LOGIN", codes: [334])
                try await expect(Data(user.utf8).base64EncodedString(), step: "AUTH LOGIN user", codes: [334])
                try await expect(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN password", codes: [235])
            }
        }
    }

    /// MAIL FROM, RCPT TO, DATA and the message.
    func deliver(_ envelope: SMTPEnvelope) async throws {
        try await expect("MAIL FROM:<\(envelope.from)>", step: "MAIL FROM", codes: [250])
        try await expect("RCPT TO:<\(envelope.to)>", step: "RCPT TO", codes: [250, 251])
        try await expect("DATA", step: "DATA", codes: [354])
        try await expect(SMTPProtocol.dataBlock(envelope.message), step: "DATA end", codes: [250], raw: true)
    }

    /// RSET after a refused message, so the next starts clean.
    func reset() async throws { try await expect("RSET", step: "RSET", codes: [250]) }

    func quit() async throws { try await expect("QUIT", step: "QUIT", codes: [221]) }

    /// Sends `command` (with CRLF unless `raw`) and reads one reply, which must have one of `codes`.
    @discardableResult
    private func expect(_ command: String?, step: String, codes: Set<Int>, raw: Bool = false) async throws -> SMTPReply {
        let closed = NIOLockedValueBox(false)
        let channel = channel
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            closed.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            if let command {
                try await outbound.write(ByteBuffer(string: raw ? command : command + "\r\n"))
            }
            var reader = SMTPProtocol.ReplyReader()
            while true {
                guard let line = try await replies.next() else {
                    let timedOut = closed.withLockedValue { $0 }
                    throw SMTPError(
                        step: step, detail: timedOut ? "no reply within \(timeout.nanoseconds / 1_000_000_000) s" : "the server closed the connection",
                        permanent: false)
                }
                if let reply = try reader.take(line) {
                    guard codes.contains(reply.code) else { throw SMTPError(step: step, reply: reply) }
                    return reply
                }
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            let timedOut = closed.withLockedValue { $0 }
            throw SMTPError(step: step, detail: timedOut ? "timed out" : "\(error)", permanent: false)
        }
    }
}
