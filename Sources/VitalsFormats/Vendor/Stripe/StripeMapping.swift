import Foundation
import VitalsCore

/// Maps Stripe API objects (as JSON) to accounts, subscription observations and orders. Both layouts are read: the
/// current one (billing periods on `items.data[]`, an invoice's subscription under `parent.subscription_details`,
/// invoice lines priced by `pricing.price_details`) and the older one (`plan`, `quantity` and `current_period_*` on
/// the subscription, `invoice.subscription`, lines with `price`/`plan` objects).
public enum StripeMapping {
    /// An event: `customer.*`, `customer.subscription.*` and `invoice.paid` / `invoice.payment_succeeded` change
    /// the store; other types are acknowledged and change nothing.
    public static func event(_ event: [String: Any]) throws(StripeMappingError) -> (id: String, type: String, changes: StripeChanges) {
        guard let id = event.string("id"), let type = event.string("type") else {
            throw StripeMappingError(description: "not a Stripe event (no id or type)")
        }
        // Instants from another system's integers are checked like the records' (Timestamp.supported): one far off
        // would stretch every report, or overflow a span computed from it.
        guard let created = Timestamp(checkedSeconds: event.int("created") ?? 0) else {
            throw StripeMappingError(description: "event \(id): created is not an instant of the years \(Timestamp.supportedYears)")
        }
        guard let object = event.object("data")?.object("object") else {
            throw StripeMappingError(description: "event \(id) has no data.object")
        }
        var changes = StripeChanges()
        switch type {
        case "customer.created", "customer.updated":
            changes.customers.append(try customer(object))
        case "customer.deleted":
            var c = try customer(object)
            c.attributes["stripe_deleted_at"] = created.description
            changes.customers.append(c)
        case _ where type.hasPrefix("customer.subscription."):
            changes.observations.append(try subscription(object, observedAt: created))
        case "invoice.paid", "invoice.payment_succeeded":
            try invoice(object, paidAt: created, into: &changes)
        default:
            break
        }
        return (id, type, changes)
    }

    public static func customer(_ c: [String: Any]) throws(StripeMappingError) -> StripeCustomer {
        guard let id = c.string("id") else { throw StripeMappingError(description: "a customer without an id") }
        var attributes: [String: String] = [:]
        if let email = c.string("email"), !email.isEmpty { attributes["email"] = email }
        if let description = c.string("description"), !description.isEmpty { attributes["description"] = description }
        for (key, value) in c.object("metadata") ?? [:] {
            attributes["metadata_" + VendorCSV.attributeName(key)] = JSONBody.text(value)
        }
        let name = [c.string("name"), c.string("email"), c.string("description")].compactMap { $0 }.first { !$0.isEmpty }
        let country = c.object("address")?.string("country") ?? c.object("shipping")?.object("address")?.string("country")
        let account = c.object("metadata")?.string("vitals_account_id").flatMap { $0.isEmpty ? nil : $0 }
        return StripeCustomer(
            id: id, accountID: account, name: name ?? id, createdAt: c.int("created").flatMap(Timestamp.init(checkedSeconds:)),
            country: country.flatMap { $0.isEmpty ? nil : $0 }, attributes: attributes)
    }

