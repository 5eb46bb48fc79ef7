/// Converts money into the reporting currency with the latest rate on or before a date.
///
/// A date before a currency's first rate uses that first rate.
public struct FxTable: Sendable {
    public let reportingCurrency: CurrencyCode
    private var rates: [CurrencyCode: [(date: Int64, rate: Double)]] = [:]

    public init(reportingCurrency: CurrencyCode, rates: [FxRate]) {
        self.reportingCurrency = reportingCurrency
        for rate in rates where rate.currency != reportingCurrency {
            self.rates[rate.currency, default: []].append((rate.date.seconds, rate.rate))
        }
        for key in self.rates.keys { self.rates[key]!.sort { $0.date < $1.date } }
    }

    /// Whether amounts in `currency` can be converted.
    public func canConvert(_ currency: CurrencyCode) -> Bool {
        currency == reportingCurrency || rates[currency] != nil
    }

    /// Units of the reporting currency per unit of `currency` at `date`.
    public func rate(_ currency: CurrencyCode, at date: Timestamp) -> Double? {
        if currency == reportingCurrency { return 1 }
        guard let series = rates[currency], !series.isEmpty else { return nil }
        // Binary search for the last rate dated on or before `date`.
        var low = 0
        var high = series.count
        while low < high {
            let mid = (low + high) / 2
            if series[mid].date <= date.seconds { low = mid + 1 } else { high = mid }
        }
        return series[max(0, low - 1)].rate
    }

    /// The factor that turns minor units of `currency` into minor units of the reporting currency at `date`.
    public func minorUnitFactor(_ currency: CurrencyCode, at date: Timestamp) -> Double? {
        guard let rate = rate(currency, at: date) else { return nil }
        let shift = reportingCurrency.minorUnitExponent - currency.minorUnitExponent
        return shift >= 0 ? rate * Money.powerOfTen(shift) : rate / Money.powerOfTen(-shift)
    }

    /// `money` in reporting-currency minor units (not rounded), or `nil` without a rate.
    public func convert(_ money: Money, at date: Timestamp) -> Double? {
        guard let factor = minorUnitFactor(money.currency, at: date) else { return nil }
        return Double(money.minorUnits) * factor
    }
}
