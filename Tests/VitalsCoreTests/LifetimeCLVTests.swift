import Testing
import VitalsCore

/// Customer lifetime value against lifetimes' `GammaGammaFitter.customer_lifetime_value`.
@Suite struct LifetimeCLVTests {
    let bgnbd = BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
    let gammaGamma = GammaGammaParameters(p: 6.25, q: 3.74, gamma: 15.44)

    /// ```python
    /// bg.params_ = pd.Series(dict(r=0.243, alpha=4.414, a=0.793, b=2.426))
    /// gg.params_ = pd.Series(dict(p=6.25, q=3.74, v=15.44))
    /// gg.customer_lifetime_value(bg, x, t_x, T, zbar, time=12, discount_rate=0.01, freq='W')
    /// ```
    @Test(arguments: [
        (2, 30.43, 38.86, 22.35, 36.2892111256), (1, 1.71, 38.86, 11.77, 4.63729465975),
        (0, 0.0, 38.86, 0.0, 8.36900435892), (1, 4.86, 38.86, 9.99, 6.35033259706),
        (26, 30.86, 31.0, 39.97, 972.101051488),
    ])
    func matchesLifetimes(x: Int, tx: Double, T: Double, m: Double, expected: Double) {
        let customer = CustomerRFM(account: AccountIndex(0), frequency: x, recency: tx, age: T, monetaryValue: m)
        let clv = CustomerLifetimeValue.value(
            customer, bgnbd: bgnbd, gammaGamma: gammaGamma, unit: .week, horizonMonths: 12, monthlyDiscountRate: 0.01)
        #expect(relativelyClose(clv, expected, 1e-9))
    }

    @Test func withoutDiscountingItIsSpendTimesPurchases() {
        let c = CustomerRFM(account: AccountIndex(0), frequency: 3, recency: 20, age: 30, monetaryValue: 50)
        let clv = CustomerLifetimeValue.value(
            c, bgnbd: bgnbd, gammaGamma: gammaGamma, unit: .day, horizonMonths: 6, monthlyDiscountRate: 0)
        let purchases = BGNBD.expectedPurchases(bgnbd, in: 180, frequency: 3, recency: 20, age: 30)
        let spend = GammaGamma.expectedAverageValue(gammaGamma, frequency: 3, monetaryValue: 50)
        #expect(relativelyClose(clv, purchases * spend, 1e-12))
        #expect(CustomerLifetimeValue.value(
            c, bgnbd: bgnbd, gammaGamma: gammaGamma, unit: .day, horizonMonths: 0, monthlyDiscountRate: 0.01) == 0)
    }

    @Test func analysisOfCDNOWRanksCustomers() throws {
        let summary = RFMSummary(orders: CDNOW.orders, fx: CDNOW.fx, calibrationEnd: CDNOW.calibrationEnd, unit: .week)
        let analysis = try CustomerLifetimeValue.analyse(summary, horizonMonths: 12, monthlyDiscountRate: 0.01)
        #expect(analysis.predictions.count == 2357)
        #expect(zip(analysis.predictions, analysis.predictions.dropFirst()).allSatisfy { $0.lifetimeValue >= $1.lifetimeValue })
        let top = analysis.predictions[0]
        #expect(top.probabilityAlive > 0 && top.probabilityAlive <= 1)
        #expect(relativelyClose(
            top.lifetimeValue,
            CustomerLifetimeValue.value(
                top.customer, bgnbd: analysis.bgnbd.parameters, gammaGamma: analysis.gammaGamma.parameters, unit: .week,
                horizonMonths: 12, monthlyDiscountRate: 0.01), 1e-12))
    }
}
