/// The bounds that values of records are checked against as they come in (docs/data-format.md, "Limits").
///
/// They are far beyond any real business, and chosen so that no sum, product or conversion of checked values can
/// overflow: a value past a bound is an error naming the field at the checks, never a trap later in a read.
public enum RecordLimits {
    /// The largest amount of money, in minor units, that one record may carry, and the largest total
    /// (amount × quantity) of one subscription item per billing interval: 10^15 minor units (ten trillion US dollars).
    public static let money: Int64 = 1_000_000_000_000_000

    /// The number of units of one subscription item.
    public static let quantity: ClosedRange<Int> = 0...100_000_000

    /// How many intervals one billing term spans.
    public static let intervalCount: ClosedRange<Int> = 1...1000

    /// The longest `cancel_reason` of a subscription version, in characters.
    public static let cancelReasonLength = 200

    /// `amount × quantity` when both are within their bounds and the product is at most `money`; nil otherwise.
    public static func itemTotal(amount: Int64, quantity: Int) -> Int64? {
        guard (0...money).contains(amount), RecordLimits.quantity.contains(quantity) else { return nil }
        let (total, overflow) = amount.multipliedReportingOverflow(by: Int64(quantity))
        return !overflow && total <= money ? total : nil
    }

    /// The message for an item whose amount × quantity is past `money`.
    public static func itemTotalMessage(currency: CurrencyCode) -> String {
        "amount × quantity is more than one subscription item may bill per interval ("
            + Money.decimalString(money, exponent: currency.minorUnitExponent) + " \(currency))"
    }
}

extension Int64 {
    /// `x` rounded half away from zero, or nil when `x` is not finite or the result is outside Int64's range
    /// (where `Int64(x)` would trap).
    public init?(roundingChecked x: Double) {
        let rounded = x.rounded(.toNearestOrAwayFromZero)
        // 2^63 is exact in a Double; every finite Double below it in magnitude converts.
        guard rounded.isFinite, rounded >= -9_223_372_036_854_775_808.0, rounded < 9_223_372_036_854_775_808.0 else {
            return nil
        }
        self.init(rounded)
    }

    /// `self + other`, held at Int64's bound instead of trapping when the sum passes it (totals of bounded amounts).
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// The distance between two instants or counts, which cannot overflow (`abs(a - b)` can).
    public static func distance(_ a: Int64, _ b: Int64) -> UInt64 {
        a >= b ? UInt64(bitPattern: a &- b) : UInt64(bitPattern: b &- a)
    }
}
