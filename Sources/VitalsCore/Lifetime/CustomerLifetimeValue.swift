/// One customer's predictions from the fitted BG/NBD and Gamma-Gamma models.
public struct CustomerPrediction: Sendable, Equatable {
    public var customer: CustomerRFM
    /// Expected purchases over the horizon (BG/NBD eq. 10).
    public var expectedPurchases: Double
    /// P(alive) at the calibration end.
    public var probabilityAlive: Double
    /// Expected spend per future purchase (Gamma-Gamma), major units of the reporting currency.
    public var expectedAverageValue: Double
    /// Discounted customer lifetime value over the horizon, major units of the reporting currency.
    public var lifetimeValue: Double
}

/// Customer lifetime value in a non-contractual setting: BG/NBD purchases times Gamma-Gamma spend, discounted monthly.
///
/// As lifetimes' `GammaGammaFitter.customer_lifetime_value`: for months i = 1...H,
/// CLV = Σᵢ E[M | x, m̄] · (E[Y(i·u) | x, t_x, T] - E[Y((i-1)·u) | x, t_x, T]) / (1 + d)ⁱ, where u is units per month
/// (30 days or 4.345 weeks) and d the monthly discount rate (Fader, Hardie and Lee 2005, "RFM and CLV", §4, with the
/// discounted-cash-flow sum in place of the continuous-time DERL).
public enum CustomerLifetimeValue {
    public static func value(
        _ customer: CustomerRFM, bgnbd: BGNBDParameters, gammaGamma: GammaGammaParameters, unit: LifetimeTimeUnit,
        horizonMonths: Int, monthlyDiscountRate: Double
    ) -> Double {
        let spend = GammaGamma.expectedAverageValue(
            gammaGamma, frequency: customer.frequency, monetaryValue: customer.monetaryValue)
        var total = 0.0
        var previous = 0.0
        var discount = 1.0
        for month in stride(from: 1, through: horizonMonths, by: 1) {
            let cumulative = BGNBD.expectedPurchases(
                bgnbd, in: Double(month) * unit.perMonth, frequency: customer.frequency, recency: customer.recency,
                age: customer.age)
            discount *= 1 + monthlyDiscountRate
            total += spend * (cumulative - previous) / discount
            previous = cumulative
        }
        return total
    }

    /// Both fits and every customer's predictions, most valuable first.
    public struct Analysis: Sendable {
        public var bgnbd: BGNBD.Fit
        public var gammaGamma: GammaGamma.Fit
        public var unit: LifetimeTimeUnit
        public var horizonMonths: Int
        public var monthlyDiscountRate: Double
        /// Sorted by lifetime value, highest first (ties by account index).
        public var predictions: [CustomerPrediction]
    }

    /// Fits BG/NBD on every customer and Gamma-Gamma on the repeat buyers, then predicts each customer.
    public static func analyse(_ summary: RFMSummary, horizonMonths: Int = 12, monthlyDiscountRate: Double = 0.01)
        throws(LifetimeFitError) -> Analysis
    {
        let bgnbd = try BGNBD.fit(summary.customers)
        let gammaGamma = try GammaGamma.fit(summary.customers)
        let horizon = Double(horizonMonths) * summary.unit.perMonth
        var predictions = summary.customers.map { c in
            CustomerPrediction(
                customer: c,
                expectedPurchases: BGNBD.expectedPurchases(
                    bgnbd.parameters, in: horizon, frequency: c.frequency, recency: c.recency, age: c.age),
                probabilityAlive: BGNBD.probabilityAlive(
                    bgnbd.parameters, frequency: c.frequency, recency: c.recency, age: c.age),
                expectedAverageValue: GammaGamma.expectedAverageValue(
                    gammaGamma.parameters, frequency: c.frequency, monetaryValue: c.monetaryValue),
                lifetimeValue: value(
                    c, bgnbd: bgnbd.parameters, gammaGamma: gammaGamma.parameters, unit: summary.unit,
                    horizonMonths: horizonMonths, monthlyDiscountRate: monthlyDiscountRate))
        }
        predictions.sort {
            $0.lifetimeValue != $1.lifetimeValue
                ? $0.lifetimeValue > $1.lifetimeValue : $0.customer.account < $1.customer.account
        }
        return Analysis(
            bgnbd: bgnbd, gammaGamma: gammaGamma, unit: summary.unit, horizonMonths: horizonMonths,
            monthlyDiscountRate: monthlyDiscountRate, predictions: predictions)
    }
}
