import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// How the dashboard writes values: as `vitals report` does, with the currency's symbol on money (`$1,416.47`).
enum Display {
    static func value(_ kpi: KPI, _ value: KPIValue, currency: CurrencyCode) -> String {
        // NPS is read in whole points (-100 to 100), as every survey tool writes it; the JSON keeps the exact value.
        if kpi == .nps, let x = value.double, x.isFinite { return String(Int(x.rounded())) }
        let text = ReportTable.format(value, unit: kpi.unit, currency: currency)
        guard text != "-" else { return text }
        switch kpi.unit {
        case .money: return currency.written(text)
        // A money breakdown's summary is its largest part: "too_expensive 500.00" becomes "too_expensive $500.00".
        case .amounts:
            guard let space = text.lastIndex(of: " ") else { return text }
            return "\(text[..<space]) " + currency.written(String(text[text.index(after: space)...]))
        default: return text
        }
    }

    /// A tile's value: as `value`, but money of a thousand or more in whole units ($765,773), so it fits.
    static func tile(_ kpi: KPI, _ value: KPIValue, currency: CurrencyCode) -> String {
        guard kpi.unit == .money, let x = value.double, abs(x) >= 1000 * Money.powerOfTen(currency.minorUnitExponent) else {
            return self.value(kpi, value, currency: currency)
        }
        let whole = (x / Money.powerOfTen(currency.minorUnitExponent)).rounded()
        return currency.written(ReportTable.format(.number(whole), unit: .count, currency: currency))
    }

    /// The value as the JSON API writes it, for `data-value` attributes that tests compare with the API.
    static func json(_ kpi: KPI, _ value: KPIValue, currency: CurrencyCode) -> String {
        ReportJSON.number(value, unit: kpi.unit, currency: currency)
    }

    /// Money computed as a Double of minor units (a mean, a model's value): rounded, or written as the number it is
    /// beyond Int64's range rather than trapping.
    static func money(_ minorUnits: Double, _ currency: CurrencyCode) -> String {
        guard let minor = Int64(roundingChecked: minorUnits) else {
            return currency.written(String(minorUnits / Money.powerOfTen(currency.minorUnitExponent)))
        }
        return money(minor, currency)
    }

    static func money(_ minorUnits: Int64, _ currency: CurrencyCode) -> String {
        currency.written(ReportTable.format(.number(Double(minorUnits)), unit: .money, currency: currency))
    }

    /// Chart numbers in the KPI's display unit (major units for money, percent for rates).
    static func chartValue(_ kpi: KPI, _ value: KPIValue, currency: CurrencyCode) -> Double? {
        guard let x = value.double, x.isFinite else { return nil }
        switch kpi.unit {
        case .money, .amounts: return x / Money.powerOfTen(currency.minorUnitExponent)
        case .rate, .rates: return x * 100
        case .count, .number: return x
        }
    }

    static func axisFormat(_ kpi: KPI) -> @Sendable (Double) -> String {
        switch kpi.unit {
        case .money, .amounts: { compact($0) }
        case .rate, .rates: { ReportTable.format(.number($0 / 100), unit: .rate, currency: .usd) }
        case .count: { compact($0) }
        case .number: { abs($0) >= 1000 ? compact($0) : ReportTable.format(.number($0), unit: .number, currency: .usd) }
        }
    }

    /// 1234567 -> "1.23M", 5300 -> "5.3k".
    static func compact(_ x: Double) -> String {
        let a = abs(x)
        let (scaled, suffix): (Double, String) = a >= 1e9 ? (x / 1e9, "B") : a >= 1e6 ? (x / 1e6, "M") : a >= 1e3 ? (x / 1e3, "k") : (x, "")
        var text = String(format: abs(scaled) >= 100 || suffix.isEmpty && scaled == scaled.rounded() ? "%.0f" : "%.2f", scaled)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + suffix
    }

    /// The change from `previous` to `current`: percentage points for rates, a relative change otherwise, with
    /// whether it is good news.
    static func change(_ kpi: KPI, current: KPIValue, previous: KPIValue) -> (text: String, tone: String)? {
        guard let now = current.double, let before = previous.double, now.isFinite, before.isFinite else { return nil }
        let difference = now - before
        let text: String
        if kpi.unit == .rate {
            text = signed(difference * 100, decimals: 1) + " pt"
        } else if kpi == .nps {
            text = signed(difference, decimals: 1) + " pt"
        } else {
            guard before != 0 else { return difference == 0 ? ("no change", "flat") : nil }
            text = signed(difference / abs(before) * 100, decimals: 1) + " %"
        }
        if abs(difference) < 1e-12 { return ("no change", "flat") }
        let good = (difference > 0) != KPIGuide.lowerIsBetter(kpi)
        return (text, good ? "good" : "bad")
    }

    static func signed(_ x: Double, decimals: Int) -> String {
        let magnitude = ReportTable.format(.number(abs(x)), unit: .number, currency: .usd)
        let rounded = decimals == 1 ? String(format: "%.1f", abs(x)) : magnitude
        return (x >= 0 ? "+" : "−") + rounded
    }
}

extension Display {
    /// 12,345: thousands separated.
    static func integer(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
