/// An amount of money in integer minor units (cents for USD) of one currency.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: CurrencyCode

    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: CurrencyCode) -> Money { Money(minorUnits: 0, currency: currency) }

    /// The amount in major units as an exact decimal string, e.g. `49.90` or `-3.05`.
    public var decimalString: String { Money.decimalString(minorUnits, exponent: currency.minorUnitExponent) }

    public var description: String { "\(decimalString) \(currency)" }

    /// The amount in major units as a floating-point number (for charts and JSON).
    public var majorUnits: Double { Double(minorUnits) / Money.powerOfTen(currency.minorUnitExponent) }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notADecimal(String)
        case tooManyDecimals(String, allowed: Int, currency: CurrencyCode)
        case outOfRange(String, currency: CurrencyCode)

        public var description: String {
            switch self {
            case .notADecimal(let text): "'\(text)' is not a decimal amount (use major units, e.g. 49.90)"
            case .tooManyDecimals(let text, let allowed, let currency):
                "'\(text)' has more than \(allowed) decimal places, the most \(currency) allows"
            case .outOfRange(let text, let currency):
                "'\(text)' is too large (the largest amount a record may carry is "
                    + Money.decimalString(RecordLimits.money, exponent: currency.minorUnitExponent) + " \(currency))"
            }
        }
    }

    /// Parses a decimal string in major units (`49.90`, `-3`, `1000.5`) exactly into minor units, at most
    /// `RecordLimits.money` minor units either way.
    public static func parse(_ text: some StringProtocol, currency: CurrencyCode) throws(ParseError) -> Money {
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes in
            Result { () throws(ParseError) in try parse(utf8: bytes, currency: currency) }
        }
        if let parsed { return try parsed.get() }
        var copy = String(text)
        return try copy.withUTF8 { bytes in Result { () throws(ParseError) in try parse(utf8: bytes, currency: currency) } }
            .get()
    }

    /// `parse` of UTF-8 bytes, with no string made unless they are not an amount: for readers of large files.
    package static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, currency: CurrencyCode) throws(ParseError) -> Money {
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        let exponent = currency.minorUnitExponent
        var utf8 = bytes[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenDot = false
        var digits = 0
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenDot { throw .notADecimal(text()) }
                seenDot = true
                continue
            }
            guard byte >= 48 && byte <= 57 else { throw .notADecimal(text()) }
            digits += 1
            let digit = Int64(byte - 48)
            if seenDot {
                fractionDigits += 1
                if fractionDigits > exponent {
                    // Trailing zeros beyond the exponent are harmless ("49.900").
                    if digit != 0 { throw .tooManyDecimals(text(), allowed: exponent, currency: currency) }
                    continue
                }
                fraction = fraction * 10 + digit
            } else {
                if whole > RecordLimits.money { throw .outOfRange(text(), currency: currency) }
                whole = whole * 10 + digit
            }
        }
        guard digits > 0 else { throw .notADecimal(text()) }
        for _ in min(fractionDigits, exponent)..<exponent { fraction *= 10 }
        let scale = Int64(powerOfTen(exponent))
        let (product, overflow) = whole.multipliedReportingOverflow(by: scale)
        guard !overflow, product <= RecordLimits.money else { throw .outOfRange(text(), currency: currency) }
        let value = product + fraction
        // Bounded here, so that every amount read anywhere is (RecordLimits).
        guard value <= RecordLimits.money else { throw .outOfRange(text(), currency: currency) }
        return Money(minorUnits: negative ? -value : value, currency: currency)
    }

    public static func powerOfTen(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, exponent) { result *= 10 }
        return result
    }

    /// Formats integer minor units as a decimal string with `exponent` decimal places.
    public static func decimalString(_ minorUnits: Int64, exponent: Int) -> String {
        guard exponent > 0 else { return String(minorUnits) }
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        let scale = UInt64(powerOfTen(exponent))
        var fraction = String(magnitude % scale)
        while fraction.count < exponent { fraction = "0" + fraction }
        return (negative ? "-" : "") + String(magnitude / scale) + "." + fraction
    }
}
