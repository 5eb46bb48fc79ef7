import Foundation

/// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares).
///
/// Minimises `(1/n) Σ [log(1 + e^z_i) - y_i z_i] + (λ/2) Σ_j β_j²` with `z_i = β_0 + Σ_j β_j x_ij`; the intercept
/// `β_0` is not penalised (Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*, 2nd ed., §4.4.1
/// and §4.4.4). The problem is strictly convex for λ > 0, so Newton's steps converge to the one minimum.
public enum LogisticRegression {
    public struct Fit: Sendable, Equatable {
        public var intercept: Double
        public var coefficients: [Double]
        public var iterations: Int
        public var converged: Bool
    }

    /// Fits on `rows` rows of `features` columns stored row by row in `x` (`x[i * features + j]`), labels `y` 0 or 1.
    package static func fit(
        x: UnsafeBufferPointer<Float>, y: UnsafeBufferPointer<UInt8>, features: Int, lambda: Double,
        maxIterations: Int = 25, tolerance: Double = 1e-8
    ) -> Fit {
        let rows = y.count
        let p = features + 1  // with the intercept, stored first
        var beta = [Double](repeating: 0, count: p)
        // Start the intercept at the log-odds of the base rate.
        let positives = y.reduce(0) { $0 + Int($1) }
        if positives > 0 && positives < rows { beta[0] = log(Double(positives) / Double(rows - positives)) }
        guard rows > 0 else { return Fit(intercept: 0, coefficients: Array(beta.dropFirst()), iterations: 0, converged: false) }
        let n = Double(rows)
        var iterations = 0
        var converged = false
        var row = [Double](repeating: 1, count: p)
        while iterations < maxIterations {
            iterations += 1
            var gradient = [Double](repeating: 0, count: p)
            var hessian = [Double](repeating: 0, count: p * p)
            for i in 0..<rows {
                var z = beta[0]
                for j in 0..<features {
                    let v = Double(x[i * features + j])
                    row[j + 1] = v
                    z += beta[j + 1] * v
                }
                let prob = 1 / (1 + exp(-z))
                let residual = prob - Double(y[i])
                let w = max(prob * (1 - prob), 1e-12)
                for a in 0..<p {
                    gradient[a] += residual * row[a]
                    let wa = w * row[a]
                    for b in 0...a { hessian[a * p + b] += wa * row[b] }
                }
            }
            for a in 0..<p {
                gradient[a] /= n
                for b in 0...a {
                    hessian[a * p + b] /= n
                    hessian[b * p + a] = hessian[a * p + b]
                }
                if a > 0 {
                    gradient[a] += lambda * beta[a]
                    hessian[a * p + a] += lambda
                }
            }
            guard let step = solve(hessian, gradient, size: p) else { break }
            var largest = 0.0
            for a in 0..<p {
                beta[a] -= step[a]
                largest = max(largest, abs(step[a]))
            }
            if largest < tolerance {
                converged = true
                break
            }
        }
        return Fit(intercept: beta[0], coefficients: Array(beta.dropFirst()), iterations: iterations, converged: converged)
    }

    /// Solves `a x = b` for a symmetric positive definite `a` (Cholesky); `nil` when it is not.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

/// Ranking quality of a risk score against outcomes.
public enum ROC {
    /// The area under the ROC curve: the probability that a random positive has a higher risk than a random negative,
    /// ties counting one half (the Mann-Whitney U statistic over positives x negatives). `nil` without both classes.
    public static func auc(risk: [Double], positive: [Bool]) -> Double? {
        let order = risk.indices.sorted { risk[$0] < risk[$1] }
        var positives = 0.0
        var negatives = 0.0
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && risk[order[j + 1]] == risk[order[i]] { j += 1 }
            // Tied values share the mean of ranks i+1 ... j+1.
            let rank = Double(i + j + 2) / 2
            for k in i...j where positive[order[k]] { rankSum += rank }
            i = j + 1
        }
        for p in positive { if p { positives += 1 } else { negatives += 1 } }
        guard positives > 0, negatives > 0 else { return nil }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