    /// A subscription object as it was at `observedAt`.
    public static func subscription(_ s: [String: Any], observedAt: Timestamp) throws(StripeMappingError) -> StripeObservation {
        guard let id = s.string("id"), let customer = s.id("customer") else {
            throw StripeMappingError(description: "a subscription without an id or customer")
        }
        func time(_ key: String) -> Timestamp? { s.int(key).flatMap(Timestamp.init(checkedSeconds:)) }
        var itemObjects = s.object("items")?.objects("data") ?? []
        if itemObjects.isEmpty, s.object("plan") != nil || s.object("price") != nil {
            itemObjects = [["plan": s["plan"] ?? NSNull(), "price": s["price"] ?? NSNull(), "quantity": s["quantity"] ?? 1]]
        }
        var items: [SubscriptionObservation.Item] = []
        var discounts: [SubscriptionObservation.Discount] = []
        for object in itemObjects {
            guard var item = try self.item(object, quantity: object.int("quantity") ?? s.int("quantity") ?? 1, subscription: id) else {
                continue
            }
            if items.contains(where: { $0.product == item.product }) {
                item.product += "/" + (object.object("price")?.string("id") ?? object.object("plan")?.string("id") ?? "\(items.count)")
            }
            items.append(item)
            discounts += self.discounts(object, product: item.product)
        }
        discounts += self.discounts(s, product: nil)
        let status = s.string("status") ?? "active"
        let state: SubscriptionObservation.State
        switch status {
        case "active": state = .active
        case "trialing": state = .trialing
        case "past_due", "unpaid": state = .pastDue
        case "paused": state = .paused
        case "canceled": state = .ended
        case "incomplete", "incomplete_expired": state = .notStarted
        default: throw StripeMappingError(description: "subscription \(id): unknown status '\(status)'")
        }
        // A scheduled cancellation: cancel_at, or the end of the current period when cancel_at_period_end.
        let periodEnd = time("current_period_end") ?? itemObjects.compactMap { $0.int("current_period_end") }.max().flatMap(Timestamp.init(checkedSeconds:))
        var endsAt = time("cancel_at") ?? ((s.bool("cancel_at_period_end") ?? false) ? periodEnd : nil)
        if state == .ended { endsAt = time("ended_at") ?? time("cancel_at") ?? time("canceled_at") ?? observedAt }
        let started = time("start_date") ?? time("created") ?? observedAt
        return StripeObservation(
            subscription: id, customer: customer,
            observation: SubscriptionObservation(
                observedAt: observedAt, startedAt: min(started, time("trial_start") ?? started),
                trialEnd: time("trial_start") != nil ? time("trial_end") : nil, state: state, endsAt: endsAt,
                items: items, discounts: dedupe(discounts), cancelReason: cancelReason(s)))
    }

    /// The reason of a cancellation (`cancellation_details`): the customer's own `feedback` (`too_expensive`,
    /// `switched_service`...) when given, else Stripe's `reason` (`cancellation_requested`, `payment_failed`,
    /// `payment_disputed`); `nil` without either. Cut to `RecordLimits.cancelReasonLength` characters.
    static func cancelReason(_ s: [String: Any]) -> String? {
        guard let details = s.object("cancellation_details") else { return nil }
        let given = [details.string("feedback"), details.string("reason")].compactMap { $0 }.first { !$0.isEmpty }
        return given.map { String($0.prefix(RecordLimits.cancelReasonLength)) }
    }

    /// A subscription item (or the old top-level plan): `nil` for a metered price, which has no fixed amount.
    static func item(_ object: [String: Any], quantity: Int64, subscription: String) throws(StripeMappingError) -> SubscriptionObservation.Item? {
        guard let price = object.object("price") ?? object.object("plan") else {
            throw StripeMappingError(description: "subscription \(subscription): an item without a price or plan")
        }
        let priceID = price.string("id") ?? "price"
        let recurring = price.object("recurring") ?? price
        if recurring.string("usage_type") == "metered" { return nil }
        guard let intervalText = recurring.string("interval"), let interval = BillingInterval(rawValue: intervalText) else {
            throw StripeMappingError(description: "subscription \(subscription): price \(priceID) is not recurring (no interval)")
        }
        guard let currency = price.string("currency")?.uppercased(), CurrencyCode(currency) != nil else {
            throw StripeMappingError(description: "subscription \(subscription): price \(priceID) has no known currency")
        }
        var quantity = max(0, quantity)
        var amount: Int64
        if let unit = price.int("unit_amount") ?? price.int("amount") {
            amount = unit
        } else if let decimal = price.double("unit_amount_decimal") ?? price.double("amount_decimal") {
            guard let rounded = Int64(roundingChecked: decimal) else {
                throw StripeMappingError(description: "subscription \(subscription): price \(priceID): unit_amount_decimal \(decimal) is out of range")
            }
            amount = rounded
        } else if let tiers = price["tiers"] as? [[String: Any]], !tiers.isEmpty {
            // A tiered price's total for the quantity becomes one unit at that total.
            amount = tieredTotal(tiers, mode: price.string("tiers_mode") ?? "volume", quantity: quantity)
            quantity = 1
        } else {
            throw StripeMappingError(description: "subscription \(subscription): price \(priceID) has no unit_amount (expand the tiers of a tiered price)")
        }
        let product = price.id("product") ?? priceID
        let productName = price.object("product")?.string("name")
        let intervalCount = recurring.int("interval_count") ?? 1
        try checkLimits(
            amount: amount, quantity: quantity, intervalCount: intervalCount, currency: currency,
            subscription: subscription, price: priceID)
        return SubscriptionObservation.Item(
            product: product, plan: price.string("nickname") ?? productName ?? priceID, amountMinor: amount,
            currency: currency, interval: interval, intervalCount: Int(intervalCount), quantity: Int(quantity))
    }

