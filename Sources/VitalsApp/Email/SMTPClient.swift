import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import VitalsFormats

/// One message to hand to the SMTP server: the envelope's sender and recipient, and the RFC 5322 text.
public struct SMTPEnvelope: Sendable, Equatable {
    public var from: String
    public var to: String
    public var message: String

    public init(from: String, to: String, message: String) {
        self.from = from
        self.to = to
        self.message = message
    }
}

/// What hands messages to a mail server; the mailer's tests use a fake.
public protocol MailTransport: Sendable {
    /// Sends `envelopes` over one connection; one result per envelope, in order.
    func send(_ envelopes: [SMTPEnvelope]) async -> [Result<Void, SMTPError>]
}

/// An SMTP client on SwiftNIO (RFC 5321): EHLO, STARTTLS (RFC 3207) or TLS from the start, AUTH PLAIN or LOGIN,
/// then MAIL FROM / RCPT TO / DATA per message on one connection, and QUIT. Every step has the settings' timeout;
/// an error names the step and the server's reply.
public struct SMTPClient: MailTransport {
    public let settings: EmailSettings
    /// The name given in EHLO.
    public let helloName: String

    public init(settings: EmailSettings, helloName: String = "vitals.localdomain") {
        self.settings = settings
        self.helloName = helloName
    }

    public func send(_ envelopes: [SMTPEnvelope]) async -> [Result<Void, SMTPError>] {
        guard !envelopes.isEmpty else { return [] }
        var results: [Result<Void, SMTPError>] = []
        do {
            let channel = try await connect()
            let settings = settings, helloName = helloName
            let context = settings.security == .starttls ? try tlsContext() : nil
            let serverHostname = serverHostname
            try await channel.executeThenClose { inbound, outbound in
                let session = SMTPSession(
                    channel: channel.channel, replies: inbound.makeAsyncIterator(), outbound: outbound,
                    timeout: .seconds(Int64(settings.timeoutSeconds)), settings: settings)
                try await session.open(helloName: helloName, startTLS: context, serverHostname: serverHostname)
                for envelope in envelopes {
                    do {
                        try await session.deliver(envelope)
                        results.append(.success(()))
                    } catch let error as SMTPError where error.code != nil {
                        // The server refused this message, for now or for good (e.g. an unknown recipient): the next
                        // ones may still go.
                        results.append(.failure(error))
                        try await session.reset()
                    }
                }
                try? await session.quit()
            }
        } catch {
            // Failing to connect, to sign in or to talk at all is no fault of the messages: they are tried again later.
            var failure = (error as? SMTPError) ?? SMTPError(step: "connecting", detail: "\(error)", permanent: false)
            failure.permanent = false
            while results.count < envelopes.count { results.append(.failure(failure)) }
        }
        return results
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyCertificates { configuration.certificateVerification = .none }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The host name for SNI and the certificate check: none for an IP address.
    private var serverHostname: String? {
        guard let host = settings.host, !host.contains(":"), !host.allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        return host
    }

    private func connect() async throws -> NIOAsyncChannel<String, ByteBuffer> {
        guard let host = settings.host else { throw SMTPError(step: "connecting", detail: "no SMTP host is set", permanent: true) }
        let port = settings.effectivePort
        let implicitTLS = settings.security == .tls ? try tlsContext() : nil
        let serverHostname = serverHostname
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(Int64(settings.timeoutSeconds)))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(step: "connecting to \(host):\(port)", detail: "\(error)", permanent: false)
        }
    }
}

/// Splits what the server sends into lines (CRLF or LF), refusing a line longer than 4,096 bytes.
final class SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPError(step: "reading a reply", detail: "a line of more than 4096 bytes", permanent: false) }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        .needMoreData
    }
}
