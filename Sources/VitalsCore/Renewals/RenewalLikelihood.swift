import Foundation

/// The chance an account renews, from the health model calibrated on the workspace's own churn (docs/health.md,
/// "Calibration"; docs/metrics.md, renewals): one minus the calibrated logistic regression's probability of churning
/// within its horizon, at the account's component scores as of an instant,
/// `1 - σ(β₀ + Σ_c β_c · x_c)` with `x_c` = the component's score / 100, or its training mean / 100 when it has no data.
/// Accounts scored by another model than the calibrated one have no likelihood.
public struct RenewalLikelihood: Sendable {
    public let intercept: Double
    public let coefficients: [Double]
    public let means: [Double]
    public let modelIndex: Int
    public let horizonDays: Int

    public init(_ report: HealthCalibration.Report, horizonDays: Int) {
        self.init(
            intercept: report.intercept, coefficients: report.coefficients, means: report.means, modelIndex: report.modelIndex,
            horizonDays: horizonDays)
    }

    public init(intercept: Double, coefficients: [Double], means: [Double], modelIndex: Int, horizonDays: Int) {
        self.intercept = intercept
        self.coefficients = coefficients
        self.means = means
        self.modelIndex = modelIndex
        self.horizonDays = horizonDays
    }

    /// The likelihood for component scores (0-100, nil without data), in `HealthComponent` order.
    public func likelihood(scores: [Double?]) -> Double {
        var z = intercept
        for c in coefficients.indices {
            let score = c < scores.count ? scores[c] ?? means[c] : means[c]
            z += coefficients[c] * score / 100
        }
        return 1 - 1 / (1 + exp(-z))
    }

    /// The likelihood of `account` as of `t`, measured as calibration measures (each value through the model's
    /// curve); nil when another model scores it.
    public func likelihood(of account: AccountIndex, engine: HealthEngine, at t: Timestamp) -> Double? {
        guard Int(engine.modelOf[account.int]) == modelIndex else { return nil }
        let model = engine.settings.models[modelIndex]
        var values = [Double](repeating: .nan, count: HealthComponent.count)
        values.withUnsafeMutableBufferPointer { engine.index.measure(account, at: t, into: $0) }
        return likelihood(scores: values.indices.map { c in values[c].isNaN ? nil : model.curves[c].score(values[c]) })
    }
}