    /// An item's amount, quantity and term within `RecordLimits`, as the canonical checks require of any version.
    static func checkLimits(
        amount: Int64, quantity: Int64, intervalCount: Int64, currency: String, subscription: String, price: String
    ) throws(StripeMappingError) {
        let code = CurrencyCode(currency) ?? .usd
        func fail(_ field: String, _ why: String) -> StripeMappingError {
            StripeMappingError(description: "subscription \(subscription): price \(price): \(field) \(why)")
        }
        guard (0...RecordLimits.money).contains(amount) else {
            throw fail("unit_amount", "\(amount) is outside 0...\(RecordLimits.money) minor units")
        }
        guard quantity >= Int64(RecordLimits.quantity.lowerBound), quantity <= Int64(RecordLimits.quantity.upperBound) else {
            throw fail("quantity", "\(quantity) is outside \(RecordLimits.quantity)")
        }
        guard intervalCount >= Int64(RecordLimits.intervalCount.lowerBound),
            intervalCount <= Int64(RecordLimits.intervalCount.upperBound)
        else { throw fail("interval_count", "\(intervalCount) is outside \(RecordLimits.intervalCount)") }
        guard RecordLimits.itemTotal(amount: amount, quantity: Int(quantity)) != nil else {
            throw fail("unit_amount", RecordLimits.itemTotalMessage(currency: code))
        }
    }

    /// A tiered price's total for `quantity`, or `Int64.max` when the tiers' amounts overflow it (which the limits
    /// then reject).
    static func tieredTotal(_ tiers: [[String: Any]], mode: String, quantity: Int64) -> Int64 {
        func unit(_ t: [String: Any]) -> Int64 {
            t.int("unit_amount") ?? Int64(roundingChecked: t.double("unit_amount_decimal") ?? 0) ?? Int64.max
        }
        // Sums and products in Double: a hostile tier cannot trap, and any total past 2^63 is out of range anyway.
        func total(_ x: Double) -> Int64 { Int64(roundingChecked: x) ?? Int64.max }
        if mode == "graduated" {
            var sum = 0.0
            var below: Int64 = 0
            for t in tiers where below < quantity {
                let upTo = max(below, t.int("up_to") ?? Int64.max)
                let units = min(quantity, upTo) - below
                sum += Double(units) * Double(unit(t)) + Double(t.int("flat_amount") ?? 0)
                below = upTo
            }
            return total(sum)
        }
        let tier = tiers.first { ($0.int("up_to") ?? Int64.max) >= quantity } ?? tiers[tiers.count - 1]
        return total(Double(quantity) * Double(unit(tier)) + Double(tier.int("flat_amount") ?? 0))
    }

    /// The recurring discounts of a subscription (`discount`, `discounts`) or item (`discounts`). Discounts given
    /// only as ids (not expanded) cannot be priced and are left out; `once` coupons are not recurring.
    static func discounts(_ owner: [String: Any], product: String?) -> [SubscriptionObservation.Discount] {
        var objects = owner.objects("discounts")
        if let single = owner.object("discount") { objects.append(single) }
        return objects.compactMap { d in
            guard let coupon = d.object("coupon") ?? d.object("source")?.object("coupon") else { return nil }
            let until: Timestamp?
            switch coupon.string("duration") ?? "forever" {
            case "forever": until = nil
            case "repeating":
                if let end = d.int("end").flatMap(Timestamp.init(checkedSeconds:)) {
                    until = end
                } else if let s = d.int("start").flatMap(Timestamp.init(checkedSeconds:)),
                    let months = coupon.int("duration_in_months"), (0...1200).contains(months)
                {
                    until = Timestamp(seconds: Timestamp(s.date.adding(months: Int(months))).seconds + s.seconds % 86_400)
                } else {
                    until = nil
                }
            default: return nil
            }
            return SubscriptionObservation.Discount(
                percent: coupon.double("percent_off") ?? 0, amountMinor: coupon.int("amount_off") ?? 0,
                currency: coupon.string("currency")?.uppercased(), product: product, until: until)
        }
    }

