import VitalsCore

/// One account's paid life, month by month, from its first paid day to churn or the end of the window.
struct Journey {
    let window: Window
    /// The account's long-run health, which its monthly health drifts around.
    let baseline: Double
    let seatBased: Bool
    var health: Double
    var subscription: OpenSubscription
    /// The day of the last change (or of the start).
    var day: Int
    /// Months since the current billing period began: annual and quarterly customers only leave at renewal.
    var cycle = 0
    var corePlan: Plan
    var seats: Int
    var winBacks = 0

    init(window: Window, plan: AccountPlan, subscription: OpenSubscription, day: Int) {
        self.window = window
        baseline = plan.health
        seatBased = plan.seatBased
        health = plan.health
        self.subscription = subscription
        self.day = day
        corePlan = plan.plan
        seats = plan.seatBased ? plan.seats : 1
    }

    /// Starts the (empty) current subscription on `plan` at `day`.
    mutating func start(_ plan: Plan, seats: Int, addOns: [AddOn], life: inout AccountLife) {
        corePlan = plan
        self.seats = seatBased ? seats : 1
        subscription.addCore(plan, quantity: self.seats, day: day)
        for addOn in addOns { subscription.add(addOn, day: day) }
        life.beginUse(Int64(day) * 86_400)
        life.peakMonthly = max(life.peakMonthly, subscription.monthlyValue)
    }

    private enum Event { case churn, pastDue, pause, upgrade, downgrade, seatsUp, seatsDown, crossSell, dropAddOn }

    /// Runs the subscription month by month. Returns the day the account comes back after churning (the caller then
    /// starts a new subscription), or `nil` when it churns for good or the window ends (running versions are then
    /// written open-ended).
    mutating func run(life: inout AccountLife, rng: inout SeededRandom, versions: inout [SubscriptionVersion]) -> Int? {
        months: while true {
            let check = day + rng.int(in: 27...33)
            guard check < window.endDay else { break months }
            day = check
            cycle += 1
            health = Behaviour.drift(health, baseline: baseline, rng: &rng)
            life.recordHealth(health, month: window.month(ofDay: day))
            switch nextEvent(&rng) {
            case nil:
                continue
            case .churn:
                return churn(at: day, life: &life, rng: &rng, versions: &versions)
            case .pastDue:
                subscription.setStatus(.pastDue, day: day, into: &versions)
                let resolved = day + rng.int(in: 3...25)
                guard resolved < window.endDay else { break months }
                if rng.chance(Behaviour.recovers(health: health)) {
                    subscription.setStatus(.active, day: resolved, into: &versions)
                    day = resolved
                    continue
                }
                let lapsed = day + rng.int(in: 30...45)
                guard lapsed < window.endDay else { break months }
                return churn(at: lapsed, life: &life, rng: &rng, versions: &versions)
            case .pause:
                subscription.setStatus(.paused, day: day, into: &versions)
                let resumes = day + rng.int(in: 30...90)
                guard resumes < window.endDay else { break months }
                if rng.chance(Behaviour.resumesFromPause) {
                    subscription.setStatus(.active, day: resumes, into: &versions)
                    day = resumes
                    continue
                }
                return churn(at: resumes, life: &life, rng: &rng, versions: &versions)
            case .upgrade:
                changeCore(plan: corePlan.higher!, seats: seats, life: &life, versions: &versions)
            case .downgrade:
                life.downgrades.append(day)
                changeCore(plan: corePlan.lower!, seats: seats, life: &life, versions: &versions)
            case .seatsUp:
                changeCore(plan: corePlan, seats: seats + 1 + (rng.chance(0.2) ? rng.int(seats / 4 + 2) : 0), life: &life, versions: &versions)
            case .seatsDown:
                changeCore(plan: corePlan, seats: seats - 1 - (rng.chance(0.2) ? rng.int(seats / 5 + 1) : 0), life: &life,
                           versions: &versions)
            case .crossSell:
                let missing = AddOn.allCases.filter { !subscription.has($0) }
                let addOn = rng.pick(missing)
                let before = subscription.monthlyValue
                subscription.add(addOn, day: day)
                noteChange(from: before, source: .crossSell, life: &life)
            case .dropAddOn:
                let owned = AddOn.allCases.filter { subscription.has($0) }
                subscription.remove(rng.pick(owned), day: day, into: &versions)
            }
        }
        subscription.finish(into: &versions)
        return nil
    }

    /// Draws what happens this month, if anything.
    private mutating func nextEvent(_ rng: inout SeededRandom) -> Event? {
        guard subscription.status == .active else { return nil }
        let months = subscription.billing.months
        var churn = Behaviour.churn(health: health, plan: corePlan)
        if months > 1 {
            // Annual and quarterly customers can only leave at renewal, with the odds of the months in between.
            churn = cycle % months == 0 ? 1 - power(1 - churn, months) : 0
        }
        let hasAddOn = subscription.items.count > 1
        let missingAddOn = subscription.items.count < 1 + AddOn.allCases.count
        var roll = rng.unit()
        func hit(_ p: Double) -> Bool {
            roll -= p
            return roll < 0
        }
        if hit(churn) { return .churn }
        if hit(Behaviour.pastDue) { return .pastDue }
        if hit(Behaviour.pause) { return .pause }
        if corePlan < .scale && hit(Behaviour.upgrade(health: health)) { return .upgrade }
        if corePlan > .starter && hit(Behaviour.downgrade(health: health)) { return .downgrade }
        if seatBased && hit(Behaviour.seatsUp(health: health)) { return .seatsUp }
        if seatBased && seats > 1 && hit(Behaviour.seatsDown(health: health)) { return .seatsDown }
        if missingAddOn && hit(Behaviour.crossSell(health: health)) { return .crossSell }
        if hasAddOn && hit(Behaviour.dropAddOn(health: health)) { return .dropAddOn }
        return nil
    }

    private mutating func changeCore(
        plan: Plan, seats newSeats: Int, life: inout AccountLife, versions: inout [SubscriptionVersion]
    ) {
        let before = subscription.monthlyValue
        corePlan = plan
        seats = max(1, newSeats)
        subscription.changeCore(plan: plan, quantity: seats, day: day, into: &versions)
        noteChange(from: before, source: .upsell, life: &life)
    }

    private func noteChange(from before: Int64, source: LeadSource, life: inout AccountLife) {
        let after = subscription.monthlyValue
        life.peakMonthly = max(life.peakMonthly, after)
        if after > before {
            life.expansions.append(AccountLife.Expansion(day: day, source: source, monthlyDelta: after - before))
        }
    }

    /// Ends the subscription at `at`; returns the day the account comes back, if it will within the window.
    private mutating func churn(
        at end: Int, life: inout AccountLife, rng: inout SeededRandom, versions: inout [SubscriptionVersion]
    ) -> Int? {
        subscription.end(day: end, into: &versions)
        life.endUse(Int64(end) * 86_400)
        day = end
        guard winBacks < 2, rng.chance(Behaviour.winBack) else { return nil }
        let comeback = end + rng.int(in: 60...300)
        guard comeback < window.endDay else { return nil }
        winBacks += 1
        return comeback
    }

    private func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= x }
        return result
    }
}
