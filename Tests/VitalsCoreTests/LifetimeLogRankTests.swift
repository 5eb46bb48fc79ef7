import Testing
import VitalsCore

@Suite struct LifetimeLogRankTests {
    @Test func freireichTreatmentVersusPlacebo() throws {
        let test = try #require(LogRankTest(groups: [
            (Freireich.treatment.map(\.0), Freireich.treatment.map(\.1)),
            (Freireich.placebo.map(\.0), Freireich.placebo.map(\.1)),
        ]))
        // Kleinbaum and Klein (2012), ch. 2: log-rank = 16.79, P = 0.0000 (to 4 decimals), 1 degree of freedom.
        #expect(abs(test.statistic - 16.79) < 0.005)
        #expect(test.degreesOfFreedom == 1)
        #expect(test.pValue < 0.00005)
        // 9 and 21 remissions observed against 19.25 and 10.75 expected (the sums of d n_g / n over the risk sets).
        #expect(test.observed == [9, 21])
        #expect(abs(test.expected[0] - 19.25) < 0.005 && abs(test.expected[1] - 10.75) < 0.005)
        // lifelines 0.30.3: logrank_test(t1, t2, e1, e2) -> 16.7929409892, p = 4.16880910933e-05.
        #expect(abs(test.statistic - 16.7929409892) < 1e-9)
        #expect(relativelyClose(test.pValue, 4.16880910933e-05, 1e-8))
    }

    /// lifelines 0.30.3:
    /// ```python
    /// multivariate_logrank_test(ta + tb + tc, ['a'] * 8 + ['b'] * 8 + ['c'] * 9, ea + eb + ec)
    /// # -> test_statistic 10.8547548934, p 0.00439460579119, degrees_of_freedom 2
    /// ```
    @Test func threeGroupsMatchLifelines() throws {
        let test = try #require(LogRankTest(groups: [
            ([3, 5, 7, 2, 18, 9, 11, 4], [true, true, false, true, false, true, true, true]),
            ([8, 12, 15, 6, 20, 22, 9, 14], [true, false, true, true, false, true, true, false]),
            ([1, 2, 2, 4, 5, 3, 7, 6, 8], [true, true, true, true, false, true, true, true, true]),
        ]))
        #expect(test.degreesOfFreedom == 2)
        #expect(abs(test.statistic - 10.8547548934) < 1e-9)
        #expect(relativelyClose(test.pValue, 0.00439460579119, 1e-8))
        #expect(abs(test.observed.reduce(0, +) - test.expected.reduce(0, +)) < 1e-12)
    }

    @Test func degenerateInputsGiveNoTest() {
        #expect(LogRankTest(groups: [([1, 2], [true, true])]) == nil)
        #expect(LogRankTest(groups: [([1, 2], [true, true]), ([], [])]) == nil)
        #expect(LogRankTest(groups: [([1, 2], [false, false]), ([3], [false])]) == nil)  // all censored
    }
}
