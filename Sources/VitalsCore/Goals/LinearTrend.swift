/// An ordinary least-squares line `y = intercept + slope x` through points, with what is needed for the prediction
/// interval of a new observation (Montgomery, Peck and Vining, *Introduction to Linear Regression Analysis*, 5th ed.,
/// §2.4.2):
///
///     ŷ(x₀) = a + b x₀,   se(x₀) = s √(1 + 1/n + (x₀ - x̄)² / Sxx),   s² = SSE / (n - 2)
///
/// and the interval ŷ ± t(1 - α/2; n - 2) se(x₀).
public struct LinearTrend: Sendable, Equatable {
    public let count: Int
    public let slope: Double
    public let intercept: Double
    public let meanX: Double
    /// Σ (xᵢ - x̄)².
    public let sxx: Double
    /// The residual standard error s = √(SSE / (n - 2)).
    public let residualStandardError: Double

    /// The fit, or `nil` with fewer than 3 points or when every x is the same (no slope, or no error estimate).
    public init?(x: [Double], y: [Double]) {
        let n = min(x.count, y.count)
        guard n >= 3 else { return nil }
        let mx = x.prefix(n).reduce(0, +) / Double(n)
        let my = y.prefix(n).reduce(0, +) / Double(n)
        var sxx = 0.0
        var sxy = 0.0
        for i in 0..<n {
            sxx += (x[i] - mx) * (x[i] - mx)
            sxy += (x[i] - mx) * (y[i] - my)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        let intercept = my - slope * mx
        var sse = 0.0
        for i in 0..<n {
            let r = y[i] - (intercept + slope * x[i])
            sse += r * r
        }
        count = n
        self.slope = slope
        self.intercept = intercept
        meanX = mx
        self.sxx = sxx
        residualStandardError = (sse / Double(n - 2)).squareRoot()
    }

    /// The fitted value at `x`.
    public func value(at x: Double) -> Double { intercept + slope * x }

    /// The standard error of a new observation at `x` (the prediction, not the mean).
    public func predictionStandardError(at x: Double) -> Double {
        residualStandardError * (1 + 1 / Double(count) + (x - meanX) * (x - meanX) / sxx).squareRoot()
    }

    /// The 80 % prediction interval at `x`: ŷ ± t(0.90; n - 2) se(x).
    public func predictionInterval(at x: Double) -> (low: Double, high: Double) {
        let half = LinearTrend.t90(degreesOfFreedom: count - 2) * predictionStandardError(at: x)
        return (value(at: x) - half, value(at: x) + half)
    }

    /// Student's t quantile t(0.90; ν), the half-width factor of a two-sided 80 % interval. ν = 1 and 2 in closed
    /// form (tan(0.4π); 0.8 / √0.18), ν = 3...30 from the standard table (e.g. NIST/SEMATECH e-Handbook, table
    /// 1.3.6.7.2), beyond by the Cornish-Fisher expansion z + (z³ + z) / 4ν + (5z⁵ + 16z³ + 3z) / 96ν² with z = 1.28155.
    public static func t90(degreesOfFreedom nu: Int) -> Double {
        let table: [Double] = [
            3.0776835, 1.8856181, 1.6377, 1.5332, 1.4759, 1.4398, 1.4149, 1.3968, 1.3830, 1.3722, 1.3634, 1.3562,
            1.3502, 1.3450, 1.3406, 1.3368, 1.3334, 1.3304, 1.3277, 1.3253, 1.3232, 1.3212, 1.3195, 1.3178, 1.3163,
            1.3150, 1.3137, 1.3125, 1.3114, 1.3104,
        ]
        if nu >= 1 && nu <= table.count { return table[nu - 1] }
        let z = 1.2815516
        let v = Double(max(nu, 1))
        return z + (z * z * z + z) / (4 * v) + (5 * z * z * z * z * z + 16 * z * z * z + 3 * z) / (96 * v * v)
    }
}
