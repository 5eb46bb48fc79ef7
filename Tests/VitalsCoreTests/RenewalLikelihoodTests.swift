import Foundation
import Testing
import VitalsCore

/// A renewal's likelihood is one minus the calibrated churn probability at the account's component scores.
@Suite struct RenewalLikelihoodTests {
    @Test func oneMinusTheLogisticChurnProbability() {
        var coefficients = [Double](repeating: 0, count: HealthComponent.count)
        coefficients[0] = -3
        var means = [Double](repeating: 50, count: HealthComponent.count)
        means[0] = 80
        let model = RenewalLikelihood(intercept: -2, coefficients: coefficients, means: means, modelIndex: 0, horizonDays: 90)
        // z = -2 + (-3)(50/100) = -3.5; σ(-3.5) = 1 / (1 + e^3.5) = 1 / 34.11545 = 0.0293122: likelihood 0.9706878.
        var scores = [Double?](repeating: nil, count: HealthComponent.count)
        scores[0] = 50
        #expect(abs(model.likelihood(scores: scores) - 0.9706878) < 1e-7)
        // No score: the training mean 80 stands in. z = -2 - 2.4 = -4.4; σ = 1 / (1 + 81.450869) = 0.0121284.
        #expect(abs(model.likelihood(scores: [Double?](repeating: nil, count: HealthComponent.count)) - 0.9878716) < 1e-7)
    }
}
