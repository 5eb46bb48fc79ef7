import Crypto
import Foundation
import VitalsCore

/// Checks Stripe's `Stripe-Signature` header (https://docs.stripe.com/webhooks#verify-manually).
///
/// The header is `t=<unix time>,v1=<hex>[,v1=<hex>...]` (other schemes such as `v0` are ignored). A signature is the
/// HMAC-SHA256, keyed with the endpoint secret, of `"<t>.<raw body>"`. The event is genuine when some `v1` value
/// equals the signature under some configured secret (several while a secret is rolled), compared in constant time,
/// and `t` is within `tolerance` seconds of now (an old, replayed request fails).
public enum StripeSignature {
    /// Stripe's default tolerance: five minutes.
    public static let defaultTolerance: Int64 = 300

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missingHeader
        case malformedHeader
        case noSignature
        case outsideTolerance(seconds: UInt64)
        case mismatch
        case noSecret

        public var description: String {
            switch self {
            case .missingHeader: "no Stripe-Signature header"
            case .malformedHeader: "the Stripe-Signature header has no t= timestamp"
            case .noSignature: "the Stripe-Signature header has no v1= signature"
            case .outsideTolerance(let seconds):
                "the signature's timestamp is \(seconds) s from now, more than the tolerance (a replayed request?)"
            case .mismatch: "no v1 signature matches the payload under the endpoint secret"
            case .noSecret: "no Stripe endpoint secret is configured for this workspace (vitals connect stripe-webhook --secret whsec_...)"
            }
        }
    }

    /// Verifies `header` for `payload` (the raw request body, byte for byte) against `secrets` at `now`.
    public static func verify(
        header: String?, payload: [UInt8], secrets: [String], now: Timestamp, tolerance: Int64 = defaultTolerance
    ) throws(Failure) {
        guard let header, !header.isEmpty else { throw .missingHeader }
        guard !secrets.isEmpty else { throw .noSecret }
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1": if let bytes = hexBytes(pair[1]) { signatures.append(bytes) }
            default: continue
            }
        }
        guard let timestamp else { throw .malformedHeader }
        guard !signatures.isEmpty else { throw .noSignature }
        // A timestamp from a hostile header can be anything: the distance is taken without overflow.
        let drift = Int64.distance(now.seconds, timestamp)
        guard drift <= UInt64(max(0, tolerance)) else { throw .outsideTolerance(seconds: drift) }
        let signed = Array("\(timestamp).".utf8) + payload
        var matched = false
        for secret in secrets {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8))))
            // Every candidate is compared in full, whatever matched before, so timing tells nothing.
            for signature in signatures where Secrets.equal(expected, signature) { matched = true }
        }
        guard matched else { throw .mismatch }
    }

    /// The header Stripe would send for `payload` at `timestamp` (for tests and the documentation's examples).
    public static func header(payload: [UInt8], secret: String, timestamp: Int64) -> String {
        let signed = Array("\(timestamp).".utf8) + payload
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let hi = nibble(digits[i]), let lo = nibble(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }
}
