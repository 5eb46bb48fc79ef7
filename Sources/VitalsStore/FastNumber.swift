/// Parses decimal numbers straight from CSV bytes.
enum FastNumber {
    /// The number written in `bytes` (`12`, `-3.25`, `1e3`...), or `nil` if it is not a finite number.
    ///
    /// Plain decimals with at most 15 significant digits take the exact fast path (Clinger 1990: an integer mantissa
    /// below 2^53 divided by an exact power of ten is correctly rounded); anything else goes through `Double(String)`,
    /// so the result always equals `Double(text)`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = bytes.count
        var negative = false
        if i < n, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenPoint = false
        var any = false
        while i < n {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                any = true
                if mantissa == 0 && b == 48 {
                    if seenPoint { fraction += 1 }
                } else {
                    mantissa = mantissa &* 10 &+ UInt64(b - 48)
                    digits += 1
                    if seenPoint { fraction += 1 }
                }
            } else if b == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                return slow(bytes)
            }
            i += 1
        }
        guard any, digits <= 15, fraction <= 22 else { return slow(bytes) }
        let value = Double(mantissa) / powersOfTen[fraction]
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    private static func slow(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
