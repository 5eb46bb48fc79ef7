import VitalsCore

/// Writes each account's trial and subscription versions, simulating its paid life month by month: plan and seat
/// changes, add-ons bought and dropped, failed payments, pauses, churn and win-backs.
struct SubscriptionHistory {
    let window: Window
    private var subscriptionIDs = SequentialID("sub_", width: 6)
    private var trialIDs = SequentialID("trial_", width: 6)

    init(window: Window) { self.window = window }

    /// Simulates the account of `plan` into `dataset` and records what it did in `life`.
    mutating func simulate(
        _ plan: AccountPlan, life: inout AccountLife, rng: inout SeededRandom, dataset: inout Dataset
    ) {
        defer {
            life.finishHealth()
            life.finishUse(windowEnd: window.endSeconds)
        }
        let seats = plan.seatBased ? plan.seats : 1
        var journey: Journey
        // A customer from before the window is part-way through its term on the window's first day: its first renewal
        // is `months - cycle` months in, the month its journey can first churn (written as the versions' renews_at,
        // so the renewal schedule and the churn agree instead of every such renewal falling on an anniversary of the
        // window's start).
        var midTerm: (subscription: SubscriptionID, renews: Timestamp)?
        let firstVersion = dataset.subscriptions.count
        if plan.preexisting {
            let subscription = openSubscription(plan, billing: plan.billing, account: life.index)
            journey = Journey(window: window, plan: plan, subscription: subscription, day: window.startDay)
            journey.start(plan.plan, seats: seats, addOns: plan.addOns, life: &life)
            journey.cycle = rng.int(plan.billing.months)
            if plan.billing.months > 1, journey.cycle > 0 {
                let renews = CivilDate(daysSinceEpoch: window.startDay).adding(months: plan.billing.months - journey.cycle)
                midTerm = (subscription.id, Timestamp(renews))
            }
        } else if plan.startsWithTrial && plan.createdDay + 16 < window.endDay {
            guard let (converted, trialing) = trial(plan, life: &life, rng: &rng, dataset: &dataset) else { return }
            var subscription = trialing
            // The trialing version ends where the paid one starts: the same subscription item continues.
            subscription.setStatus(.active, day: converted, into: &dataset.subscriptions)
            journey = Journey(window: window, plan: plan, subscription: subscription, day: converted)
            for addOn in plan.addOns { journey.subscription.add(addOn, day: converted) }
        } else {
            let start = plan.createdDay + 1 + rng.int(10)
            guard start < window.endDay else { return }
            let subscription = openSubscription(plan, billing: plan.billing, account: life.index)
            journey = Journey(window: window, plan: plan, subscription: subscription, day: start)
            journey.start(plan.plan, seats: seats, addOns: plan.addOns, life: &life)
        }
        life.firstPaidDay = journey.day
        life.peakMonthly = journey.subscription.monthlyValue
        while let comeback = journey.run(life: &life, rng: &rng, versions: &dataset.subscriptions) {
            // A win-back: a new subscription, monthly, often on a smaller plan and with a discount.
            var billing = Billing.monthly
            if rng.chance(0.3) { billing.discountPercent = 20 }
            journey.subscription = openSubscription(plan, billing: billing, account: life.index)
            journey.day = comeback
            journey.cycle = 0
            let back = rng.chance(0.4) ? journey.corePlan.lower ?? journey.corePlan : journey.corePlan
            journey.start(back, seats: max(1, journey.seats - rng.int(2)), addOns: [], life: &life)
        }
        if let midTerm {
            let start = Window.timestamp(day: window.startDay)
            for i in firstVersion..<dataset.subscriptions.count
            where dataset.subscriptions[i].subscriptionID == midTerm.subscription && dataset.subscriptions[i].validFrom == start {
                dataset.subscriptions[i].renewsAt = midTerm.renews
            }
        }
    }

    /// Writes the trial and starts its trialing version; returns the day it converted to a paid subscription and the
    /// subscription, if it did.
    private mutating func trial(
        _ plan: AccountPlan, life: inout AccountLife, rng: inout SeededRandom, dataset: inout Dataset
    ) -> (Int, OpenSubscription)? {
        let start = plan.createdDay + 1 + rng.int(2)
        let ends = start + 14
        var subscription = openSubscription(plan, billing: plan.billing, account: life.index, status: .trialing)
        subscription.addCore(plan.plan, quantity: plan.seatBased ? plan.seats : 1, day: start)
        life.trialStartDay = start
        life.beginUse(Int64(start) * 86_400)
        let id = TrialID(trialIDs.next())
        var record = Trial(id: id, account: life.index, startedAt: Window.timestamp(day: start),
                           endsAt: Window.timestamp(day: ends))
        if rng.chance(Behaviour.trialConverts(health: plan.health)) {
            let converted = start + rng.int(in: 3...14)
            record.convertedAt = Window.timestamp(day: converted)
            dataset.trials.append(record)
            return (converted, subscription)
        }
        var ended = ends
        if rng.chance(0.4) {
            ended = start + rng.int(in: 1...13)
            record.canceledAt = Window.timestamp(day: ended)
        }
        dataset.trials.append(record)
        subscription.end(day: ended, into: &dataset.subscriptions)
        life.endUse(Int64(ended) * 86_400)
        return nil
    }

    private mutating func openSubscription(
        _ plan: AccountPlan, billing: Billing, account: AccountIndex, status: SubscriptionStatus = .active
    ) -> OpenSubscription {
        let id = SubscriptionID(subscriptionIDs.next())
        return OpenSubscription(id: id, account: account, currency: plan.currency, billing: billing, status: status)
    }
}
