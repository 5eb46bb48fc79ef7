import VitalsCore

/// A timestamp from ISO 8601 text (tests only).
func at(_ text: String) -> Timestamp { try! Timestamp.parse(text) }

func usd(_ major: Double) -> Money { Money(minorUnits: Int64((major * 100).rounded()), currency: .usd) }

/// Builds small datasets by hand for worked examples.
struct DatasetBuilder {
    var dataset = Dataset()
    private var nextSubscription = 0

    @discardableResult
    mutating func account(_ id: String, industry: String? = nil, csm: String? = nil, attributes: [String: String] = [:]) -> AccountIndex {
        dataset.upsert(Account(id: AccountID(id), name: id, csm: csm, industry: industry, attributes: attributes))
    }

    /// Adds a monthly version of `price` (major units) for `account`, valid `[from, to)`.
    mutating func subscription(
        _ account: AccountIndex, _ price: Double, from: String, to: String? = nil, product: String = "Core",
        id: String? = nil, status: SubscriptionStatus = .active, interval: BillingInterval = .month,
        intervalCount: Int = 1, quantity: Int = 1, currency: CurrencyCode = .usd
    ) {
        nextSubscription += 1
        let money = Money(minorUnits: Int64((price * 100).rounded()), currency: currency)
        dataset.subscriptions.append(
            SubscriptionVersion(
                subscriptionID: SubscriptionID(id ?? "sub_\(nextSubscription)"), account: account, product: product,
                amount: money, interval: interval, intervalCount: intervalCount, quantity: quantity, status: status,
                validFrom: at(from), validTo: to.map(at)))
    }

    func report(
        from: String, through: String, grain: Grain = .month, settings: ReportSettings = ReportSettings(),
        segment: SegmentFilter? = nil
    ) -> KPIReport {
        let first = try! CivilDate.parseBound(from).first
        let last = try! CivilDate.parseBound(through).last
        return KPICalculator(dataset: dataset, settings: settings)
            .report(ReportScope(periods: Period.range(from: first, through: last, grain: grain), segment: segment))
    }
}

extension KPIReport.Row {
    /// A money KPI in major units, or a plain number.
    func major(_ kpi: KPI) -> Double? { self[kpi].double.map { kpi.unit == .money ? $0 / 100 : $0 } }
}

/// Compares doubles to 1e-9.
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
