import Testing
import VitalsCore

/// BG/NBD against Fader, Hardie and Lee (2005) on CDNOW, and against lifetimes 0.11.3 at fixed parameters.
@Suite struct LifetimeBGNBDTests {
    let published = BGNBDParameters(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test func fitReproducesThePublishedCDNOWEstimates() throws {
        let fit = try BGNBD.fit(CDNOW.summary)
        #expect(CDNOW.summary.count == 2357)
        // Fader, Hardie and Lee (2005), Marketing Science 24 (2), §4: r = 0.243, α = 4.414, a = 0.793, b = 2.426,
        // LL = -9582.4.
        #expect(sameSignificantDigits(fit.parameters.r, 0.243))
        #expect(sameSignificantDigits(fit.parameters.alpha, 4.414))
        #expect(sameSignificantDigits(fit.parameters.a, 0.793))
        #expect(sameSignificantDigits(fit.parameters.b, 2.426))
        #expect(abs(fit.logLikelihood - -9582.4) < 0.05)
        // lifetimes: BetaGeoFitter().fit(x, t_x, T) -> r 0.242593, alpha 4.413532, a 0.792886, b 2.425752,
        // LL = -9582.425560567 (-_negative_log_likelihood at the optimum x 2357).
        #expect(relativelyClose(fit.parameters.r, 0.24259292828, 1e-4))
        #expect(relativelyClose(fit.parameters.alpha, 4.41353226527, 1e-4))
        #expect(relativelyClose(fit.parameters.a, 0.79288596644, 1e-4))
        #expect(relativelyClose(fit.parameters.b, 2.42575238263, 1e-4))
        #expect(abs(fit.logLikelihood - -9582.425560567) < 1e-4)
    }

    @Test func fitFromTheRawCDNOWPurchasesMatchesToo() throws {
        let summary = RFMSummary(orders: CDNOW.orders, fx: CDNOW.fx, calibrationEnd: CDNOW.calibrationEnd, unit: .week)
        let fit = try BGNBD.fit(summary.customers)
        #expect(sameSignificantDigits(fit.parameters.r, 0.243))
        #expect(sameSignificantDigits(fit.parameters.alpha, 4.414))
        #expect(sameSignificantDigits(fit.parameters.a, 0.793))
        #expect(sameSignificantDigits(fit.parameters.b, 2.426))
    }

    @Test func dayUnitsScaleAlphaOnly() throws {
        // Measuring time in days instead of weeks multiplies α (a time scale) by 7 and leaves r, a and b unchanged.
        let days = RFMSummary(orders: CDNOW.orders, fx: CDNOW.fx, calibrationEnd: CDNOW.calibrationEnd, unit: .day)
        let fit = try BGNBD.fit(days.customers)
        #expect(sameSignificantDigits(fit.parameters.r, 0.243))
        #expect(sameSignificantDigits(fit.parameters.alpha / 7, 4.414))
        #expect(sameSignificantDigits(fit.parameters.a, 0.793))
        #expect(sameSignificantDigits(fit.parameters.b, 2.426))
    }

    @Test func logLikelihoodAtThePublishedParameters() {
        // lifetimes: -BetaGeoFitter._negative_log_likelihood(log([0.243, 4.414, 0.793, 2.426]), x, t_x, T,
        //   ones, 0) * 2357 = -9582.426831182365
        #expect(abs(BGNBD.logLikelihood(published, CDNOW.summary) - -9582.426831182365) < 1e-6)
    }

    @Test func handComputedProbabilityAlive() {
        let p = BGNBDParameters(r: 1, alpha: 1, a: 1, b: 1)
        // odds of death = a/(b+x-1) ((α+T)/(α+t_x))^(r+x) = 1/1 x (4/2)^2 = 4, so P(alive) = 1/5.
        #expect(relativelyClose(BGNBD.probabilityAlive(p, frequency: 1, recency: 1, age: 3), 0.2, 1e-15))
        #expect(BGNBD.probabilityAlive(p, frequency: 0, recency: 0, age: 10) == 1)
        // A customer who bought at the very end (t_x = T) is as alive as a = 1, b + x - 1 = 1 allow: 1/2.
        #expect(relativelyClose(BGNBD.probabilityAlive(p, frequency: 1, recency: 5, age: 5), 0.5, 1e-15))
    }

    /// lifetimes at fixed parameters:
    /// ```python
    /// bg = BetaGeoFitter(); bg.params_ = pd.Series(dict(r=0.243, alpha=4.414, a=0.793, b=2.426))
    /// bg.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T)   # and 52.14
    /// bg.conditional_probability_alive(x, t_x, T); bg.expected_number_of_purchases_up_to_time(39)  # and 78
    /// ```
    @Test(arguments: [
        (2, 30.43, 38.86, 1.22602817477, 1.56215423152, 0.726578570081),  // CDNOW customer 1
        (1, 1.71, 38.86, 0.20318698708, 0.260410960896, 0.212100985377),  // 2
        (0, 0.0, 38.86, 0.195098052011, 0.252669575929, 1.0),  // 3
        (1, 4.86, 38.86, 0.297721262291, 0.381569120674, 0.310782565396),  // 18
        (26, 30.86, 31.0, 20.7497261409, 25.8089188964, 0.968915649718),  // 1516
    ])
    func predictionsMatchLifetimes(x: Int, tx: Double, T: Double, e39: Double, e52: Double, alive: Double) {
        #expect(relativelyClose(BGNBD.expectedPurchases(published, in: 39, frequency: x, recency: tx, age: T), e39, 1e-10))
        #expect(relativelyClose(BGNBD.expectedPurchases(published, in: 52.14, frequency: x, recency: tx, age: T), e52, 1e-10))
        #expect(relativelyClose(BGNBD.probabilityAlive(published, frequency: x, recency: tx, age: T), alive, 1e-10))
    }

    @Test func unconditionalExpectationMatchesLifetimes() {
        #expect(relativelyClose(BGNBD.expectedPurchases(published, in: 39), 1.19672319332, 1e-10))
        #expect(relativelyClose(BGNBD.expectedPurchases(published, in: 78), 1.86051905794, 1e-10))
        #expect(BGNBD.expectedPurchases(published, in: 0) == 0)
    }

    @Test func edgeCasesThrow() {
        #expect(throws: LifetimeFitError.tooFewCustomers(1)) {
            try BGNBD.fit([CustomerRFM(account: AccountIndex(0), frequency: 3, recency: 5, age: 9)])
        }
        #expect(throws: LifetimeFitError.noRepeatPurchases) {
            try BGNBD.fit((0..<10).map { CustomerRFM(account: AccountIndex($0), frequency: 0, recency: 0, age: 9) })
        }
    }
}
