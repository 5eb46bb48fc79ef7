import VitalsCore

/// Writes one-time orders (setup fees, training, consulting) and sales leads: the marketing or referral lead that
/// brought the account in, the upsell and cross-sell leads behind its expansions, and CS-qualified leads.
struct Commerce {
    let window: Window
    private var orderIDs = SequentialID("ord_", width: 6)
    private var leadIDs = SequentialID("lead_", width: 6)

    init(window: Window) { self.window = window }

    private static let setupFees: [Int64] = [500, 1_000, 1_500, 2_500]
    private static let services: [Int64] = [750, 1_200, 2_000, 3_500]

    /// Writes the account's orders and leads.
    mutating func generate(
        _ plan: AccountPlan, life: AccountLife, referred: Bool, rng: inout SeededRandom, dataset: inout Dataset
    ) {
        orders(plan, life: life, rng: &rng, into: &dataset.orders)
        leads(plan, life: life, referred: referred, rng: &rng, into: &dataset.leads)
    }

    private mutating func orders(_ plan: AccountPlan, life: AccountLife, rng: inout SeededRandom, into orders: inout [Order]) {
        guard let paid = life.firstPaidDay, rng.chance(0.3) else { return }
        let currency = PriceBook.code(plan.currency)
        let setup = paid + rng.int(8)
        if setup < window.endDay {
            append(day: setup, major: rng.pick(Commerce.setupFees), currency: currency, life: life, rng: &rng, to: &orders)
        }
        for _ in 0..<rng.poisson(0.7) {
            guard let span = life.spans.last else { break }
            let day = Int(span.from / 86_400) + rng.int(max(1, Int((span.to - span.from) / 86_400)))
            guard day < window.endDay else { continue }
            append(day: day, major: rng.pick(Commerce.services), currency: currency, life: life, rng: &rng, to: &orders)
        }
    }

    private mutating func append(
        day: Int, major: Int64, currency: CurrencyCode, life: AccountLife, rng: inout SeededRandom, to orders: inout [Order]
    ) {
        let at = Timestamp(seconds: Int64(day) * 86_400 + Int64(9 * 3600 + rng.int(9 * 3600)))
        orders.append(Order(id: OrderID(orderIDs.next()), account: life.index, orderedAt: at,
                            amount: Money(minorUnits: major * 100, currency: currency)))
    }

    private mutating func leads(
        _ plan: AccountPlan, life: AccountLife, referred: Bool, rng: inout SeededRandom, into leads: inout [Lead]
    ) {
        let usd = PriceBook.roughUSD(plan.currency)
        // The lead that brought a new account in.
        if !plan.preexisting && (referred || rng.chance(0.5)) {
            let created = plan.createdDay - rng.int(in: 3...40)
            if created >= window.startDay {
                let seats = plan.seatBased ? plan.seats : 1
                let annual = Double(PriceBook.monthly(plan.plan, in: plan.currency) * Int64(seats) * 12) * usd
                let closed = life.firstPaidDay ?? (plan.createdDay + rng.int(in: 14...45))
                append(source: referred ? .referral : .marketing, account: life.index, created: created,
                       won: life.firstPaidDay != nil, closed: closed, amount: annual, to: &leads)
            }
        }
        // Most expansions were worked as upsell or cross-sell opportunities.
        for expansion in life.expansions where rng.chance(0.6) {
            let created = max(window.startDay, expansion.day - rng.int(in: 7...45))
            append(source: expansion.source, account: life.index, created: created, won: true, closed: expansion.day,
                   amount: Double(expansion.monthlyDelta * 12) * usd, to: &leads)
        }
        // CS-qualified leads and opportunities that did not close.
        for span in life.spans {
            let days = Double(span.to - span.from) / 86_400
            let health = life.health[window.month(ofDay: Int(span.from / 86_400))]
            for _ in 0..<rng.poisson(days / 365 * 0.4 * (0.3 + health)) {
                let created = Int(span.from / 86_400) + rng.int(max(1, Int(days)))
                guard created < window.endDay else { continue }
                let source: LeadSource = rng.pick([.csql, .csql, .upsell, .crossSell])
                let amount = Double(rng.int(in: 12...120) * 10_000) * usd
                append(source: source, account: life.index, created: created, won: rng.chance(0.25),
                       closed: created + rng.int(in: 10...90), amount: amount, to: &leads)
            }
        }
    }

    /// Prospects that never became accounts: marketing leads without an account, spread over the window.
    mutating func prospects(count: Int, rng: inout SeededRandom, into leads: inout [Lead]) {
        for _ in 0..<count {
            let created = window.startDay + rng.int(window.days)
            append(source: rng.chance(0.85) ? .marketing : .other, account: nil, created: created, won: false,
                   closed: created + rng.int(in: 7...60), amount: Double(rng.int(in: 6...60) * 10_000), to: &leads)
        }
    }

    /// Appends a lead; one that would close after the window is still open.
    private mutating func append(
        source: LeadSource, account: AccountIndex?, created: Int, won: Bool, closed: Int, amount: Double,
        to leads: inout [Lead]
    ) {
        let isClosed = closed < window.endDay
        leads.append(
            Lead(id: LeadID(leadIDs.next()), account: account, source: source,
                 createdAt: Window.timestamp(day: created), status: isClosed ? (won ? .won : .lost) : .open,
                 closedAt: isClosed ? Window.timestamp(day: max(created, closed)) : nil,
                 amount: Money(minorUnits: Int64(amount.rounded()), currency: .usd)))
    }
}
