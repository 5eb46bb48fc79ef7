import Foundation
import VitalsCore

/// The RFC 5322 / MIME text of one email (docs/email.md): headers, then a `multipart/alternative` body with a
/// text/plain and a text/html part, both UTF-8 and quoted-printable (every line at most 76 characters, well under the
/// 998 of RFC 5322). Lines end in CRLF. Pure: the date, the message id and the boundary are given.
public struct MailMessage: Sendable, Equatable {
    public var fromAddress: String
    public var fromName: String?
    public var to: String
    public var toName: String?
    public var subject: String
    public var text: String
    public var html: String
    public var date: Timestamp
    /// The `Message-ID` without its angle brackets, e.g. `email-12.1765152000@vitals.example.com`.
    public var messageID: String
    /// The unsubscribe link: sent as `List-Unsubscribe` with RFC 8058 one-click when present.
    public var unsubscribe: String?
    /// The multipart boundary; must not occur in the parts (quoted-printable text never holds `=_` runs this long).
    public var boundary: String

    /// A header value holding CR or LF, or an address that is not one (header injection).
    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public var header: String
        public init(header: String) { self.header = header }
        public var description: String { "the \(header) header holds a line break or is not valid" }
    }

    public init(
        fromAddress: String, fromName: String? = nil, to: String, toName: String? = nil, subject: String, text: String,
        html: String, date: Timestamp, messageID: String, unsubscribe: String? = nil, boundary: String
    ) {
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.unsubscribe = unsubscribe
        self.boundary = boundary
    }

    /// The message as sent after DATA (without the final `.` line), CRLF line ends.
    public func rendered() throws(Refused) -> String {
        for (name, value) in [
            ("From", fromAddress), ("From", fromName ?? ""), ("To", to), ("To", toName ?? ""), ("Subject", subject),
            ("Message-ID", messageID), ("List-Unsubscribe", unsubscribe ?? ""), ("boundary", boundary),
        ] where value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw Refused(header: name)
        }
        guard EmailAddress.normalized(fromAddress) != nil else { throw Refused(header: "From") }
        guard EmailAddress.normalized(to) != nil else { throw Refused(header: "To") }
        if let unsubscribe, unsubscribe.contains(where: { $0 == "<" || $0 == ">" || $0 == " " }) { throw Refused(header: "List-Unsubscribe") }
        var lines: [String] = []
        lines.append("From: " + Self.mailbox(fromAddress, name: fromName))
        lines.append("To: " + Self.mailbox(to, name: toName))
        lines.append("Subject: " + Self.encodedWords(subject))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: <\(messageID)>")
        lines.append("MIME-Version: 1.0")
        if let unsubscribe {
            lines.append("List-Unsubscribe: <\(unsubscribe)>")
            lines.append("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(Self.quotedPrintable(body))
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `Name <address>`, the name quoted (or RFC 2047 encoded when not ASCII); the bare address without a name.
    static func mailbox(_ address: String, name: String?) -> String {
        guard let name, !name.isEmpty else { return address }
        if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return encodedWords(name) + " <\(address)>"
    }

    /// `text` as it is when printable ASCII, else as RFC 2047 `=?utf-8?B?...?=` words of 60 characters at most, folded
    /// onto continuation lines (a character's bytes never split across words).
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        // 36 bytes are 48 characters of base64, a word of 48 + 12 = 60 characters: with "Subject: " a line of 69.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 36, !chunk.isEmpty {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 2045 quoted-printable of UTF-8 text: line breaks become CRLF, `=`, non-ASCII and control bytes `=XX`, a
    /// space or tab before a line break encoded, lines cut with a soft break (`=`) at 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var tokens: [[UInt8]] = []
            for (i, b) in bytes.enumerated() {
                let last = i == bytes.count - 1
                let plain = (b >= 33 && b <= 126 && b != UInt8(ascii: "=")) || ((b == 32 || b == 9) && !last)
                tokens.append(plain ? [b] : [UInt8(ascii: "="), hex[Int(b >> 4)], hex[Int(b & 15)]])
            }
            var current: [UInt8] = []
            var lines: [String] = []
            for token in tokens {
                // 75 leaves room for the soft break's "=".
                if current.count + token.count > 75 {
                    lines.append(String(decoding: current + [UInt8(ascii: "=")], as: UTF8.self))
                    current = []
                }
                current += token
            }
            lines.append(String(decoding: current, as: UTF8.self))
            out.append(lines.joined(separator: "\r\n"))
        }
        return out.joined(separator: "\r\n")
    }

    /// `Tue, 08 Dec 2026 02:04:05 +0000`.
    static func rfc5322Date(_ t: Timestamp) -> String {
        let date = t.date
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let dayNumber = t.seconds >= 0 ? t.seconds / 86_400 : (t.seconds - 86_399) / 86_400
        let weekday = days[Int(((dayNumber % 7) + 7) % 7)]
        let second = t.seconds - dayNumber * 86_400
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(pad(Int64(date.day))) \(months[date.month - 1]) \(date.year) "
            + "\(pad(second / 3600)):\(pad(second / 60 % 60)):\(pad(second % 60)) +0000"
    }
}
