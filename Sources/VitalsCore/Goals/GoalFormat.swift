/// Writes goal values for people: rates as percentages ("85.0 %"), money and plain numbers with two decimals at most.
public enum GoalFormat {
    /// `value` in `unit`: 0.853 as a rate is "85.3 %"; 1234.5 as money is "1234.50"; 3 as a count is "3".
    public static func value(_ value: Double, unit: KPIUnit) -> String {
        switch unit {
        case .rate, .rates: fixed(value * 100, decimals: 1) + " %"
        case .count: value == value.rounded() ? fixed(value, decimals: 0) : fixed(value, decimals: 1)
        case .money, .number, .amounts: fixed(value, decimals: 2)
        }
    }

    /// A change per period: rates in percentage points ("+1.2 pp"), others signed in their unit.
    public static func pace(_ value: Double, unit: KPIUnit) -> String {
        let sign = value >= 0 ? "+" : "-"
        switch unit {
        case .rate, .rates: return sign + fixed(abs(value) * 100, decimals: 2) + " pp"
        default: return sign + fixed(abs(value), decimals: 2)
        }
    }

    /// The target amount as written: "85.0 %", or "-10 %" for a relative change.
    public static func amount(_ amount: TargetAmount, unit: KPIUnit) -> String {
        switch amount {
        case .value(let v): value(v, unit: unit)
        case .change(let c):
            // One decimal, dropped when it is 0: -0.15 is "-15 %" (not "-15.000000000000002"), -0.125 "-12.5 %".
            (c >= 0 ? "+" : "-") + { $0.hasSuffix(".0") ? String($0.dropLast(2)) : $0 }(fixed(abs(c) * 100, decimals: 1)) + " %"
        }
    }

    /// `value` rounded to `decimals` places, without exponent notation.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(value) }
        let whole = Int64(scaled)
        let unitsPart = whole / Int64(scale)
        var text = (value < 0 && whole != 0 ? "-" : "") + String(unitsPart)
        if decimals > 0 {
            let fraction = String(whole % Int64(scale))
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }
}
