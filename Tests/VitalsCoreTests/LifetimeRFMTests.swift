import Testing
import VitalsCore

/// The RFM summary follows lifetimes' `summary_data_from_transaction_data` conventions.
@Suite struct LifetimeRFMTests {
    @Test func handComputedSummary() {
        let eur = CurrencyCode("EUR")!
        let fx = FxTable(reportingCurrency: .usd, rates: [FxRate(date: at("2024-01-01"), currency: eur, rate: 2)])
        func order(_ account: Int, _ day: String, _ minor: Int64, _ currency: CurrencyCode = .usd) -> Order {
            Order(id: OrderID("\(account)-\(day)-\(minor)"), account: AccountIndex(account), orderedAt: at(day),
                  amount: Money(minorUnits: minor, currency: currency))
        }
        let orders = [
            order(0, "2024-01-29T18:00:00Z", 3_000),
            order(0, "2024-01-01T09:00:00Z", 1_000),
            order(0, "2024-01-01T20:00:00Z", 500),  // same day as the first: one purchase
            order(0, "2024-01-15", 1_000, eur),  // 10.00 EUR = 20.00 USD
            order(0, "2024-03-01", 9_900),  // after the calibration end: ignored
            order(1, "2024-02-11T23:59:59Z", 4_200),  // on the last day: counted
            order(2, "2024-02-12", 100),  // only after the end: not a customer yet
            order(3, "2024-01-08", 1_000, CurrencyCode("JPY")!),  // no rate: left out
        ]
        let summary = RFMSummary(orders: orders, fx: fx, calibrationEnd: CivilDate(year: 2024, month: 2, day: 11), unit: .week)
        #expect(summary.ordersWithoutRate == 1)
        #expect(summary.customers.count == 2)
        let a = summary.customers[0]
        #expect(a.account == AccountIndex(0))
        // Purchase days Jan 1, 15, 29: x = 2 repeat days; t_x = 28 days = 4 weeks; T = 41 days; m̄ = (20 + 30)/2.
        #expect(a.frequency == 2)
        #expect(a.recency == 4)
        #expect(relativelyClose(a.age, 41.0 / 7, 1e-15))
        #expect(relativelyClose(a.monetaryValue, 25, 1e-12))
        let b = summary.customers[1]
        #expect(b == CustomerRFM(account: AccountIndex(1), frequency: 0, recency: 0, age: 0, monetaryValue: 0))
        let days = RFMSummary(orders: orders, fx: fx, calibrationEnd: CivilDate(year: 2024, month: 2, day: 11), unit: .day)
        #expect(days.customers[0].recency == 28)
        #expect(days.customers[0].age == 41)
    }

    @Test func rawCDNOWPurchasesGiveThePublishedSummary() {
        let summary = RFMSummary(orders: CDNOW.orders, fx: CDNOW.fx, calibrationEnd: CDNOW.calibrationEnd, unit: .week)
        #expect(summary.customers.count == 2357)
        let published = CDNOW.summary
        var worstRecency = 0.0
        var worstAge = 0.0
        var worstSpend = 0.0
        var frequencyMismatches = 0
        for (mine, theirs) in zip(summary.customers, published) {
            #expect(mine.account == theirs.account)
            if mine.frequency != theirs.frequency { frequencyMismatches += 1 }
            worstRecency = max(worstRecency, abs(mine.recency - theirs.recency))
            worstAge = max(worstAge, abs(mine.age - theirs.age))
            worstSpend = max(worstSpend, abs(mine.monetaryValue - theirs.monetaryValue))
        }
        // The published file rounds t_x, T and zbar to two decimals.
        #expect(frequencyMismatches == 0)
        #expect(worstRecency <= 0.005 + 1e-9)
        #expect(worstAge <= 0.005 + 1e-9)
        #expect(worstSpend <= 0.005 + 1e-9)
    }
}
