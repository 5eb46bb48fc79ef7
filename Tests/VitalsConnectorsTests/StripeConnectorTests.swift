import Foundation
import Testing
import VitalsCore
@testable import VitalsConnectors
@testable import VitalsFormats
import VitalsStore

/// Stripe events as Stripe sends them (trimmed to the fields Vitals reads), in both API layouts.
enum StripeFixtures {
    static func t(_ y: Int, _ m: Int, _ d: Int) -> Int64 { Timestamp(year: y, month: m, day: d).seconds }

    static func event(_ id: String, _ type: String, created: Int64, _ object: String) -> String {
        #"{"id":"\#(id)","object":"event","type":"\#(type)","created":\#(created),"data":{"object":\#(object)}}"#
    }

    static func customer(_ id: String, _ name: String, created: Int64) -> String {
        #"{"id":"\#(id)","object":"customer","name":"\#(name)","email":"billing@\#(name.lowercased()).test","created":\#(created),"address":{"country":"US"},"metadata":{"Plan Tier":"gold"}}"#
    }

    /// The current layout: billing periods on the items.
    static func currentSubscription(
        _ id: String, customer: String, status: String, start: Int64, amount: Int, quantity: Int, interval: String = "month",
        trial: (Int64, Int64)? = nil, endedAt: Int64? = nil, discount: String = "null", product: String = "prod_core"
    ) -> String {
        #"""
        {"id":"\#(id)","object":"subscription","customer":"\#(customer)","status":"\#(status)","start_date":\#(start),"created":\#(start),
         "trial_start":\#(trial.map { String($0.0) } ?? "null"),"trial_end":\#(trial.map { String($0.1) } ?? "null"),
         "cancel_at":null,"cancel_at_period_end":false,"canceled_at":\#(endedAt.map(String.init) ?? "null"),"ended_at":\#(endedAt.map(String.init) ?? "null"),
         "discounts":[\#(discount == "null" ? "" : discount)],
         "items":{"object":"list","data":[{"id":"si_\#(id)","object":"subscription_item","quantity":\#(quantity),
           "current_period_start":\#(start),"current_period_end":\#(start + 2_592_000),
           "price":{"id":"price_\#(amount)","object":"price","currency":"usd","unit_amount":\#(amount),"nickname":"Pro","product":"\#(product)",
                    "recurring":{"interval":"\#(interval)","interval_count":1,"usage_type":"licensed"}}}],"has_more":false}}
        """#
    }

    /// The older layout: plan and quantity on the subscription, a single `discount`, current_period_* on it.
    static func olderSubscription(_ id: String, customer: String, start: Int64, amount: Int, interval: String, percentOff: Int) -> String {
        #"""
        {"id":"\#(id)","object":"subscription","customer":"\#(customer)","status":"active","start_date":\#(start),"created":\#(start),
         "current_period_start":\#(start),"current_period_end":\#(start + 31_536_000),"cancel_at_period_end":false,"cancel_at":null,
         "trial_start":null,"trial_end":null,"ended_at":null,"quantity":1,
         "plan":{"id":"plan_annual","object":"plan","amount":\#(amount),"currency":"usd","interval":"\#(interval)","interval_count":1,"nickname":"Annual","product":"prod_core"},
         "discount":{"id":"di_1","object":"discount","coupon":{"id":"TEN","percent_off":\#(percentOff),"amount_off":null,"duration":"forever"},"start":\#(start),"end":null}}
        """#
    }

    static func repeatingDiscount(percent: Int, start: Int64, end: Int64) -> String {
        #"{"id":"di_rep","object":"discount","source":{"type":"coupon","coupon":{"id":"HALF","percent_off":\#(percent),"duration":"repeating","duration_in_months":2}},"start":\#(start),"end":\#(end)}"#
    }

    /// The events of the worked example (docs/integrations/stripe.md), in delivery order.
    static var workedExample: [String] {
        let a = currentSubscription("sub_A", customer: "cus_A", status: "active", start: t(2024, 1, 15), amount: 5_000, quantity: 2)
        let a3 = currentSubscription("sub_A", customer: "cus_A", status: "active", start: t(2024, 1, 15), amount: 5_000, quantity: 3)
        let b = olderSubscription("sub_B", customer: "cus_B", start: t(2024, 2, 1), amount: 120_000, interval: "year", percentOff: 10)
        let c = currentSubscription("sub_C", customer: "cus_C", status: "trialing", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trial: (t(2024, 2, 1), t(2024, 2, 15)))
        let c2 = currentSubscription("sub_C", customer: "cus_C", status: "active", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trial: (t(2024, 2, 1), t(2024, 2, 15)))
        let c3 = currentSubscription("sub_C", customer: "cus_C", status: "canceled", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trial: (t(2024, 2, 1), t(2024, 2, 15)), endedAt: t(2024, 4, 1))
        let d = currentSubscription("sub_D", customer: "cus_D", status: "active", start: t(2024, 2, 1), amount: 4_000, quantity: 1,
                                    discount: repeatingDiscount(percent: 50, start: t(2024, 2, 1), end: t(2024, 4, 1)))
        let oneOff = #"{"id":"in_oneoff","object":"invoice","customer":"cus_A","currency":"usd","amount_paid":25000,"status_transitions":{"paid_at":\#(t(2024, 3, 3))},"parent":null,"lines":{"data":[]}}"#
        return [
            event("evt_1", "customer.created", created: t(2024, 1, 15), customer("cus_A", "Acme", created: t(2024, 1, 15))),
            event("evt_2", "customer.subscription.created", created: t(2024, 1, 15), a),
            event("evt_3", "customer.created", created: t(2024, 2, 1), customer("cus_B", "Globex", created: t(2024, 2, 1))),
            event("evt_4", "customer.subscription.created", created: t(2024, 2, 1), b),
            event("evt_5", "customer.subscription.created", created: t(2024, 2, 1), c),
            event("evt_6", "customer.subscription.updated", created: t(2024, 2, 15) + 90, c2),
            event("evt_7", "customer.subscription.created", created: t(2024, 2, 1), d),
            event("evt_8", "invoice.paid", created: t(2024, 3, 3), oneOff),
            event("evt_9", "customer.subscription.updated", created: t(2024, 3, 15), a3),
            event("evt_10", "customer.subscription.deleted", created: t(2024, 4, 1) + 30, c3),
        ]
    }
}

@Suite struct StripeConnectorTests {
    let secret = "whsec_test_secret"

    @Test func aSignatureIsCheckedAgainstEveryV1ValueAndTheTolerance() throws {
        let body = Array(#"{"id":"evt_1"}"#.utf8)
        let now = Timestamp(seconds: 1_700_000_000)
        let good = StripeSignature.header(payload: body, secret: secret, timestamp: now.seconds)
        try StripeSignature.verify(header: good, payload: body, secrets: [secret], now: now)
        // Several v1 values (a rolled secret): one match is enough; v0 is ignored.
        let v1 = String(good.split(separator: ",")[1])
        try StripeSignature.verify(header: "t=\(now.seconds),v0=abcd,v1=\(String(repeating: "0", count: 64)),\(v1)", payload: body, secrets: [secret], now: now)
        try StripeSignature.verify(header: good, payload: body, secrets: ["whsec_old", secret], now: now)
        // 300 s either way is within the tolerance, 301 s is not (a replay).
        try StripeSignature.verify(header: good, payload: body, secrets: [secret], now: now.adding(seconds: 300))
        #expect(throws: StripeSignature.Failure.outsideTolerance(seconds: 301)) {
            try StripeSignature.verify(header: good, payload: body, secrets: [secret], now: now.adding(seconds: 301))
        }
        #expect(throws: StripeSignature.Failure.mismatch) {
            try StripeSignature.verify(header: good, payload: Array(#"{"id":"evt_2"}"#.utf8), secrets: [secret], now: now)
        }
        #expect(throws: StripeSignature.Failure.mismatch) {
            try StripeSignature.verify(header: good, payload: body, secrets: ["whsec_other"], now: now)
        }
        #expect(throws: StripeSignature.Failure.noSignature) {
            try StripeSignature.verify(header: "t=\(now.seconds)", payload: body, secrets: [secret], now: now)
        }
        #expect(throws: StripeSignature.Failure.malformedHeader) {
            try StripeSignature.verify(header: v1, payload: body, secrets: [secret], now: now)
        }
        #expect(throws: StripeSignature.Failure.noSecret) {
            try StripeSignature.verify(header: good, payload: body, secrets: [], now: now)
        }
    }

    /// The HMAC of Stripe's documented scheme, computed independently: HMAC-SHA256("key", "t.body") for
    /// key = "whsec_test_secret", t = 1700000000, body = "{}", checked against Python's
    /// hmac.new(b"whsec_test_secret", b"1700000000.{}", hashlib.sha256).hexdigest().
    @Test func theSignatureIsStripesHMAC() {
        let header = StripeSignature.header(payload: Array("{}".utf8), secret: secret, timestamp: 1_700_000_000)
        #expect(header == "t=1700000000,v1=" + StripeConnectorTests.pythonHMAC)
    }
    static let pythonHMAC = "ceb8863f7208fa249a6cd8f951e993c7563412aca65866f6272283debe143ab3"

    @Test func bothLayoutsGiveTheSameObservation() throws {
        let start = StripeFixtures.t(2024, 2, 1)
        let current = StripeFixtures.currentSubscription("sub_X", customer: "cus_X", status: "active", start: start, amount: 120_000, quantity: 1, interval: "year",
            discount: #"{"id":"di_1","object":"discount","coupon":{"id":"TEN","percent_off":10,"duration":"forever"},"start":\#(start),"end":null}"#)
        let older = StripeFixtures.olderSubscription("sub_X", customer: "cus_X", start: start, amount: 120_000, interval: "year", percentOff: 10)
        let at = Timestamp(seconds: start)
        let a = try StripeMapping.subscription(try #require(JSONBody.object(Array(current.utf8))), observedAt: at)
        let b = try StripeMapping.subscription(try #require(JSONBody.object(Array(older.utf8))), observedAt: at)
        #expect(a.observation.items.map(\.amountMinor) == [120_000])
        #expect(a.observation.items.map(\.interval) == [.year])
        #expect(a.observation.discounts == [.init(percent: 10)])
        #expect(a.observation.items.map(\.product) == b.observation.items.map(\.product))
        #expect(a.observation.discounts == b.observation.discounts)
        #expect(a.observation.state == b.observation.state)
        #expect(a.observation.startedAt == b.observation.startedAt)
    }

    @Test func theWorkedExampleGivesTheHandWorkedMRR() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-stripe-\(UUID().uuidString).sqlite")
        let w = try store.workspace("w")
        for text in StripeFixtures.workedExample {
            let (id, type, changes) = try StripeMapping.event(try #require(JSONBody.object(Array(text.utf8))))
            let result = try store.applyStripe(changes, workspace: w, event: (id, type), source: id, receivedAt: Timestamp(seconds: 0))
            #expect(!result.duplicate)
        }
        // Every event again (Stripe redelivers): nothing changes.
        let before = try store.dataset(workspace: w)
        for text in StripeFixtures.workedExample.reversed() {
            let (id, type, changes) = try StripeMapping.event(try #require(JSONBody.object(Array(text.utf8))))
            #expect(try store.applyStripe(changes, workspace: w, event: (id, type), source: id, receivedAt: Timestamp(seconds: 0)).duplicate)
        }
        let dataset = try store.dataset(workspace: w)
        #expect(dataset.subscriptions == before.subscriptions)
        #expect(dataset[try #require(dataset.index(of: "cus_A"))].name == "Acme")
        #expect(dataset[try #require(dataset.index(of: "cus_A"))].attributes["metadata_plan_tier"] == "gold")
        #expect(dataset.orders.map(\.amount.minorUnits) == [25_000])

        // Hand-worked (docs/integrations/stripe.md):
        // Jan: A 2 x 50 = 100 (new 100).
        // Feb: A 100 + B 1200 x 0.9 / 12 = 90 + C 30 (trial ended 15 Feb) + D 40 x 0.5 = 20 -> 240 (new 140).
        // Mar: A 3 x 50 = 150 from 15 March (expansion 50) -> 290.
        // Apr: C ends 1 April (churn 30); D's 50 % ends 1 April: 40 (expansion 20) -> 280.
        let report = KPICalculator(dataset: dataset, settings: ReportSettings()).report(ReportScope(periods: Period.range(
            from: CivilDate(year: 2024, month: 1, day: 1), through: CivilDate(year: 2024, month: 4, day: 30), grain: .month)))
        // (Money KPIs are in cents here; the JSON gives major units.)
        #expect(report.rows.map { $0[.mrr].double } == [10_000, 24_000, 29_000, 28_000])
        #expect(report.rows.map { $0[.newMRR].double } == [10_000, 14_000, 0, 0])
        #expect(report.rows.map { $0[.expansionMRR].double } == [0, 0, 5_000, 2_000])
        #expect(report.rows.map { $0[.churnedMRR].double } == [0, 0, 0, 3_000])
    }
}

@Suite struct StripeInvoiceTests {
    static let paidAt = StripeFixtures.t(2024, 3, 20)

    /// An invoice of sub_P for 2 x 45.00 a month (1 March - 1 April), in the current layout (subscription under
    /// `parent.subscription_details`, lines priced by `pricing.price_details`) or the older one.
    static func invoice(current: Bool) -> String {
        let period = #"{"start":\#(StripeFixtures.t(2024, 3, 1)),"end":\#(StripeFixtures.t(2024, 4, 1))}"#
        let line = current
            ? #"{"id":"il_1","amount":9000,"quantity":2,"period":\#(period),"parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"sub_P","proration":false}},"pricing":{"type":"price_details","price_details":{"price":"price_45","product":"prod_core"},"unit_amount_decimal":"4500"}}"#
            : #"{"id":"il_1","type":"subscription","amount":9000,"quantity":2,"period":\#(period),"proration":false,"price":{"id":"price_45","currency":"usd","unit_amount":4500,"product":"prod_core","recurring":{"interval":"month","interval_count":1}}}"#
        let owner = current
            ? #""parent":{"type":"subscription_details","subscription_details":{"subscription":"sub_P"}}"#
            : #""subscription":"sub_P""#
        return #"{"id":"in_P","object":"invoice","customer":"cus_P","currency":"usd","amount_paid":9000,"status_transitions":{"paid_at":\#(paidAt)},\#(owner),"lines":{"data":[\#(line)]}}"#
    }

    @Test func aPaidInvoiceOfAnUnseenSubscriptionGivesItsTermsInBothLayouts() throws {
        for current in [true, false] {
            var changes = StripeChanges()
            try StripeMapping.invoice(try #require(JSONBody.object(Array(Self.invoice(current: current).utf8))), paidAt: Timestamp(seconds: 0), into: &changes)
            let observation = try #require(changes.observations.first)
            #expect(observation.subscription == "sub_P")
            #expect(observation.observation.kind == .payment)
            #expect(observation.observation.items == [.init(product: "prod_core", plan: "price_45", amountMinor: 4_500, currency: "USD", interval: .month, quantity: 2)])
            let versions = SubscriptionHistory.versions(of: "sub_P", account: AccountIndex(0), observations: changes.observations.map(\.observation))
            // From the start of the period paid for, 2 x 45.00 a month, open.
            #expect(versions.map(\.validFrom) == [Timestamp(year: 2024, month: 3, day: 1)])
            #expect(versions.map(\.quantity) == [2])
            #expect(versions.map(\.interval) == [.month])
            #expect(changes.orders.isEmpty)
        }
    }

    @Test func aPaidInvoiceBringsAPastDueSubscriptionBack() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-invoice-\(UUID().uuidString).sqlite")
        let w = try store.workspace("w")
        let start = StripeFixtures.t(2024, 1, 1)
        let active = StripeFixtures.currentSubscription("sub_P", customer: "cus_P", status: "active", start: start, amount: 4_500, quantity: 2)
        let late = StripeFixtures.currentSubscription("sub_P", customer: "cus_P", status: "past_due", start: start, amount: 4_500, quantity: 2)
        let events = [
            StripeFixtures.event("evt_p1", "customer.subscription.created", created: start, active),
            StripeFixtures.event("evt_p3", "invoice.paid", created: Self.paidAt + 5, Self.invoice(current: true)),
            StripeFixtures.event("evt_p2", "customer.subscription.updated", created: StripeFixtures.t(2024, 3, 1), late),
        ]
        for text in events {
            let (id, type, changes) = try StripeMapping.event(try #require(JSONBody.object(Array(text.utf8))))
            _ = try store.applyStripe(changes, workspace: w, event: (id, type), source: id, receivedAt: Timestamp(seconds: 0))
        }
        // Delivered out of order, the history is: active from 1 January, past due from 1 March, active again from the
        // payment on 20 March.
        let versions = try store.dataset(workspace: w).subscriptions
        #expect(versions.map(\.status) == [.active, .pastDue, .active])
        #expect(versions.map(\.validFrom) == [Timestamp(year: 2024, month: 1, day: 1), Timestamp(year: 2024, month: 3, day: 1), Timestamp(seconds: Self.paidAt)])
    }
}

@Suite struct StripeAccountIDTests {
    /// A customer whose metadata names the product's own account id joins Stripe's records to that account, even when
    /// its subscription arrives before the customer.
    @Test func metadataVitalsAccountIDNamesTheAccount() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-stripe-id-\(UUID().uuidString).sqlite")
        let w = try store.workspace("w")
        var usage = Dataset()
        let acme = usage.upsert(Account(id: "acme", name: "Acme (from the product)"))
        usage.usageEvents = UsageLog([UsageEvent(id: "e1", account: acme, user: "u1", event: "login", occurredAt: Timestamp(year: 2024, month: 1, day: 20))])
        try store.save(usage, workspace: w)
        let start = StripeFixtures.t(2024, 1, 15)
        let subscription = StripeFixtures.currentSubscription("sub_A", customer: "cus_A", status: "active", start: start, amount: 5_000, quantity: 2)
        let customer = #"{"id":"cus_A","object":"customer","name":"Acme Inc","created":\#(start),"metadata":{"vitals_account_id":"acme"}}"#
        for text in [StripeFixtures.event("evt_s", "customer.subscription.created", created: start, subscription),
                     StripeFixtures.event("evt_c", "customer.created", created: start, customer)] {
            let (id, type, changes) = try StripeMapping.event(try #require(JSONBody.object(Array(text.utf8))))
            _ = try store.applyStripe(changes, workspace: w, event: (id, type), source: id, receivedAt: Timestamp(seconds: 0))
        }
        let dataset = try store.dataset(workspace: w)
        // One account: the subscription moved from the implied cus_A to acme, and cus_A is gone.
        #expect(dataset.accounts.map(\.id) == ["acme"])
        #expect(dataset.accounts[0].name == "Acme Inc")
        #expect(dataset.subscriptions.map { dataset[$0.account].id } == ["acme"])
        #expect(dataset.usageEvents.count == 1)
        // Later events of the customer go straight to acme.
        let more = StripeFixtures.currentSubscription("sub_A", customer: "cus_A", status: "active", start: start, amount: 5_000, quantity: 3)
        let (id, type, changes) = try StripeMapping.event(try #require(JSONBody.object(Array(StripeFixtures.event("evt_u", "customer.subscription.updated", created: start + 86_400, more).utf8))))
        _ = try store.applyStripe(changes, workspace: w, event: (id, type), source: id, receivedAt: Timestamp(seconds: 0))
        let after = try store.dataset(workspace: w)
        #expect(after.accounts.map(\.id) == ["acme"])
        #expect(after.subscriptions.map(\.quantity) == [2, 3])
    }
}

@Suite struct StripePriceTests {
    /// Tiers: up to 5 units at 10.00, above at 8.00, plus a flat 2.00 in the second tier.
    static var tiers: [[String: Any]] { [["up_to": 5, "unit_amount": 1_000], ["up_to": NSNull(), "unit_amount": 800, "flat_amount": 200]] }

    @Test func tieredPricesAreTotalledForTheQuantity() {
        // Volume: all 7 units at the tier 7 falls in: 7 x 8.00 + 2.00 = 58.00.
        #expect(StripeMapping.tieredTotal(Self.tiers, mode: "volume", quantity: 7) == 5_800)
        // Graduated: 5 x 10.00 + 2 x 8.00 + 2.00 = 68.00.
        #expect(StripeMapping.tieredTotal(Self.tiers, mode: "graduated", quantity: 7) == 6_800)
        // 3 units stay in the first tier either way: 30.00.
        #expect(StripeMapping.tieredTotal(Self.tiers, mode: "volume", quantity: 3) == 3_000)
        #expect(StripeMapping.tieredTotal(Self.tiers, mode: "graduated", quantity: 3) == 3_000)
    }

    @Test func anIntervalFollowsFromAnInvoicePeriod() {
        func i(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> String? {
            StripeMapping.interval(from: Timestamp(year: a.0, month: a.1, day: a.2), to: Timestamp(year: b.0, month: b.1, day: b.2))
                .map { "\($0.0.rawValue) \($0.1)" }
        }
        #expect(i((2024, 1, 15), (2024, 2, 15)) == "month 1")
        #expect(i((2024, 1, 1), (2024, 4, 1)) == "month 3")
        #expect(i((2024, 2, 1), (2025, 2, 1)) == "year 1")
        #expect(i((2024, 3, 4), (2024, 3, 18)) == "week 2")
        #expect(i((2024, 3, 4), (2024, 3, 7)) == "day 3")
    }
}
