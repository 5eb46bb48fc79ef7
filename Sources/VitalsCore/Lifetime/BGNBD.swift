#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a lifetime model could not be fitted.
public enum LifetimeFitError: Error, Equatable, CustomStringConvertible {
    /// Fewer customers than the model needs (BG/NBD: 2; Gamma-Gamma: 2 with repeat purchases).
    case tooFewCustomers(Int)
    /// No customer made a repeat purchase: the dropout parameters are not identified.
    case noRepeatPurchases
    /// The optimiser ran out of evaluations or the likelihood is not finite at the start.
    case didNotConverge

    public var description: String {
        switch self {
        case .tooFewCustomers(let n): "too few customers to fit the model (\(n))"
        case .noRepeatPurchases: "no customer made a repeat purchase, so the model cannot be fitted"
        case .didNotConverge: "the maximum-likelihood fit did not converge"
        }
    }
}

/// The four parameters of the BG/NBD model: purchase rates λ ~ Gamma(r, α) while alive, and after each purchase
/// the customer drops out with probability p ~ Beta(a, b).
public struct BGNBDParameters: Sendable, Equatable, Codable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }
}

/// The beta-geometric/negative binomial distribution (BG/NBD) model of repeat buying in a non-contractual setting:
/// Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative to the Pareto/NBD Model",
/// *Marketing Science* 24 (2), 275-284; implementation notes in Fader, Hardie and Lee, "Implementing the BG/NBD
/// Model for Customer Base Analysis in Excel" (brucehardie.com, note 004).
///
/// Time is in the summary's unit (weeks or days). On the CDNOW sample (2,357 customers, 39 weeks) the paper's
/// estimates are r = 0.243, α = 4.414, a = 0.793, b = 2.426 with log-likelihood -9582.4.
public enum BGNBD {
    public struct Fit: Sendable, Equatable {
        public var parameters: BGNBDParameters
        /// The maximised log-likelihood, summed over customers (eq. 6).
        public var logLikelihood: Double
        public var customers: Int
        public var evaluations: Int
    }

    /// The log-likelihood of one customer (eq. 6): A₁ + A₂ + ln(e^A₃ + δ(x>0) e^A₄).
    public static func logLikelihood(_ p: BGNBDParameters, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xd = Double(x)
        let a1 = SpecialFunctions.logGamma(p.r + xd) - SpecialFunctions.logGamma(p.r) + p.r * log(p.alpha)
        let a2 = SpecialFunctions.logGamma(p.a + p.b) + SpecialFunctions.logGamma(p.b + xd)
            - SpecialFunctions.logGamma(p.b) - SpecialFunctions.logGamma(p.a + p.b + xd)
        let a3 = -(p.r + xd) * log(p.alpha + T)
        guard x > 0 else { return a1 + a2 + a3 }
        let a4 = log(p.a) - log(p.b + xd - 1) - (p.r + xd) * log(p.alpha + tx)
        return a1 + a2 + SpecialFunctions.logSumExp(a3, a4)
    }

    /// The total log-likelihood of `customers`.
    public static func logLikelihood(_ p: BGNBDParameters, _ customers: [CustomerRFM]) -> Double {
        customers.reduce(0) { $0 + logLikelihood(p, frequency: $1.frequency, recency: $1.recency, age: $1.age) }
    }

    /// Maximum-likelihood estimates (Nelder-Mead on the log-parameters, so they stay positive).
    public static func fit(_ customers: [CustomerRFM], start: BGNBDParameters = BGNBDParameters(r: 1, alpha: 1, a: 1, b: 1))
        throws(LifetimeFitError) -> Fit
    {
        guard customers.count >= 2 else { throw .tooFewCustomers(customers.count) }
        guard customers.contains(where: { $0.frequency > 0 }) else { throw .noRepeatPurchases }
        let data = Grouped(customers)
        let n = Double(customers.count)
        let x0 = [log(start.r), log(start.alpha), log(start.a), log(start.b)]
        let result = NelderMead().minimize({ -data.logLikelihood($0) / n }, from: x0)
        guard result.converged, result.value.isFinite else { throw .didNotConverge }
        let e = result.point.map { exp($0) }
        return Fit(
            parameters: BGNBDParameters(r: e[0], alpha: e[1], a: e[2], b: e[3]), logLikelihood: -result.value * n,
            customers: customers.count, evaluations: result.evaluations)
    }

