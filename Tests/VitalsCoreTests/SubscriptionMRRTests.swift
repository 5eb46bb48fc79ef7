import Testing
import VitalsCore

@Suite struct SubscriptionMRRTests {
    let fx = FxTable(
        reportingCurrency: .usd,
        rates: [
            FxRate(date: at("2024-01-01"), currency: .eur, rate: 1.10),
            FxRate(date: at("2024-06-01"), currency: .eur, rate: 1.20),
            FxRate(date: at("2024-01-01"), currency: CurrencyCode("JPY")!, rate: 0.0067),
        ])

    func mrr(
        _ amount: Int64, _ interval: BillingInterval, count: Int = 1, quantity: Int = 1, percent: Double = 0,
        off: Int64 = 0, currency: CurrencyCode = .usd, from: String = "2024-02-01"
    ) -> Int64? {
        SubscriptionMRR.monthlyValue(
            of: SubscriptionVersion(
                subscriptionID: "s", account: AccountIndex(0), product: "p",
                amount: Money(minorUnits: amount, currency: currency), interval: interval, intervalCount: count,
                quantity: quantity, discountPercent: percent, discountAmount: off, validFrom: at(from)),
            fx: fx)
    }

    @Test func normalisesToAMonth() {
        #expect(mrr(120_000, .year) == 10_000)  // 1,200.00 a year = 100.00 a month
        #expect(mrr(100_000, .year) == 8_333)  // 83.333... rounds to 83.33
        #expect(mrr(30_000, .month, count: 3) == 10_000)  // quarterly 300.00
        #expect(mrr(1_000, .week) == 4_333)  // 10.00 x 52 / 12 = 43.333...
        #expect(mrr(100, .day) == 3_042)  // 1.00 x 365 / 12 = 30.4166...
        #expect(mrr(1_000, .day, count: 2) == 15_208)  // 10.00 x 365 / 24 = 152.083...
    }

    /// Half a cent in decimal rounds away from zero even where binary floating point lands just below the half.
    @Test func roundsExactHalvesAwayFromZero() {
        let halves = FxTable(
            reportingCurrency: .usd, rates: [FxRate(date: at("2025-01-01"), currency: .eur, rate: 1.1135)])
        func mrr(_ amount: Int64, quantity: Int = 1, percent: Double = 0, currency: CurrencyCode = .usd) -> Int64? {
            SubscriptionMRR.monthlyValue(
                of: SubscriptionVersion(
                    subscriptionID: "s", account: AccountIndex(0), product: "p",
                    amount: Money(minorUnits: amount, currency: currency), quantity: quantity,
                    discountPercent: percent, validFrom: at("2025-01-12")),
                fx: halves)
        }
        // EUR 185.00 x 6 seats = 1,110.00 x 1.1135 = USD 1,235.985 exactly: 1,235.99 (the double product is
        // 123598.49999999999 cents).
        #expect(mrr(18_500, quantity: 6, currency: .eur) == 123_599)
        // 10.10 less 5 % = 9.595: 9.60.
        #expect(mrr(1_010, percent: 5) == 960)
        // Not a half: the ordinary path.
        #expect(mrr(18_500, currency: .eur) == 20_600)  // 185.00 x 1.1135 = 205.9975 -> 206.00
    }

    @Test func appliesQuantityAndForeverDiscounts() {
        #expect(mrr(2_000, .month, quantity: 3, percent: 10) == 5_400)  // 3 x 20.00 less 10 %
        #expect(mrr(5_000, .month, off: 500) == 4_500)  // 50.00 less 5.00
        #expect(mrr(120_000, .year, percent: 25, off: 12_000) == 6_500)  // (1200 x 0.75 - 120) / 12 = 65.00
        #expect(mrr(1_000, .month, off: 5_000) == 0)  // a discount never makes MRR negative
    }

    @Test func convertsAtTheRateWhenTheVersionStarts() {
        #expect(mrr(10_000, .month, currency: .eur) == 11_000)  // 100 EUR x 1.10
        #expect(mrr(10_000, .month, currency: .eur, from: "2024-07-15") == 12_000)  // 1.20 from June
        #expect(mrr(10_000, .month, currency: .eur, from: "2023-07-15") == 11_000)  // before the first rate: the first
        #expect(mrr(1_000, .month, currency: CurrencyCode("JPY")!) == 670)  // 1,000 JPY = 6.70 USD
        #expect(mrr(1_000, .month, currency: .gbp) == nil)  // no rate
    }

