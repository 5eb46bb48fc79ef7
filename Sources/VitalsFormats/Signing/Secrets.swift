/// The two operations every secret in Vitals needs: making one, and comparing one without leaking through timing.
public enum Secrets {
    /// `bytes` random bytes from the system's source, as lower-case hex.
    public static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether `a` and `b` are the same bytes, comparing every byte whatever the first difference, so that response
    /// times do not tell how much of a guessed key, token or signature was right.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
