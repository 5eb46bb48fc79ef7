#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The parameters of the Gamma-Gamma spend model: each purchase's value is Gamma(p, ν) around the customer's mean
/// spend, and ν varies across customers as Gamma(q, γ).
public struct GammaGammaParameters: Sendable, Equatable, Codable {
    public var p: Double
    public var q: Double
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The population mean spend per purchase, pγ/(q-1) (infinite when q ≤ 1).
    public var populationMean: Double { q > 1 ? p * gamma / (q - 1) : .infinity }
}

/// The Gamma-Gamma model of spend per purchase: Fader, Hardie and Lee (2005), "RFM and CLV: Using Iso-Value Curves for
/// Customer Base Analysis", *Journal of Marketing Research* 42 (4), 415-430; Fader and Hardie, "The Gamma-Gamma Model of
/// Monetary Value" (brucehardie.com, note 025). It is fitted on the customers with at least one repeat purchase,
/// from their number of repeat purchases x and the mean value m̄ of those purchases. On the CDNOW sample the
/// estimates are p = 6.25, q = 3.74, γ = 15.44.
public enum GammaGamma {
    public struct Fit: Sendable, Equatable {
        public var parameters: GammaGammaParameters
        /// The maximised log-likelihood of the mean spends, summed over the customers used.
        public var logLikelihood: Double
        /// Customers used: those with x > 0 and m̄ > 0.
        public var customers: Int
        public var evaluations: Int
    }

    /// The log density of one customer's mean spend m̄ over x purchases (note 025, eq. 4):
    /// ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln γ + (px-1) ln m̄ + px ln x - (px+q) ln(γ + x m̄).
    public static func logLikelihood(_ g: GammaGammaParameters, frequency: Int, monetaryValue m: Double) -> Double {
        let x = Double(frequency)
        let px = g.p * x
        return SpecialFunctions.logGamma(px + g.q) - SpecialFunctions.logGamma(px) - SpecialFunctions.logGamma(g.q) + g.q * log(g.gamma) + (px - 1) * log(m) + px * log(x)
            - (px + g.q) * log(g.gamma + x * m)
    }

    /// Maximum-likelihood estimates on the customers with a repeat purchase and a positive mean spend.
    public static func fit(
        _ customers: [CustomerRFM], start: GammaGammaParameters = GammaGammaParameters(p: 1, q: 1, gamma: 1)
    ) throws(LifetimeFitError) -> Fit {
        let used = customers.filter { $0.frequency > 0 && $0.monetaryValue > 0 }
        guard !customers.isEmpty, customers.contains(where: { $0.frequency > 0 }) else {
            throw customers.count < 2 ? .tooFewCustomers(customers.count) : .noRepeatPurchases
        }
        guard used.count >= 2 else { throw .tooFewCustomers(used.count) }
        // Group by frequency: ln Γ terms are shared; ln m̄ and x ln x are fixed.
        var xs: [Double] = []
        var xIndex: [Int: Int] = [:]
        var rowX: [Int] = []
        var rowM: [Double] = []
        var weightPerX: [Double] = []
        var sumLnMPerX: [Double] = []
        for c in used {
            let i: Int
            if let known = xIndex[c.frequency] {
                i = known
            } else {
                i = xs.count
                xIndex[c.frequency] = i
                xs.append(Double(c.frequency))
                weightPerX.append(0)
                sumLnMPerX.append(0)
            }
            rowX.append(i)
            rowM.append(c.monetaryValue)
            weightPerX[i] += 1
            sumLnMPerX[i] += log(c.monetaryValue)
        }
        let count = Double(used.count)
        func logLikelihood(_ logParams: [Double]) -> Double {
            let p = exp(logParams[0])
            let q = exp(logParams[1])
            let gamma = exp(logParams[2])
            let lnGamma = logParams[2]
            let lgQ = SpecialFunctions.logGamma(q)
            var total = 0.0
            for (i, x) in xs.enumerated() {
                let px = p * x
                total += weightPerX[i] * (SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - lgQ + q * lnGamma + px * log(x))
                    + (px - 1) * sumLnMPerX[i]
            }
            for k in rowX.indices {
                let x = xs[rowX[k]]
                total -= (p * x + q) * log(gamma + x * rowM[k])
            }
            return total
        }
        let x0 = [log(start.p), log(start.q), log(start.gamma)]
        let result = NelderMead().minimize({ -logLikelihood($0) / count }, from: x0)
        guard result.converged, result.value.isFinite else { throw .didNotConverge }
        let e = result.point.map { exp($0) }
        return Fit(
            parameters: GammaGammaParameters(p: e[0], q: e[1], gamma: e[2]), logLikelihood: -result.value * count,
            customers: used.count, evaluations: result.evaluations)
    }

    /// E[M | x, m̄]: the expected spend per future purchase (note 025, eq. 5), a weighted mean of the population mean
    /// pγ/(q-1) and the customer's own m̄ with weight px/(px+q-1). Customers without repeat purchases (x = 0) get the
    /// population mean. Needs q > 1.
    public static func expectedAverageValue(_ g: GammaGammaParameters, frequency: Int, monetaryValue m: Double) -> Double {
        let px = g.p * Double(frequency)
        return (g.p * g.gamma + px * m) / (px + g.q - 1)
    }
}
