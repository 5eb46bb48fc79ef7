import VitalsCore

/// The fast path for subscriptions.csv (400,000 versions on the benchmark, where the general reader spent half a
/// second looking columns up by name and hashing ids): the rows are read by `FastCSVRows` and become versions with the
/// checks of `readSubscription`. It applies when accounts.csv was given and the file has no problem at all; otherwise
/// nothing is kept and the general reader reads the file, reporting every problem as ever.
extension RecordReader {
    /// Reads subscriptions.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readSubscriptionsFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard accountsDeclared else { return false }
        let spec = RecordKind.subscriptions
        let expected = Self.estimatedRows(bytes)
        let read = FastCSVRows.read(bytes, kind: spec, accounts: accountKeys) {
            rows throws(FastCSVRows.GiveUp) -> (versions: [SubscriptionVersion], lines: [Int], owner: Owners) in
            let c = rows.columns
            let (id, account, product, plan) = (c["subscription_id"], c["account_id"], c["product"], c["plan"])
            let (currencyColumn, amount, interval, intervalCount) = (
                c["currency"], c["amount"], c["interval"], c["interval_count"]
            )
            let (quantity, percent, discount, status) = (
                c["quantity"], c["discount_percent"], c["discount_amount"], c["status"]
            )
            let (validFrom, validTo, renewsAt, cancelReason) = (
                c["valid_from"], c["valid_to"], c["renews_at"], c["cancel_reason"]
            )
            var currencies = KnownValues<CurrencyCode>()
            var intervals = KnownValues<BillingInterval>()
            var statuses = KnownValues<SubscriptionStatus>()
            // A handful each (cancellation reasons are mostly codes).
            var names = (products: KnownValues<String>(), plans: KnownValues<String>(), reasons: KnownValues<String>())
            var versions: [SubscriptionVersion] = []
            var lines: [Int] = []
            versions.reserveCapacity(expected)
            lines.reserveCapacity(expected)
            // The subscription of the row before: its versions come together, so most rows skip the owner lookup.
            var last: (id: String, account: AccountIndex)?
            var owner = subscriptionOwner
            owner.reserveCapacity(owner.count + expected)
            while try rows.next() {
                let line = rows.line()
                let subscription = try rows.required(id)
                if hasControlCharacter(subscription) { throw FastCSVRows.GiveUp() }
                let account = try rows.account(account)
                let product = try rows.requiredKnown(product, in: &names.products) { $0 }
                let currency = try rows.requiredKnown(currencyColumn, in: &currencies) {
                    CurrencyCode($0).flatMap { isConvertible($0) ? $0 : nil }
                }
                let price = try rows.money(amount, currency: currency)
                let interval = try rows.requiredKnown(interval, in: &intervals, FastCSVRows.choice)
                let intervalCount = try rows.integer(intervalCount, range: RecordLimits.intervalCount) ?? 1
                let quantity = try rows.integer(quantity, range: RecordLimits.quantity) ?? 1
                let percent = try rows.decimal(percent) ?? 0
                let discount = try rows.optionalMoney(discount, currency: currency)
                let status = try rows.known(status, in: &statuses, FastCSVRows.choice)
                guard let from = try rows.timestamp(validFrom), (0...100).contains(percent),
                    price.minorUnits >= 0, (discount?.minorUnits ?? 0) >= 0,
                    RecordLimits.itemTotal(amount: price.minorUnits, quantity: quantity) != nil
                else { throw FastCSVRows.GiveUp() }
                let to = try rows.timestamp(validTo)
                if let to, to <= from { throw FastCSVRows.GiveUp() }
                let renews = try rows.timestamp(renewsAt)
                if let renews, renews <= from { throw FastCSVRows.GiveUp() }
                let reason = try rows.known(cancelReason, in: &names.reasons) { $0 }
                if let reason, reason.count > RecordLimits.cancelReasonLength {
                    throw FastCSVRows.GiveUp()
                }
                if let last, last.id == subscription {
                    guard last.account == account else { throw FastCSVRows.GiveUp() }
                } else {
                    let id = SubscriptionID(subscription)
                    if let first = owner[id] {
                        guard first.account == account else { throw FastCSVRows.GiveUp() }
                    } else {
                        owner[id] = (account, line)
                    }
                    last = (subscription, account)
                }
                versions.append(
                    SubscriptionVersion(
                        subscriptionID: SubscriptionID(subscription), account: account, product: product,
                        plan: try rows.known(plan, in: &names.plans) { $0 }, amount: price, interval: interval, intervalCount: intervalCount,
                        quantity: quantity, discountPercent: percent, discountAmount: discount?.minorUnits ?? 0,
                        status: status ?? .active, validFrom: from, validTo: to, renewsAt: renews, cancelReason: reason))
                lines.append(line)
            }
            return (versions, lines, owner)
        }
        guard let read else { return false }
        subscriptionOwner = read.owner
        Self.add(read.versions, to: &dataset.subscriptions)
        subscriptionLines.append(contentsOf: read.lines)
        return true
    }
}
