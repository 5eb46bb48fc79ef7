import Testing
import VitalsCore

/// Dated versions built from observations of a subscription; every expected version is written out by hand.
@Suite struct SubscriptionHistoryTests {
    let jan1 = Timestamp(year: 2024, month: 1, day: 1)
    let jan15 = Timestamp(year: 2024, month: 1, day: 15)
    let feb1 = Timestamp(year: 2024, month: 2, day: 1)
    let mar15 = Timestamp(year: 2024, month: 3, day: 15)
    let apr1 = Timestamp(year: 2024, month: 4, day: 1)
    let jun1 = Timestamp(year: 2024, month: 6, day: 1)
    let a = AccountIndex(0)

    func seats(_ n: Int, _ product: String = "core", price: Int64 = 5_000) -> SubscriptionObservation.Item {
        .init(product: product, plan: "pro", amountMinor: price, currency: "USD", interval: .month, quantity: n)
    }

    func version(_ product: String = "core", price: Int64 = 5_000, quantity: Int, percent: Double = 0, off: Int64 = 0,
                 status: SubscriptionStatus = .active, from: Timestamp, to: Timestamp?) -> SubscriptionVersion {
        SubscriptionVersion(
            subscriptionID: "sub", account: a, product: product, plan: "pro", amount: Money(minorUnits: price, currency: .usd),
            quantity: quantity, discountPercent: percent, discountAmount: off, status: status, validFrom: from, validTo: to)
    }

    @Test func oneSnapshotReachesBackToTheStart() {
        // Observed on 1 June, started 15 January: 2 seats from the start, still running.
        let o = SubscriptionObservation(observedAt: jun1, startedAt: jan15, state: .active, items: [seats(2)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [o]) == [version(quantity: 2, from: jan15, to: nil)])
    }

    @Test func aChangeStartsANewVersionWhenItWasObserved() {
        let first = SubscriptionObservation(observedAt: jan15, startedAt: jan15, state: .active, items: [seats(2)])
        let second = SubscriptionObservation(observedAt: mar15, startedAt: jan15, state: .active, items: [seats(3)])
        let expected = [version(quantity: 2, from: jan15, to: mar15), version(quantity: 3, from: mar15, to: nil)]
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [first, second]) == expected)
        // Delivered the other way round, the history is the same.
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [second, first]) == expected)
    }

    @Test func aTrialEndsAtItsTrialEndNotWhenTheNewsArrives() {
        let trialing = SubscriptionObservation(observedAt: jan1, startedAt: jan1, trialEnd: jan15, state: .trialing, items: [seats(1)])
        // The update arrives a minute after the trial ended.
        let converted = SubscriptionObservation(observedAt: jan15.adding(seconds: 60), startedAt: jan1, trialEnd: jan15, state: .active, items: [seats(1)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [trialing, converted]) == [
            version(quantity: 1, status: .trialing, from: jan1, to: jan15), version(quantity: 1, from: jan15, to: nil),
        ])
        // A backfill that only sees the converted subscription still knows the trial from its dates.
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [converted]) == [
            version(quantity: 1, status: .trialing, from: jan1, to: jan15), version(quantity: 1, from: jan15, to: nil),
        ])
    }

    @Test func aLimitedDiscountSplitsTheVersionWhereItRunsOut() {
        // 50 % for the first two months (Stripe "repeating", ends 1 April), and a forever 10 % on top:
        // 1 - 0.5 x 0.9 = 55 % until April, 10 % after.
        let o = SubscriptionObservation(
            observedAt: feb1, startedAt: feb1, state: .active, items: [seats(1, price: 4_000)],
            discounts: [.init(percent: 50, until: apr1), .init(percent: 10)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [o]) == [
            version(price: 4_000, quantity: 1, percent: 55, from: feb1, to: apr1),
            version(price: 4_000, quantity: 1, percent: 10, from: apr1, to: nil),
        ])
    }

    @Test func aFixedAmountOffIsTakenFromTheItemsInOrderUpToEachItemsPrice() {
        // 70.00 off the subscription: core is 1 x 50.00, so it takes 50.00; addon (2 x 15.00 = 30.00) takes the other 20.00.
        let o = SubscriptionObservation(
            observedAt: jan1, startedAt: jan1, state: .active, items: [seats(1), seats(2, "addon", price: 1_500)],
            discounts: [.init(amountMinor: 7_000, currency: "USD")])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [o]) == [
            version(quantity: 1, off: 5_000, from: jan1, to: nil),
            version("addon", price: 1_500, quantity: 2, off: 2_000, from: jan1, to: nil),
        ])
    }

    @Test func cancellationEndsTheLastVersionAndAScheduledOneToo() {
        let running = SubscriptionObservation(observedAt: jan15, startedAt: jan15, state: .active, items: [seats(2)])
        let canceled = SubscriptionObservation(observedAt: jun1.adding(seconds: 5), startedAt: jan15, state: .ended, endsAt: jun1, items: [seats(2)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [running, canceled]) == [version(quantity: 2, from: jan15, to: jun1)])
        // cancel_at in the future: the subscription runs until then.
        let scheduled = SubscriptionObservation(observedAt: mar15, startedAt: jan15, state: .active, endsAt: jun1, items: [seats(2)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [running, scheduled]) == [version(quantity: 2, from: jan15, to: jun1)])
        // A canceled subscription seen only by a backfill: its own terms from start to end.
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [canceled]) == [version(quantity: 2, from: jan15, to: jun1)])
    }

    @Test func aPaymentBringsAPastDueSubscriptionBack() {
        let running = SubscriptionObservation(observedAt: jan1, startedAt: jan1, state: .active, items: [seats(1)])
        let late = SubscriptionObservation(observedAt: feb1, startedAt: jan1, state: .pastDue, items: [seats(1)])
        let paid = SubscriptionObservation(kind: .payment, observedAt: mar15, startedAt: mar15, state: .active, items: [])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [paid, late, running]) == [
            version(quantity: 1, from: jan1, to: feb1), version(quantity: 1, status: .pastDue, from: feb1, to: mar15),
            version(quantity: 1, from: mar15, to: nil),
        ])
        // With no snapshot, a payment's invoice lines are the terms, from the start of the period paid for.
        let alone = SubscriptionObservation(kind: .payment, observedAt: jan15, startedAt: jan1, state: .active, items: [seats(3)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [alone]) == [version(quantity: 3, from: jan1, to: nil)])
    }

    @Test func anIncompleteSubscriptionHasNoVersions() {
        let o = SubscriptionObservation(observedAt: jan1, startedAt: jan1, state: .notStarted, items: [seats(1)])
        #expect(SubscriptionHistory.versions(of: "sub", account: a, observations: [o]).isEmpty)
    }
}
