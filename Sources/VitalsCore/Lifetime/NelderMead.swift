/// A small Nelder-Mead simplex minimiser (Nelder and Mead 1965, "A simplex method for function minimization",
/// *The Computer Journal* 7 (4), 308-313), with the standard coefficients (reflection 1, expansion 2, contraction
/// 1/2, shrink 1/2).
///
/// It restarts from the best point with a fresh simplex until a restart no longer improves the minimum, which
/// guards against the simplex collapsing before the optimum (Press et al., *Numerical Recipes*, §10.5).
public struct NelderMead: Sendable {
    /// Stop when the spread of function values over the simplex is below this (absolute, plus the same relative to
    /// the best value).
    public var functionTolerance: Double
    /// ... and the simplex's largest coordinate spread is below this.
    public var pointTolerance: Double
    public var maxEvaluations: Int
    /// The initial simplex step along each coordinate.
    public var initialStep: Double

    public init(functionTolerance: Double = 1e-10, pointTolerance: Double = 1e-8, maxEvaluations: Int = 20_000,
                initialStep: Double = 0.1) {
        self.functionTolerance = functionTolerance
        self.pointTolerance = pointTolerance
        self.maxEvaluations = maxEvaluations
        self.initialStep = initialStep
    }

    public struct Result: Sendable, Equatable {
        public var point: [Double]
        public var value: Double
        public var evaluations: Int
        /// False when `maxEvaluations` ran out first.
        public var converged: Bool
    }

    /// Minimises `f` from `start`. Non-finite values of `f` count as +∞, so the simplex steps back from them.
    public func minimize(_ f: ([Double]) -> Double, from start: [Double]) -> Result {
        var evaluations = 0
        func value(_ x: [Double]) -> Double {
            evaluations += 1
            let v = f(x)
            return v.isFinite ? v : .infinity
        }
        var best = start
        var bestValue = value(start)
        var converged = false
        var step = initialStep
        for _ in 0..<10 {
            let run = simplexRun(value, from: best, firstValue: bestValue, step: step, evaluations: { evaluations })
            let improved = run.value < bestValue - functionTolerance * (1 + abs(bestValue))
            if run.value <= bestValue {
                best = run.point
                bestValue = run.value
            }
            converged = run.converged
            if !improved || !run.converged || evaluations >= maxEvaluations { break }
            step = max(step / 2, 1e-3)
        }
        return Result(point: best, value: bestValue, evaluations: evaluations, converged: converged)
    }

    private func simplexRun(
        _ f: ([Double]) -> Double, from start: [Double], firstValue: Double, step: Double, evaluations: () -> Int
    ) -> (point: [Double], value: Double, converged: Bool) {
        let n = start.count
        var points = [start]
        var values = [firstValue]
        for i in 0..<n {
            var p = start
            p[i] += p[i] == 0 ? step : step * max(1, abs(p[i]))
            points.append(p)
            values.append(f(p))
        }
        while true {
            // Order: best first, worst last.
            let order = values.indices.sorted { values[$0] < values[$1] }
            points = order.map { points[$0] }
            values = order.map { values[$0] }
            let spread = values[n] - values[0]
            var size = 0.0
            for p in points.dropFirst() {
                for j in 0..<n { size = max(size, abs(p[j] - points[0][j])) }
            }
            if spread <= functionTolerance * (1 + abs(values[0])) && size <= pointTolerance * (1 + maxAbs(points[0])) {
                return (points[0], values[0], true)
            }
            if evaluations() >= maxEvaluations { return (points[0], values[0], false) }
            var centroid = [Double](repeating: 0, count: n)
            for p in points.dropLast() {
                for j in 0..<n { centroid[j] += p[j] / Double(n) }
            }
            func along(_ t: Double) -> [Double] {
                var p = centroid
                for j in 0..<n { p[j] += t * (points[n][j] - centroid[j]) }
                return p
            }
            let reflected = along(-1)
            let fr = f(reflected)
            if fr < values[0] {
                let expanded = along(-2)
                let fe = f(expanded)
                if fe < fr {
                    points[n] = expanded
                    values[n] = fe
                } else {
                    points[n] = reflected
                    values[n] = fr
                }
            } else if fr < values[n - 1] {
                points[n] = reflected
                values[n] = fr
            } else {
                let outside = fr < values[n]
                let contracted = along(outside ? -0.5 : 0.5)
                let fc = f(contracted)
                if fc < (outside ? fr : values[n]) {
                    points[n] = contracted
                    values[n] = fc
                } else {
                    for i in 1...n {
                        for j in 0..<n { points[i][j] = points[0][j] + 0.5 * (points[i][j] - points[0][j]) }
                        values[i] = f(points[i])
                    }
                }
            }
        }
    }

    private func maxAbs(_ p: [Double]) -> Double { p.reduce(0) { max($0, abs($1)) } }
}
