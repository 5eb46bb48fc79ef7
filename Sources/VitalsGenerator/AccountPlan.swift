import VitalsCore

/// Everything decided about an account before its history is simulated: who it is and how it starts.
struct AccountPlan {
    var id: String = ""
    var name: String = ""
    var createdAt: Int64 = 0
    /// A customer since before the window: paying from its first day.
    var preexisting = false
    var country = ""
    var currency = Catalog.CurrencyChoice.usd
    var industry = ""
    var csm: String?
    var employees = 1
    /// Latent customer health in `0...1`: happy accounts use more, score higher, expand more and churn less.
    var health = 0.5
    var plan = Plan.starter
    /// Priced per seat (quantity = seats) rather than flat.
    var seatBased = false
    var seats = 1
    var billing = Billing.monthly
    var startsWithTrial = false
    var addOns: [AddOn] = []

    /// The day the account was created.
    var createdDay: Int { Int(createdAt / 86_400) }

    /// Draws the plan of account number `number` (1-based) created at `createdAt`.
    static func draw(
        number: Int, createdAt: Int64, preexisting: Bool, rng: inout SeededRandom
    ) -> AccountPlan {
        var plan = AccountPlan()
        plan.id = IDFormat.account(number)
        plan.createdAt = createdAt
        plan.preexisting = preexisting
        plan.name = rng.pick(Catalog.nameFirst) + " " + rng.pick(Catalog.nameSecond) + rng.pick(Catalog.nameSuffix)
        let country = Catalog.countries[rng.weighted(Catalog.countryWeights)]
        plan.country = country.code
        switch country.currency {
        case .usd: plan.currency = .usd
        case .eur: plan.currency = rng.chance(0.2) ? .eur : .usd
        case .gbp: plan.currency = rng.chance(0.3) ? .gbp : .usd
        }
        plan.industry = Catalog.industries[rng.weighted(Catalog.industryWeights)]
        plan.csm = rng.chance(0.05) ? nil : rng.pick(Catalog.csms)
        plan.employees = min(20_000, max(2, Int(Maths.e(3.2 + 1.3 * rng.normal()))))
        plan.health = (rng.unit() + rng.unit() + rng.unit()) / 3

        let weights: [Double] =
            plan.employees < 20 ? [0.75, 0.22, 0.03] : plan.employees < 200 ? [0.40, 0.50, 0.10] : [0.15, 0.45, 0.40]
        plan.plan = Plan(rawValue: rng.weighted(weights))!
        if preexisting, plan.plan < .scale, rng.chance(0.15) { plan.plan = plan.plan.higher! }
        if plan.plan < .scale && rng.chance(0.45) {
            plan.seatBased = true
            plan.seats = min(40, 2 + Int(rng.exponential(mean: plan.plan == .starter ? 4 : 2.5)))
        }
        plan.billing = Billing.draw(&rng)
        plan.startsWithTrial = !preexisting && rng.chance(0.4)
        for addOn in AddOn.allCases where rng.chance(preexisting ? 0.2 : 0.06) { plan.addOns.append(addOn) }
        return plan
    }

    /// The account record, with `employees` and `plan_tier` as custom attributes.
    func account(referredBy: AccountID?) -> Account {
        Account(
            id: AccountID(id), name: name, createdAt: Timestamp(seconds: createdAt), csm: csm, industry: industry,
            country: country, referredBy: referredBy,
            attributes: ["employees": String(employees), "plan_tier": plan.tier])
    }

    /// How many people use the product: seats when priced per seat, else a few depending on plan and size.
    var users: Int {
        if seatBased { return seats }
        let base = plan == .starter ? 2 : plan == .growth ? 5 : 12
        return min(40, base + employees / 100)
    }
}

extension IDFormat {
    static let accountFormat = IDFormat("acc_", width: 6)
    static func account(_ n: Int) -> String { accountFormat(n) }
}

/// When accounts were created: some before the window (the customers of its first month), the rest spread over it
/// with arrivals growing over time.
enum Roster {
    /// Creation instants (seconds) of `count` accounts in ascending order, and whether each predates the window.
    static func creationTimes(count: Int, window: Window, rng: inout SeededRandom) -> [(at: Int64, preexisting: Bool)] {
        var times: [(at: Int64, preexisting: Bool)] = []
        times.reserveCapacity(count)
        let growth = Maths.ln(2.2)  // arrivals at the end of the window are 2.2 times those at its start
        let span = Double(window.days)
        for _ in 0..<count {
            if rng.chance(0.3) {
                let daysBefore = 1 + rng.int(5 * 365)
                times.append((Int64(window.startDay - daysBefore) * 86_400, true))
            } else {
                let x = Maths.ln(1 + rng.unit() * (Maths.e(growth) - 1)) / growth
                let day = window.startDay + min(window.days - 1, Int(x * span))
                let second = Int64(8 * 3600 + rng.int(11 * 3600))
                times.append((Int64(day) * 86_400 + second, false))
            }
        }
        times.sort { $0.at < $1.at }
        return times
    }
}
