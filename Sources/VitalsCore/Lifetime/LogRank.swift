/// The log-rank test that two or more survival curves are equal (Mantel 1966; Peto and Peto 1972), as in lifelines'
/// `logrank_test` and `multivariate_logrank_test` and Kleinbaum and Klein, *Survival Analysis: A Self-Learning Text*,
/// ch. 2.
///
/// At each distinct event time j, with nⱼ at risk and dⱼ events overall and n_gj at risk in group g, the expected
/// events in g are E_gj = dⱼ n_gj / nⱼ, and the covariance of the observed counts is
/// V_gh,j = dⱼ (nⱼ - dⱼ) / (nⱼ - 1) · (n_gj / nⱼ) (δ_gh - n_hj / nⱼ). With O - E and V summed over times, the statistic
/// (O - E)ᵀ V⁻¹ (O - E) over the first k - 1 groups is chi-square with k - 1 degrees of freedom under the null.
public struct LogRankTest: Sendable, Equatable {
    public var statistic: Double
    public var degreesOfFreedom: Int
    /// P(χ² > statistic), from the regularized incomplete gamma function.
    public var pValue: Double
    /// Observed and expected events per group, in the order given.
    public var observed: [Double]
    public var expected: [Double]

    /// One group: durations and whether each ended in the event. Returns `nil` with fewer than two non-empty groups or
    /// without any event.
    public init?(groups: [(durations: [Double], observed: [Bool])]) {
        let k = groups.count
        guard k >= 2, groups.filter({ !$0.durations.isEmpty }).count >= 2 else { return nil }
        // All subjects sorted by time: (time, group, event).
        var all: [(time: Double, group: Int32, event: Bool)] = []
        all.reserveCapacity(groups.reduce(0) { $0 + $1.durations.count })
        for (g, group) in groups.enumerated() {
            precondition(group.durations.count == group.observed.count, "one observed flag per duration")
            for (d, e) in zip(group.durations, group.observed) { all.append((d, Int32(g), e)) }
        }
        all.sort { $0.time < $1.time }
        var atRisk = groups.map { Double($0.durations.count) }
        var total = Double(all.count)
        var observed = [Double](repeating: 0, count: k)
        var expected = [Double](repeating: 0, count: k)
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var deaths = [Double](repeating: 0, count: k)
        var leaving = [Double](repeating: 0, count: k)
        var i = 0
        while i < all.count {
            let t = all[i].time
            for g in 0..<k {
                deaths[g] = 0
                leaving[g] = 0
            }
            var d = 0.0
            while i < all.count && all[i].time == t {
                let g = Int(all[i].group)
                leaving[g] += 1
                if all[i].event {
                    deaths[g] += 1
                    d += 1
                }
                i += 1
            }
            if d > 0 {
                let n = total
                let factor = n > 1 ? d * (n - d) / (n - 1) : 0
                for g in 0..<k {
                    observed[g] += deaths[g]
                    expected[g] += d * atRisk[g] / n
                    guard factor > 0 else { continue }
                    let share = atRisk[g] / n
                    for h in 0..<k {
                        covariance[g][h] += factor * share * ((g == h ? 1 : 0) - atRisk[h] / n)
                    }
                }
            }
            for g in 0..<k {
                atRisk[g] -= leaving[g]
                total -= leaving[g]
            }
        }
        guard observed.reduce(0, +) > 0 else { return nil }
        let m = k - 1
        let difference = (0..<m).map { observed[$0] - expected[$0] }
        let matrix = (0..<m).map { g in (0..<m).map { covariance[g][$0] } }
        guard let solved = LogRankTest.solve(matrix, difference) else { return nil }
        var statistic = 0.0
        for g in 0..<m { statistic += difference[g] * solved[g] }
        self.statistic = statistic
        self.degreesOfFreedom = m
        self.pValue = SpecialFunctions.chiSquareSurvival(max(0, statistic), degreesOfFreedom: m)
        self.observed = observed
        self.expected = expected
    }

    /// Solves A x = b by Gaussian elimination with partial pivoting; `nil` when A is singular.
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        var a = matrix
        var b = rhs
        let n = b.count
        for col in 0..<n {
            var pivot = col
            for row in col..<n where abs(a[row][col]) > abs(a[pivot][col]) { pivot = row }
            guard abs(a[pivot][col]) > 1e-300 else { return nil }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = a[row][col] / a[col][col]
                if f == 0 { continue }
                for c in col..<n { a[row][c] -= f * a[col][c] }
                b[row] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = b[row]
            for c in (row + 1)..<n { s -= a[row][c] * x[c] }
            x[row] = s / a[row][row]
        }
        return x
    }
}
