import Foundation
import VitalsCore

/// Stripe's subscriptions export (Dashboard > Subscriptions > Export), one row per subscription (or per item: rows
/// with the same `id` are its items). Headers are matched loosely and ` (UTC)` suffixes stripped: `id`,
/// `Customer ID`, `Customer Name` / `Customer Description`, `Customer Email`, `Plan` (price id or name), `Product`,
/// `Quantity`, `Interval`, `Interval Count`, `Amount` (major units), `Currency`, `Status`, `Created`, `Start`,
/// `Trial Start`, `Trial End`, `Canceled At`, `Cancel At`, `Cancel At Period End`, `Ended At`,
/// `Current Period End`, and optionally `Percent Off` / `Amount Off` for a forever discount and `Cancellation Reason` /
/// `Cancellation Feedback` (as `cancellation_details`: the cancelled versions' `cancel_reason`). Times are UTC.
/// Each subscription becomes an observation at the time of the import, like a backfill.
enum StripeSubscriptionsCSV {
    static func read(_ csv: VendorCSV, now: Timestamp) -> StripeChanges {
        let time = VendorTime(timeZone: TimeZone(identifier: "UTC")!)
        let id = csv.required(["id", "Subscription ID"], "id")
        let customer = csv.required(["Customer ID", "Customer"], "Customer ID")
        let amount = csv.required(["Amount", "Plan Amount", "Price Amount", "Unit Amount"], "Amount")
        let currency = csv.required(["Currency", "Plan Currency", "Price Currency"], "Currency")
        let interval = csv.required(["Interval", "Plan Interval", "Price Interval"], "Interval")
        let status = csv.required(["Status"], "Status")
        let start = csv.required(["Start", "Start Date", "Created"], "Start")
        let name = csv.column(["Customer Name", "Customer Description"])
        let email = csv.column(["Customer Email"])
        let plan = csv.column(["Plan", "Plan ID", "Price ID", "Price", "Plan Name"])
        let product = csv.column(["Product", "Product ID", "Product Name"])
        let quantity = csv.column(["Quantity"])
        let intervalCount = csv.column(["Interval Count", "Plan Interval Count", "Price Interval Count"])
        let trialStart = csv.column(["Trial Start"])
        let trialEnd = csv.column(["Trial End"])
        let canceledAt = csv.column(["Canceled At"])
        let cancelAt = csv.column(["Cancel At"])
        let cancelAtPeriodEnd = csv.column(["Cancel At Period End"])
        let endedAt = csv.column(["Ended At"])
        let cancellationReason = csv.column(["Cancellation Reason"])
        let cancellationFeedback = csv.column(["Cancellation Feedback"])
        let periodEnd = csv.column(["Current Period End"])
        let percentOff = csv.column(["Percent Off", "Coupon Percent Off", "Discount Percent"])
        let amountOff = csv.column(["Amount Off", "Coupon Amount Off"])
        var changes = StripeChanges()
        guard let id, let customer, let amount, let currency, let interval, let status, let start else { return changes }
        var order: [String] = []
        var subscriptions: [String: (customer: String, object: [String: Any], items: [[String: Any]])] = [:]
        for (line, row) in csv.rows {
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            func instant(_ column: Int?) -> Int64? {
                guard let text = csv.value(row, column) else { return nil }
                guard let t = time.parse(text) else {
                    fail(column, "'\(text)' is not a date and time")
                    return nil
                }
                return t.seconds
            }
            let subscription = csv.value(row, id)
            if subscription == nil { fail(id, "a subscription id is required") }
            let customerID = csv.value(row, customer)
            if customerID == nil { fail(customer, "a customer id is required") }
            let code = csv.value(row, currency)?.uppercased()
            let currencyCode = code.flatMap(CurrencyCode.init)
            if currencyCode == nil { fail(currency, "'\(code ?? "")' is not an ISO 4217 currency code") }
            var unit: Int64?
            if let currencyCode, let text = csv.value(row, amount) {
                do {
                    unit = try Money.parse(text.replacingOccurrences(of: ",", with: ""), currency: currencyCode).minorUnits
                } catch {
                    fail(amount, error.description)
                }
            } else if currencyCode != nil {
                fail(amount, "an amount is required")
            }
            let intervalText = csv.value(row, interval)?.lowercased() ?? ""
            if BillingInterval(rawValue: intervalText) == nil { fail(interval, "'\(intervalText)' is not day, week, month or year") }
            let count = csv.value(row, intervalCount).map { Int($0) } ?? 1
            if count == nil || !(1...1000).contains(count!) { fail(intervalCount, "must be a whole number from 1 to 1000") }
            let units = csv.value(row, quantity).map { Int($0) } ?? 1
            if units == nil || units! < 0 { fail(quantity, "must be a whole number, 0 or more") }
            let state = csv.value(row, status)?.lowercased() ?? ""
            if !["active", "trialing", "past_due", "unpaid", "paused", "canceled", "incomplete", "incomplete_expired"].contains(state) {
                fail(status, "'\(state)' is not a Stripe subscription status")
            }
            let started = instant(start)
            if started == nil, ok { fail(start, "a start time is required") }
            let times = [("trial_start", trialStart), ("trial_end", trialEnd), ("canceled_at", canceledAt), ("cancel_at", cancelAt),
                         ("ended_at", endedAt), ("current_period_end", periodEnd)].map { ($0.0, instant($0.1)) }
            let percent = csv.value(row, percentOff).map { Double($0) }
            if let percent, percent == nil || !(0...100).contains(percent!) { fail(percentOff, "must be a number from 0 to 100") }
            var off: Int64?
            if let text = csv.value(row, amountOff), let currencyCode {
                do { off = try Money.parse(text, currency: currencyCode).minorUnits } catch { fail(amountOff, error.description) }
            }
            guard ok, let subscription, let customerID, let code, let unit, let started else { continue }
            let price: [String: Any] = [
                "id": csv.value(row, plan) ?? "price", "nickname": csv.value(row, plan) ?? NSNull(), "unit_amount": unit,
                "currency": code, "product": csv.value(row, product) ?? csv.value(row, plan) ?? "subscription",
                "recurring": ["interval": intervalText, "interval_count": count ?? 1],
            ]
            if subscriptions[subscription] == nil {
                order.append(subscription)
                var object: [String: Any] = ["id": subscription, "customer": customerID, "status": state, "start_date": started]
                for (key, value) in times { if let value { object[key] = value } }
                if csv.value(row, cancelAtPeriodEnd).map({ ["true", "1", "yes"].contains($0.lowercased()) }) ?? false {
                    object["cancel_at_period_end"] = true
                }
                let details = [("reason", cancellationReason), ("feedback", cancellationFeedback)].compactMap { key, column in
                    csv.value(row, column).map { (key, $0) }
                }
                if !details.isEmpty { object["cancellation_details"] = Dictionary(uniqueKeysWithValues: details) }
                if (percent ?? nil) != nil || off != nil {
                    var coupon: [String: Any] = ["duration": "forever", "currency": code]
                    if let p = percent ?? nil { coupon["percent_off"] = p }
                    if let off { coupon["amount_off"] = off }
                    object["discount"] = ["coupon": coupon]
                }
                subscriptions[subscription] = (customerID, object, [])
                var attributes: [String: String] = [:]
                if let email = csv.value(row, email) { attributes["email"] = email }
                // Without a name or email the customer is only implied (its id), so a known name is kept.
                if csv.value(row, name) != nil || csv.value(row, email) != nil, !changes.customers.contains(where: { $0.id == customerID }) {
                    changes.customers.append(StripeCustomer(
                        id: customerID, name: csv.value(row, name) ?? csv.value(row, email) ?? customerID, attributes: attributes))
                }
            }
            subscriptions[subscription]!.items.append(["price": price, "quantity": units ?? 1])
        }
        for subscription in order {
            var (_, object, items) = subscriptions[subscription]!
            object["items"] = ["data": items]
            do {
                changes.observations.append(try StripeMapping.subscription(object, observedAt: now))
            } catch {
                csv.log.add(csv.file, 0, nil, error.description)
            }
        }
        return changes
    }
}
