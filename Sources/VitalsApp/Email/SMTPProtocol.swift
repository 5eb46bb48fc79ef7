import Foundation

/// One reply of an SMTP server (RFC 5321 section 4.2): a three-digit code and its lines of text.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var description: String { lines.map { "\(code) \($0)" }.joined(separator: " / ") }
    /// 2xx and 3xx.
    public var isPositive: Bool { code >= 200 && code < 400 }
}

/// What went wrong talking to the SMTP server: at which step, the server's reply if there was one, and whether it is
/// worth trying again later (4xx replies, timeouts and broken connections) or not (5xx replies).
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var step: String
    public var detail: String
    public var permanent: Bool
    /// The code of the server's reply, when the error is one.
    public var code: Int?

    public init(step: String, detail: String, permanent: Bool, code: Int? = nil) {
        self.step = step
        self.detail = detail
        self.permanent = permanent
        self.code = code
    }

    /// The error for an unexpected reply: 5xx is permanent, anything else temporary.
    public init(step: String, reply: SMTPReply) {
        self.init(step: step, detail: "the server answered \(reply)", permanent: reply.code >= 500 && reply.code < 600, code: reply.code)
    }

    public var description: String { "SMTP \(step): \(detail)" }
}

/// The pure parts of the SMTP conversation: reading replies line by line, and the text sent for DATA and AUTH.
public enum SMTPProtocol {
    /// Gathers the lines of one reply (`250-first`, `250-second`, `250 last`).
    public struct ReplyReader: Sendable {
        private var code: Int?
        private var lines: [String] = []

        public init() {}

        /// Takes one line (without its CRLF); the reply once its last line is in, `nil` while more follow. A line
        /// that is not `ddd`, `ddd text` or `ddd-text` is a protocol error.
        public mutating func take(_ line: String) throws(SMTPError) -> SMTPReply? {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
                bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
            else {
                throw SMTPError(step: "reading a reply", detail: "'\(line.prefix(200))' is not an SMTP reply", permanent: false)
            }
            if let first = self.code, first != code {
                throw SMTPError(step: "reading a reply", detail: "a reply mixes codes \(first) and \(code)", permanent: false)
            }
            self.code = code
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            guard lines.count <= 1000 else {
                throw SMTPError(step: "reading a reply", detail: "a reply of more than 1000 lines", permanent: false)
            }
            if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { return nil }
            let reply = SMTPReply(code: code, lines: lines)
            self = ReplyReader()
            return reply
        }
    }

    /// The message as sent after DATA: every line that starts with "." gets another (RFC 5321 section 4.5.2), lines
    /// end in CRLF, and the end is marked by a line holding only ".".
    public static func dataBlock(_ message: String) -> String {
        let normalized = message.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// The AUTH PLAIN argument: base64 of NUL, user, NUL, password (RFC 4616).
    public static func plainCredentials(user: String, password: String) -> String {
        Data([0] + Array(user.utf8) + [0] + Array(password.utf8)).base64EncodedString()
    }

    /// The SASL mechanisms an EHLO reply offers (its `AUTH` line), upper-cased.
    public static func authMechanisms(_ ehlo: SMTPReply) -> Set<String> {
        for line in ehlo.lines {
            let words = line.split(separator: " ").map { $0.uppercased() }
            if words.first == "AUTH" || words.first?.hasPrefix("AUTH=") == true {
                return Set(words.dropFirst() + (words.first.map { $0.hasPrefix("AUTH=") ? [String($0.dropFirst(5))] : [] } ?? []))
            }
        }
        return []
    }

    /// Whether an EHLO reply offers `keyword` (e.g. `STARTTLS`).
    public static func offers(_ ehlo: SMTPReply, _ keyword: String) -> Bool {
        ehlo.lines.dropFirst().contains { $0.split(separator: " ").first?.uppercased() == keyword }
    }
}
