#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The special functions the lifetime models need, in double precision.
///
/// Pure functions of their arguments: no state, no allocation.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the C library's `lgamma`).
    @inline(__always)
    public static func logGamma(_ x: Double) -> Double { Double(lgamma(x) as Double) }

    /// ln(e^a + e^b) without overflow.
    @inline(__always)
    public static func logSumExp(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
    }

    /// ln Σ e^(xᵢ) without overflow; -∞ for an empty list.
    public static func logSumExp(_ values: [Double]) -> Double {
        guard let top = values.max(), top > -.infinity else { return -.infinity }
        var sum = 0.0
        for v in values { sum += exp(v - top) }
        return top + log(sum)
    }

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0.
    ///
    /// Series for x < a + 1, Lentz's continued fraction for Q otherwise (Press et al., *Numerical Recipes*, 3rd ed.,
    /// §6.2).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaP needs a > 0")
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x).
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "regularizedGammaQ needs a > 0")
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x)
    }

    /// P(X > x) for X chi-square with `degreesOfFreedom` degrees of freedom: Q(k/2, x/2).
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0, "chi-square needs at least one degree of freedom")
        return regularizedGammaQ(Double(k) / 2, x / 2)
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - logGamma(a)) * h
    }

    /// The standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation refined by one Halley
    /// step on the complementary error function (relative error below 1e-15).
    public static func normalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "normalQuantile needs 0 < p < 1")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley refinement: e = Φ(x) - p with Φ(x) = erfc(-x/√2)/2.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The BG/NBD hypergeometric factor in a form that neither overflows nor loses precision near a = 1:
    ///
    ///     H = [1 - (1-z)^(a-1) · ₂F₁(a+b-1-r, a-1; a+b+x-1; z)] / (a - 1)
    ///
    /// By Euler's transformation ₂F₁(A, B; C; z) = (1-z)^(C-A-B) ₂F₁(C-A, C-B; C; z) with A = r+x, B = b+x,
    /// C = a+b+x-1, this equals [1 - (1-z)^(r+x) ₂F₁(r+x, b+x; a+b+x-1; z)] / (a-1), the bracket of Fader, Hardie and
    /// Lee (2005), eq. (10). Writing ₂F₁(A', a-1; C; z) = 1 + (a-1)·G, where G = Σₙ≥₁ (A')ₙ (a)ₙ₋₁ / ((C)ₙ n!) zⁿ,
    /// gives H = -expm1((a-1) ln(1-z)) / (a-1) - (1-z)^(a-1) · G, which is finite as a → 1 (limit -ln(1-z)).
    /// The series has small upper parameters whatever x is, so it converges like zⁿ without huge terms.
    public static func bgnbdHypergeometricFactor(r: Double, a: Double, b: Double, x: Double, z: Double) -> Double {
        precondition(z >= 0 && z < 1, "z must lie in [0, 1)")
        if z == 0 { return 0 }
        let upperA = a + b - 1 - r
        let lowerC = a + b + x - 1
        var term = 1.0
        var g = 0.0
        var n = 0.0
        // term_n = (A')_n (a)_(n-1) / ((C)_n n!) z^n, built incrementally.
        for k in 1...200_000 {
            if k == 1 {
                term = upperA / lowerC * z
            } else {
                term *= (upperA + n) * (a + n - 1) / ((lowerC + n) * (n + 1)) * z
            }
            g += term
            n += 1
            if abs(term) <= 1e-17 * abs(g) || term == 0 { break }
        }
        let logOneMinusZ = log1p(-z)
        let am1 = a - 1
        let head = abs(am1) < 1e-12 ? -logOneMinusZ : -expm1(am1 * logOneMinusZ) / am1
        return head - exp(am1 * logOneMinusZ) * g
    }
}