    private static func dedupe(_ discounts: [SubscriptionObservation.Discount]) -> [SubscriptionObservation.Discount] {
        var out: [SubscriptionObservation.Discount] = []
        for d in discounts where !out.contains(d) { out.append(d) }
        return out
    }

    /// A paid invoice: a payment of its subscription, or an order when it belongs to none.
    public static func invoice(_ i: [String: Any], paidAt eventTime: Timestamp, into changes: inout StripeChanges) throws(StripeMappingError) {
        guard let id = i.string("id"), let customer = i.id("customer") else {
            throw StripeMappingError(description: "an invoice without an id or customer")
        }
        let paidAt = i.object("status_transitions")?.int("paid_at").flatMap(Timestamp.init(checkedSeconds:)) ?? eventTime
        let subscription = i.object("parent")?.object("subscription_details")?.id("subscription") ?? i.id("subscription")
        guard let currency = i.string("currency")?.uppercased(), CurrencyCode(currency) != nil else {
            throw StripeMappingError(description: "invoice \(id) has no known currency")
        }
        guard let subscription else {
            let paid = i.int("amount_paid") ?? 0
            if paid > 0 { changes.orders.append(StripeOrder(id: id, customer: customer, paidAt: paidAt, amountMinor: paid, currency: currency)) }
            return
        }
        var items: [SubscriptionObservation.Item] = []
        var started = paidAt
        for line in i.object("lines")?.objects("data") ?? [] {
            let parent = line.object("parent")
            let isSubscriptionLine = line.string("type") == "subscription" || parent?.string("type") == "subscription_item_details"
            let proration = (line.bool("proration") ?? false) || (parent?.object("subscription_item_details")?.bool("proration") ?? false)
            guard isSubscriptionLine, !proration else { continue }
            let period = line.object("period")
            if let start = period?.int("start").flatMap(Timestamp.init(checkedSeconds:)) { started = min(started, start) }
            let quantity = line.int("quantity") ?? 1
            if line.object("price") != nil || line.object("plan") != nil {
                if let item = try item(line, quantity: quantity, subscription: subscription), !items.contains(where: { $0.product == item.product }) {
                    items.append(item)
                }
                continue
            }
            // The current layout prices a line by ids and a unit amount; the interval follows from its period.
            let details = line.object("pricing")?.object("price_details")
            guard let start = period?.int("start").flatMap(Timestamp.init(checkedSeconds:)),
                let end = period?.int("end").flatMap(Timestamp.init(checkedSeconds:)),
                let (interval, count) = interval(from: start, to: end)
            else { continue }
            let unit = line.object("pricing")?.double("unit_amount_decimal")
                ?? (quantity > 0 ? Double(line.int("amount") ?? 0) / Double(quantity) : 0)
            let product = details?.id("product") ?? details?.id("price") ?? "subscription"
            guard !items.contains(where: { $0.product == product }) else { continue }
            let amount = Int64(roundingChecked: unit) ?? Int64.max
            try checkLimits(
                amount: amount, quantity: quantity, intervalCount: Int64(count), currency: currency,
                subscription: subscription, price: details?.id("price") ?? product)
            items.append(SubscriptionObservation.Item(
                product: product, plan: details?.id("price"), amountMinor: amount, currency: currency,
                interval: interval, intervalCount: count, quantity: Int(quantity)))
        }
        changes.observations.append(StripeObservation(
            subscription: subscription, customer: customer,
            observation: SubscriptionObservation(kind: .payment, observedAt: paidAt, startedAt: started, state: .active, items: items)))
    }

    /// The billing interval of a period: whole years, whole months (same day of month), whole weeks or days.
    static func interval(from start: Timestamp, to end: Timestamp) -> (BillingInterval, Int)? {
        guard end > start else { return nil }
        let a = start.date
        let b = end.date
        let months = (b.year - a.year) * 12 + (b.month - a.month)
        if months > 0, a.adding(months: months) == b {
            return months % 12 == 0 ? (.year, months / 12) : (.month, months)
        }
        let days = Int((end.seconds - start.seconds + 43_200) / 86_400)
        guard days > 0 else { return nil }
        return days % 7 == 0 ? (.week, days / 7) : (.day, days)
    }
}
