import VitalsCore

/// The core product's plans, cheapest first.
enum Plan: Int, Comparable {
    case starter, growth, scale

    var name: String {
        switch self {
        case .starter: "Starter"
        case .growth: "Growth"
        case .scale: "Scale"
        }
    }

    /// The lowercased name, as the `plan_tier` account attribute.
    var tier: String {
        switch self {
        case .starter: "starter"
        case .growth: "growth"
        case .scale: "scale"
        }
    }

    var higher: Plan? { Plan(rawValue: rawValue + 1) }
    var lower: Plan? { Plan(rawValue: rawValue - 1) }

    static func < (lhs: Plan, rhs: Plan) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The add-on products sold on top of the core product (cross-sell).
enum AddOn: Int, CaseIterable {
    case analytics, supportPlus

    var product: String {
        switch self {
        case .analytics: "Analytics"
        case .supportPlus: "Support Plus"
        }
    }
}

/// List prices per month in minor units, in the three currencies the company sells in.
enum PriceBook {
    static let coreProduct = "Core"

    static func monthly(_ plan: Plan, in currency: Catalog.CurrencyChoice) -> Int64 {
        switch (plan, currency) {
        case (.starter, .usd): 4_900
        case (.growth, .usd): 19_900
        case (.scale, .usd): 79_900
        case (.starter, .eur): 4_500
        case (.growth, .eur): 18_500
        case (.scale, .eur): 74_500
        case (.starter, .gbp): 3_900
        case (.growth, .gbp): 15_900
        case (.scale, .gbp): 63_900
        }
    }

    static func monthly(_ addOn: AddOn, in currency: Catalog.CurrencyChoice) -> Int64 {
        switch (addOn, currency) {
        case (.analytics, .usd): 9_900
        case (.analytics, .eur): 8_900
        case (.analytics, .gbp): 7_900
        case (.supportPlus, .usd): 14_900
        case (.supportPlus, .eur): 13_900
        case (.supportPlus, .gbp): 11_900
        }
    }

    static func code(_ currency: Catalog.CurrencyChoice) -> CurrencyCode {
        switch currency {
        case .usd: .usd
        case .eur: .eur
        case .gbp: .gbp
        }
    }

    /// A rough USD value of one unit of the currency, for thresholds and lead amounts (not for reporting).
    static func roughUSD(_ currency: Catalog.CurrencyChoice) -> Double {
        switch currency {
        case .usd: 1
        case .eur: 1.1
        case .gbp: 1.27
        }
    }
}

/// How a subscription bills: its interval and recurring discounts.
struct Billing {
    var interval: BillingInterval
    var intervalCount: Int
    /// Months per billing period (1, 3 or 12): the interval price is the monthly list price times this.
    var months: Int
    var discountPercent: Double
    /// A fixed discount per billing period on the core item, in minor units.
    var discountAmount: Int64

    static let monthly = Billing(interval: .month, intervalCount: 1, months: 1, discountPercent: 0, discountAmount: 0)

    /// A random billing choice: ~20% annual (10-15% off), ~10% quarterly, the rest monthly, a few with discounts.
    static func draw(_ rng: inout SeededRandom) -> Billing {
        let roll = rng.unit()
        if roll < 0.20 {
            let discounts: [Double] = [10, 12, 15]
            return Billing(interval: .year, intervalCount: 1, months: 12, discountPercent: rng.pick(discounts),
                           discountAmount: 0)
        }
        var billing = roll < 0.30 ? Billing(interval: .month, intervalCount: 3, months: 3, discountPercent: 0,
                                            discountAmount: 0) : .monthly
        if rng.chance(0.04) { billing.discountPercent = 20 }
        if rng.chance(0.012) { billing.discountAmount = Int64(rng.int(in: 1...5)) * 500 }
        return billing
    }
}
