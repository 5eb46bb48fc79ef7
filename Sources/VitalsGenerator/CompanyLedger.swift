import VitalsCore

/// The company-wide records: monthly acquisition spend per channel (scaled to the customers it won) and monthly
/// EUR and GBP exchange rates in USD.
struct CompanyLedger {
    let window: Window
    /// The first day of each calendar month the window touches (the first is the window's first day).
    private let monthStarts: [Int]
    private var newCustomers: [Int]
    private var trials: [Int]

    init(window: Window) {
        self.window = window
        var starts = [window.startDay]
        var month = Grain.month.start(containing: CivilDate(daysSinceEpoch: window.startDay)).adding(months: 1)
        while month.daysSinceEpoch < window.endDay {
            starts.append(month.daysSinceEpoch)
            month = month.adding(months: 1)
        }
        monthStarts = starts
        newCustomers = Array(repeating: 0, count: starts.count)
        trials = Array(repeating: 0, count: starts.count)
    }

    /// Counts the account's acquisition (first payment and trial) toward the spend of its month.
    mutating func note(_ plan: AccountPlan, life: AccountLife) {
        guard !plan.preexisting else { return }
        if let paid = life.firstPaidDay, let m = month(of: paid) { newCustomers[m] += 1 }
        if let trial = life.trialStartDay, let m = month(of: trial) { trials[m] += 1 }
    }

    private func month(of day: Int) -> Int? {
        guard window.contains(day: day) else { return nil }
        var low = 0
        var high = monthStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if monthStarts[mid] <= day { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// One cost per month and channel, in USD: about $2,000 per new customer and $150 per trial, plus a base.
    func acquisitionCosts(rng: inout SeededRandom) -> [AcquisitionCost] {
        var costs: [AcquisitionCost] = []
        costs.reserveCapacity(monthStarts.count * Catalog.acquisitionChannels.count)
        for (m, start) in monthStarts.enumerated() {
            let end = m + 1 < monthStarts.count ? monthStarts[m + 1] : window.endDay
            let fullMonth = Double(end - start) / 30.44
            let total = (2_000 * Double(newCustomers[m]) + 150 * Double(trials[m]) + 5_000 * fullMonth)
                * rng.double(in: 0.85...1.15)
            for (c, channel) in Catalog.acquisitionChannels.enumerated() {
                let dollars = total * Catalog.acquisitionShares[c] * rng.double(in: 0.8...1.2)
                costs.append(
                    AcquisitionCost(
                        periodStart: Window.timestamp(day: start), periodEnd: Window.timestamp(day: end - 1),
                        amount: Money(minorUnits: Int64(dollars.rounded()) * 100, currency: .usd), channel: channel))
            }
        }
        return costs
    }

    /// Monthly EUR and GBP rates in USD, from the window's first day: a random walk around 1.08 and 1.27.
    func fxRates(rng: inout SeededRandom) -> [FxRate] {
        var rates: [FxRate] = []
        rates.reserveCapacity(monthStarts.count * 2)
        for (currency, base) in [(CurrencyCode.eur, 1.08), (CurrencyCode.gbp, 1.27)] {
            var rate = base * (1 + 0.02 * rng.normal())
            for start in monthStarts {
                rates.append(FxRate(date: Window.timestamp(day: start), currency: currency,
                                    rate: (rate * 10_000).rounded() / 10_000))
                rate *= 1 + 0.012 * rng.normal()
            }
        }
        return rates
    }
}
