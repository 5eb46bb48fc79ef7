import Crypto
import Foundation

/// Webhook signatures (`docs/alerts.md`): `Vitals-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC
/// is keyed with the webhook's secret over `"<t>.<body>"`, the same scheme as Stripe's `Stripe-Signature`. Signing
/// the timestamp with the body lets a receiver refuse replays of old deliveries.
public enum WebhookSignature {
    public static let header = "Vitals-Signature"

    /// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
    public static func sign(secret: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return hmac(key: Data(secret.utf8), message: message)
    }

    /// The hex HMAC-SHA256 of `message` under `key` (RFC 2104 with SHA-256).
    public static func hmac(key: Data, message: Data) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// The header value for a delivery signed at `timestamp`.
    public static func headerValue(secret: String, timestamp: Int64, body: Data) -> String {
        "t=\(timestamp),v1=\(sign(secret: secret, timestamp: timestamp, body: body))"
    }

    /// Whether `headerValue` signs `body` under `secret` with a timestamp within `tolerance` seconds of `now`
    /// (what a receiver checks). Compares in constant time.
    public static func verify(headerValue: String, secret: String, body: Data, now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in headerValue.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(String(pair[1])) }
        }
        guard let timestamp, Int64.distance(now, timestamp) <= UInt64(max(0, tolerance)) else { return false }
        let expected = Array(sign(secret: secret, timestamp: timestamp, body: body).utf8)
        return signatures.contains { Secrets.equal(Array($0.utf8), expected) }
    }
}