    /// P(alive | x, t_x, T): the probability the customer has not dropped out by T (Fader, Hardie and Lee, "Computing
    /// P(alive) using the BG/NBD model", note 021): 1 / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).
    public static func probabilityAlive(_ p: BGNBDParameters, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        guard x > 0 else { return 1 }
        let xd = Double(x)
        let logOdds = (p.r + xd) * log((p.alpha + T) / (p.alpha + tx)) + log(p.a / (p.b + xd - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// E[Y(t) | x, t_x, T]: the expected number of purchases in the next `t` units (eq. 10), via the
    /// overflow-free form of `SpecialFunctions.bgnbdHypergeometricFactor`.
    public static func expectedPurchases(
        _ p: BGNBDParameters, in t: Double, frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        guard t > 0 else { return 0 }
        let xd = Double(x)
        let z = t / (p.alpha + T + t)
        let h = SpecialFunctions.bgnbdHypergeometricFactor(r: p.r, a: p.a, b: p.b, x: xd, z: z)
        let numerator = (p.a + p.b + xd - 1) * h
        guard x > 0 else { return numerator }
        return numerator / (1 + p.a / (p.b + xd - 1) * exp((p.r + xd) * log((p.alpha + T) / (p.alpha + tx))))
    }

    /// E[X(t)]: the expected number of repeat purchases of a new customer in `t` units (eq. 9).
    public static func expectedPurchases(_ p: BGNBDParameters, in t: Double) -> Double {
        expectedPurchases(p, in: t, frequency: 0, recency: 0, age: 0)
    }

    /// Customers grouped by identical (x, t_x, T), with the per-evaluation logarithms shared across distinct values.
    struct Grouped {
        var xs: [Double] = []           // distinct frequencies
        var ages: [Double] = []         // distinct T
        var recencies: [Double] = []    // distinct t_x (repeat buyers only)
        // Non-repeat buyers: (age index, weight).
        var zeroAge: [Int32] = []
        var zeroWeight: [Double] = []
        // Repeat buyers: (x index, age index, recency index, weight).
        var rowX: [Int32] = []
        var rowAge: [Int32] = []
        var rowRecency: [Int32] = []
        var rowWeight: [Double] = []

        init(_ customers: [CustomerRFM]) {
            var xIndex: [Int: Int32] = [:]
            var ageIndex: [Double: Int32] = [:]
            var recencyIndex: [Double: Int32] = [:]
            var zero: [Int32: Double] = [:]
            struct Key: Hashable { var x: Int32, age: Int32, recency: Int32 }
            var rows: [Key: Double] = [:]
            func index<K: Hashable>(_ k: K, _ map: inout [K: Int32], _ list: inout [Double], _ value: Double) -> Int32 {
                if let i = map[k] { return i }
                let i = Int32(list.count)
                map[k] = i
                list.append(value)
                return i
            }
            for c in customers {
                let ai = index(c.age, &ageIndex, &ages, c.age)
                if c.frequency == 0 {
                    zero[ai, default: 0] += 1
                } else {
                    let xi = index(c.frequency, &xIndex, &xs, Double(c.frequency))
                    let ri = index(c.recency, &recencyIndex, &recencies, c.recency)
                    rows[Key(x: xi, age: ai, recency: ri), default: 0] += 1
                }
            }
            for (k, w) in zero.sorted(by: { $0.key < $1.key }) {
                zeroAge.append(k)
                zeroWeight.append(w)
            }
            for (k, w) in rows.sorted(by: { ($0.key.x, $0.key.age, $0.key.recency) < ($1.key.x, $1.key.age, $1.key.recency) }) {
                rowX.append(k.x)
                rowAge.append(k.age)
                rowRecency.append(k.recency)
                rowWeight.append(w)
            }
        }

        /// The total log-likelihood at log-parameters (ln r, ln α, ln a, ln b).
        func logLikelihood(_ logParams: [Double]) -> Double {
            let r = exp(logParams[0])
            let alpha = exp(logParams[1])
            let a = exp(logParams[2])
            let b = exp(logParams[3])
            let lnAlpha = logParams[1]
            let lnA = logParams[2]
            let lgR = SpecialFunctions.logGamma(r), lgB = SpecialFunctions.logGamma(b), lgAB = SpecialFunctions.logGamma(a + b)
            var constant = [Double](repeating: 0, count: xs.count)
            var dropout = [Double](repeating: 0, count: xs.count)
            for (i, x) in xs.enumerated() {
                constant[i] = SpecialFunctions.logGamma(r + x) - lgR + r * lnAlpha + lgAB + SpecialFunctions.logGamma(b + x) - lgB - SpecialFunctions.logGamma(a + b + x)
                dropout[i] = lnA - log(b + x - 1)
            }
            var lnAgeTerm = [Double](repeating: 0, count: ages.count)
            for (i, t) in ages.enumerated() { lnAgeTerm[i] = log(alpha + t) }
            var lnRecencyTerm = [Double](repeating: 0, count: recencies.count)
            for (i, t) in recencies.enumerated() { lnRecencyTerm[i] = log(alpha + t) }
            var total = 0.0
            for k in zeroAge.indices {
                total += zeroWeight[k] * r * (lnAlpha - lnAgeTerm[Int(zeroAge[k])])
            }
            for k in rowX.indices {
                let xi = Int(rowX[k])
                let rx = r + xs[xi]
                let a3 = -rx * lnAgeTerm[Int(rowAge[k])]
                let a4 = dropout[xi] - rx * lnRecencyTerm[Int(rowRecency[k])]
                let top = max(a3, a4)
                total += rowWeight[k] * (constant[xi] + top + log1p(exp(-abs(a3 - a4))))
            }
            return total
        }
    }
}