    @Test func trialingAndPausedCountZero() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-01-15", id: "s", status: .trialing)
        b.subscription(a, 100, from: "2024-01-15", to: "2024-03-01", id: "s")
        b.subscription(a, 100, from: "2024-03-01", id: "s", status: .paused)
        let rows = b.report(from: "2024-01", through: "2024-03").rows
        #expect(rows[0].major(.newMRR) == 100)
        #expect(rows[0].major(.mrr) == 100)
        #expect(rows[2].major(.churnedMRR) == 100)
        #expect(rows[2].major(.mrr) == 0)
    }

    @Test func pastDueChurnsAfterTheDelinquencyWindow() {
        var b = DatasetBuilder()
        b.subscription(b.account("a"), 100, from: "2024-01-10", status: .pastDue)
        let thirty = b.report(from: "2024-01", through: "2024-03").rows
        #expect(thirty[0].major(.newMRR) == 100)
        #expect(thirty[1].major(.churnedMRR) == 100)  // 2024-02-09
        let sixty = b.report(from: "2024-01", through: "2024-03", settings: ReportSettings(delinquencyDays: 60)).rows
        #expect(sixty[1].major(.churnedMRR) == 0)
        #expect(sixty[2].major(.churnedMRR) == 100)  // 2024-03-10
    }

    @Test func theDelinquencyWindowRunsFromTheFirstPastDueVersion() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-02-01", id: "s")
        b.subscription(a, 100, from: "2024-02-01", to: "2024-02-20", id: "s", status: .pastDue)
        b.subscription(a, 150, from: "2024-02-20", id: "s", status: .pastDue)
        let rows = b.report(from: "2024-02", through: "2024-03").rows
        #expect(rows[0].major(.expansionMRR) == 50)
        #expect(rows[0].major(.churnedMRR) == 0)
        #expect(rows[1].major(.churnedMRR) == 150)  // 2024-03-02, 30 days after 2024-02-01
    }

    /// The versions of a subscription are put in time order whatever order the export lists them in: each
    /// subscription's versions reversed (sorted within the subscription), or subscriptions interleaved (sorted whole).
    @Test(arguments: [false, true]) func versionsAreOrderedWhateverTheListing(interleaved: Bool) {
        var b = DatasetBuilder()
        let a = b.account("a")
        let other = b.account("b")
        if !interleaved { b.subscription(other, 40, from: "2024-01-01", id: "r") }
        b.subscription(a, 150, from: "2024-02-20", id: "s", status: .pastDue)
        if interleaved { b.subscription(other, 40, from: "2024-01-01", id: "r") }
        b.subscription(a, 100, from: "2024-02-01", to: "2024-02-20", id: "s", status: .pastDue)
        b.subscription(a, 100, from: "2024-01-01", to: "2024-02-01", id: "s")
        // Twenty days from the first past_due version: 2024-02-21, the day after the raise (from 02-20: 03-11).
        let rows = b.report(from: "2024-02", through: "2024-03", settings: ReportSettings(delinquencyDays: 20)).rows
        #expect(rows[0].major(.expansionMRR) == 50)
        #expect(rows[0].major(.churnedMRR) == 150)
        #expect(rows[0].major(.mrr) == 40)
        #expect(rows[1].major(.churnedMRR) == 0)
    }

    @Test func aRecoveredPaymentIsNoMovement() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-02-01", id: "s")
        b.subscription(a, 100, from: "2024-02-01", to: "2024-02-20", id: "s", status: .pastDue)
        b.subscription(a, 100, from: "2024-02-20", id: "s")
        let feb = b.report(from: "2024-02", through: "2024-02").rows[0]
        #expect(feb.major(.churnedMRR) == 0)
        #expect(feb.major(.reactivationMRR) == 0)
        #expect(feb.major(.mrr) == 100)
    }
}

/// Versions past the checks' bounds (a store written before they existed, or a configured rate) never trap.
@Suite struct SubscriptionMRRBoundsTests {
    func version(_ id: String, amount: Int64, quantity: Int, interval: BillingInterval = .month) -> SubscriptionVersion {
        SubscriptionVersion(
            subscriptionID: SubscriptionID(id), account: AccountIndex(0), product: "Core",
            amount: Money(minorUnits: amount, currency: .usd), interval: interval, quantity: quantity,
            validFrom: Timestamp(year: 2024, month: 1, day: 1))
    }

    @Test func aVersionPastEveryBoundIsHeldAtTheCeiling() {
        let fx = FxTable(reportingCurrency: .usd, rates: [])
        // 10^11 cents x 10^8 = 10^19 cents a month: past Int64 (9.22 x 10^18), held at 2^53.
        #expect(SubscriptionMRR.monthlyValue(of: version("s", amount: 100_000_000_000, quantity: 100_000_000), fx: fx)
            == 9_007_199_254_740_992)
        // Int64.max cents a day: about 2.8 x 10^20 a month.
        #expect(SubscriptionMRR.monthlyValue(of: version("d", amount: .max, quantity: 1, interval: .day), fx: fx)
            == 9_007_199_254_740_992)
    }

    @Test func theWorkspaceTotalIsHeldSoNoSumOverflows() {
        let fx = FxTable(reportingCurrency: .usd, rates: [])
        // Ten versions at the 2^53 ceiling: the first eight make 2^56 exactly, the last two have nothing left.
        let versions = (0..<10).map { version("s\($0)", amount: 100_000_000_000, quantity: 100_000_000) }
        let spans = SubscriptionMRR.spans(of: versions, fx: fx, delinquencyDays: 30)
        #expect(spans.count == 8)
        #expect(spans.reduce(Int64(0)) { $0 + $1.mrr } == 72_057_594_037_927_936)
    }

    @Test func roundingCheckedRefusesWhatInt64CannotHold() {
        #expect(Int64(roundingChecked: 2.5) == 3)
        #expect(Int64(roundingChecked: -2.5) == -3)
        #expect(Int64(roundingChecked: 9.3e18) == nil)
        #expect(Int64(roundingChecked: -9_223_372_036_854_775_808.0) == .min)
        #expect(Int64(roundingChecked: .nan) == nil)
        #expect(Int64(roundingChecked: .infinity) == nil)
        #expect(Int64.distance(.min, .max) == .max)
        #expect(Int64.distance(1_700_000_000, .min) == 9_223_372_038_554_775_808)
    }

    @Test func itemTotalsAreBounded() {
        #expect(RecordLimits.itemTotal(amount: 10_000_000, quantity: 100_000_000) == 1_000_000_000_000_000)
        #expect(RecordLimits.itemTotal(amount: 10_000_001, quantity: 100_000_000) == nil)
        #expect(RecordLimits.itemTotal(amount: .max, quantity: 2) == nil)
        #expect(RecordLimits.itemTotal(amount: -1, quantity: 1) == nil)
    }
}
