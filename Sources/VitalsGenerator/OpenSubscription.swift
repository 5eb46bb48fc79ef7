import VitalsCore

/// A running subscription of one account: its items' current terms, written out as `SubscriptionVersion`s whenever
/// they change. Versions of one item are consecutive by construction: each new version starts where the last ended.
struct OpenSubscription {
    struct Item {
        var product: String
        var plan: Plan?
        var addOn: AddOn?
        /// List price per unit per month, in minor units.
        var monthlyPrice: Int64
        var quantity: Int
        var since: Int
    }

    let id: SubscriptionID
    let account: AccountIndex
    let currency: Catalog.CurrencyChoice
    let billing: Billing
    private(set) var items: [Item] = []
    private(set) var status: SubscriptionStatus

    init(
        id: SubscriptionID, account: AccountIndex, currency: Catalog.CurrencyChoice, billing: Billing,
        status: SubscriptionStatus
    ) {
        self.id = id
        self.account = account
        self.currency = currency
        self.billing = billing
        self.status = status
    }

    var core: Item? { items.first { $0.plan != nil } }
    var coreIndex: Int? { items.firstIndex { $0.plan != nil } }

    func has(_ addOn: AddOn) -> Bool { items.contains { $0.addOn == addOn } }

    /// Monthly revenue at list price after the percentage discount, in minor units.
    var monthlyValue: Int64 {
        var total: Int64 = 0
        for item in items { total += item.monthlyPrice * Int64(item.quantity) }
        return Int64(Double(total) * (1 - billing.discountPercent / 100))
    }

    /// Adds the core item on `plan` from `day`.
    mutating func addCore(_ plan: Plan, quantity: Int, day: Int) {
        items.append(Item(product: PriceBook.coreProduct, plan: plan, addOn: nil,
                          monthlyPrice: PriceBook.monthly(plan, in: currency), quantity: quantity, since: day))
    }

    /// Adds an add-on item from `day`.
    mutating func add(_ addOn: AddOn, day: Int) {
        items.append(Item(product: addOn.product, plan: nil, addOn: addOn,
                          monthlyPrice: PriceBook.monthly(addOn, in: currency), quantity: 1, since: day))
    }

    /// Removes an add-on item at `day`, closing its last version.
    mutating func remove(_ addOn: AddOn, day: Int, into versions: inout [SubscriptionVersion]) {
        guard let i = items.firstIndex(where: { $0.addOn == addOn }) else { return }
        emit(items[i], to: day, into: &versions)
        items.remove(at: i)
    }

    /// Changes the core item's plan and/or quantity at `day`.
    mutating func changeCore(plan: Plan, quantity: Int, day: Int, into versions: inout [SubscriptionVersion]) {
        guard let i = coreIndex else { return }
        emit(items[i], to: day, into: &versions)
        items[i].plan = plan
        items[i].monthlyPrice = PriceBook.monthly(plan, in: currency)
        items[i].quantity = quantity
        items[i].since = day
    }

    /// Moves every item to `status` at `day`.
    mutating func setStatus(_ newStatus: SubscriptionStatus, day: Int, into versions: inout [SubscriptionVersion]) {
        guard newStatus != status else { return }
        for i in items.indices {
            emit(items[i], to: day, into: &versions)
            items[i].since = day
        }
        status = newStatus
    }

    /// Ends the subscription at `day` (churn): every item's last version gets `valid_to`.
    mutating func end(day: Int, into versions: inout [SubscriptionVersion]) {
        for item in items { emit(item, to: day, into: &versions) }
        items.removeAll()
    }

    /// Writes the still-running versions (no `valid_to`).
    mutating func finish(into versions: inout [SubscriptionVersion]) {
        for item in items { emit(item, to: nil, into: &versions) }
        items.removeAll()
    }

    private func emit(_ item: Item, to day: Int?, into versions: inout [SubscriptionVersion]) {
        if let day, day <= item.since { return }
        let months = Int64(billing.months)
        versions.append(
            SubscriptionVersion(
                subscriptionID: id, account: account, product: item.product, plan: item.plan?.name,
                amount: Money(minorUnits: item.monthlyPrice * months, currency: PriceBook.code(currency)),
                interval: billing.interval, intervalCount: billing.intervalCount, quantity: item.quantity,
                discountPercent: billing.discountPercent, discountAmount: item.plan != nil ? billing.discountAmount : 0,
                status: status, validFrom: Window.timestamp(day: item.since), validTo: day.map(Window.timestamp(day:))))
    }
}
