/// A company KPI's value as people read it in an alert (docs/alerts.md, `kpi_off_target`): rates in percent, money in
/// the reporting currency's major units with thousands grouped, counts whole, other numbers to two decimals. A rule's
/// `min` and `max` are in the same terms as `GET /api/v1/kpis`: fractions for rates, major units for money.
public enum KPIReading {
    public static func written(_ value: Double, _ unit: KPIUnit, _ currency: CurrencyCode) -> String {
        guard value.isFinite else { return String(value) }
        switch unit {
        case .rate, .rates: return decimal(value * 100, places: 1) + " %"
        case .money, .amounts: return currency.written(decimal(value, places: 2))
        case .count: return decimal(value, places: 0)
        case .number: return decimal(value, places: 2)
        }
    }

    /// `value` rounded to `places` decimals, thousands grouped with commas; beyond 10^15 in plain notation.
    static func decimal(_ value: Double, places: Int) -> String {
        let scale = Money.powerOfTen(places)
        guard let scaled = Int64(exactly: (abs(value) * scale).rounded()), abs(value) < 1e15 else { return String(value) }
        let whole = scaled / Int64(scale)
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        if places > 0 {
            let fraction = String(scaled % Int64(scale))
            grouped += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return (value < 0 && scaled != 0 ? "-" : "") + grouped
    }
}
