import Crypto
import Foundation
import VitalsCore

/// Links that carry their own proof: a survey invitation or an unsubscribe link opens without signing in because the
/// server signed what it names (docs/email.md).
///
/// A token is `base64url(fields joined by "|" and the expiry) . base64url(HMAC-SHA256 under the server's key)`, so it
/// can be checked without a lookup and cannot be changed without the key. Single use, where it applies, is the
/// caller's to check (e.g. an invitation already answered).
public enum SignedLink {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a token this server made: wrong shape, or a signature that does not match.
        case forged
        /// Made here, but its time ran out at `expired`.
        case expired(Timestamp)

        public var description: String {
            switch self {
            case .forged: "this link is not valid"
            case .expired(let at): "this link expired on \(at.date)"
            }
        }
    }

    /// The most a token may carry, so a hostile one is refused before any work.
    public static let maximumLength = 2048

    /// A token for `fields` (any text: "%" and "|" are escaped) valid until `expires`.
    public static func make(_ fields: [String], expires: Timestamp, key: String) -> String {
        let escaped = fields.map { $0.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "|", with: "%7C") }
        let payload = Array((escaped + [String(expires.seconds)]).joined(separator: "|").utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: Array(key.utf8)))
        return base64URL(payload) + "." + base64URL(Array(mac))
    }

    /// The fields of `token` when this key signed it and it has not expired at `now`.
    public static func open(_ token: String, key: String, now: Timestamp) -> Result<[String], Failure> {
        guard token.utf8.count <= maximumLength else { return .failure(.forged) }
        let halves = token.split(separator: ".", omittingEmptySubsequences: false)
        guard halves.count == 2, let payload = decode(halves[0]), let mac = decode(halves[1]) else { return .failure(.forged) }
        let expected = Array(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: Array(key.utf8))))
        guard Secrets.equal(mac, expected), let text = String(bytes: payload, encoding: .utf8) else { return .failure(.forged) }
        var fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard let last = fields.popLast(), let seconds = Int64(last) else { return .failure(.forged) }
        let expires = Timestamp(seconds: seconds)
        guard now < expires else { return .failure(.expired(expires)) }
        return .success(fields.map { $0.replacingOccurrences(of: "%7C", with: "|").replacingOccurrences(of: "%25", with: "%") })
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0.isBase64URL }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.utf8.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}

extension UInt8 {
    fileprivate var isBase64URL: Bool {
        (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || (0x30...0x39).contains(self) || self == 0x2D || self == 0x5F
    }
}
