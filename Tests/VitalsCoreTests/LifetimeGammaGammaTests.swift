import Testing
import VitalsCore

/// Gamma-Gamma against Fader, Hardie and Lee (2005, "RFM and CLV") and Fader and Hardie's note 025 on CDNOW.
@Suite struct LifetimeGammaGammaTests {
    let published = GammaGammaParameters(p: 6.25, q: 3.74, gamma: 15.44)

    @Test func fitReproducesThePublishedCDNOWEstimates() throws {
        let fit = try GammaGamma.fit(CDNOW.summary)
        #expect(fit.customers == 946)  // the repeat buyers
        #expect(sameSignificantDigits(fit.parameters.p, 6.25))
        #expect(sameSignificantDigits(fit.parameters.q, 3.74))
        #expect(sameSignificantDigits(fit.parameters.gamma, 15.44))
        // lifetimes: GammaGammaFitter().fit(x[x > 0], zbar[x > 0]) -> p 6.248802, q 3.744588, v 15.447748.
        #expect(relativelyClose(fit.parameters.p, 6.248802, 1e-4))
        #expect(relativelyClose(fit.parameters.q, 3.744588, 1e-4))
        #expect(relativelyClose(fit.parameters.gamma, 15.447748, 1e-4))
    }

    @Test func fitFromTheRawCDNOWPurchases() throws {
        let summary = RFMSummary(orders: CDNOW.orders, fx: CDNOW.fx, calibrationEnd: CDNOW.calibrationEnd, unit: .week)
        let fit = try GammaGamma.fit(summary.customers)
        // lifetimes on summary_data_from_transaction_data(..., monetary_value_col='amount',
        //   observation_period_end='1997-09-30', freq='D', freq_multiplier=7): p 6.249572, q 3.744225, v 15.443521.
        #expect(relativelyClose(fit.parameters.p, 6.249572, 1e-4))
        #expect(relativelyClose(fit.parameters.q, 3.744225, 1e-4))
        #expect(relativelyClose(fit.parameters.gamma, 15.443521, 1e-4))
    }

    @Test func handComputedExpectedSpend() {
        let g = GammaGammaParameters(p: 1, q: 2, gamma: 10)
        // x = 0: the population mean pγ/(q-1) = 10. x = 2, m̄ = 20: (pγ + px m̄)/(px + q - 1) = (10 + 40)/3.
        #expect(GammaGamma.expectedAverageValue(g, frequency: 0, monetaryValue: 0) == 10)
        #expect(relativelyClose(GammaGamma.expectedAverageValue(g, frequency: 2, monetaryValue: 20), 50.0 / 3, 1e-15))
        #expect(g.populationMean == 10)
    }

    /// lifetimes: `gg.params_ = pd.Series(dict(p=6.25, q=3.74, v=15.44)); gg.conditional_expected_average_profit(x, zbar)`
    @Test(arguments: [
        (2, 22.35, 24.6637139108), (1, 11.77, 18.9168520578), (0, 0.0, 35.2189781022), (1, 9.99, 17.6793659622),
        (26, 39.97, 39.8912188332),
    ])
    func expectedSpendMatchesLifetimes(x: Int, m: Double, expected: Double) {
        #expect(relativelyClose(GammaGamma.expectedAverageValue(published, frequency: x, monetaryValue: m), expected, 1e-10))
    }

    @Test func edgeCasesThrow() {
        let oneBuyer = [
            CustomerRFM(account: AccountIndex(0), frequency: 2, recency: 5, age: 9, monetaryValue: 10),
            CustomerRFM(account: AccountIndex(1), frequency: 0, recency: 0, age: 9),
        ]
        #expect(throws: LifetimeFitError.tooFewCustomers(1)) { try GammaGamma.fit(oneBuyer) }
        #expect(throws: LifetimeFitError.noRepeatPurchases) { try GammaGamma.fit([oneBuyer[1], oneBuyer[1]]) }
    }
}
