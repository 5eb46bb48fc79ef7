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
        let value = Double(mantissa) / powerOfTen(fraction)
        return negative ? -value : value
    }

    /// 10^k for k in 0...22, all exact in a `Double` (a switch rather than a table: no lazy global to check per call).
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    private static func slow(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let value = Double(String(decoding: bytes, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }
}
