/// The renewals due in a window, each with its account's owner and health band: what `vitals renewals`, the renewals
/// page and the renewals API list (docs/metrics.md, renewals).
public struct RenewalListing: Sendable {
    /// One renewal with what a CSM needs beside it.
    public struct Row: Sendable, Equatable {
        public var renewal: Renewal
        public var accountID: AccountID
        public var accountName: String
        /// The account's CSM, when it has one.
        public var owner: String?
        /// The account's health band as of the listing's instant; `nil` when it has no score.
        public var band: HealthBand?
        /// The chance the account renews, from the calibrated health model; `nil` when none is calibrated.
        public var likelihood: Double?

        /// The key a renewal is known by in the forecast calls: the subscription, product and due date.
        public var key: String { renewal.key }

        public init(
            renewal: Renewal, accountID: AccountID, accountName: String, owner: String?, band: HealthBand?,
            likelihood: Double?
        ) {
            self.renewal = renewal
            self.accountID = accountID
            self.accountName = accountName
            self.owner = owner
            self.band = band
            self.likelihood = likelihood
        }
    }

    public var rows: [Row]
    /// The instant the outcomes are decided as of.
    public var asOf: Timestamp

    /// The renewals due in `[from, to)`, due date first, decided as of `min(now, to)`.
    ///
    /// - Parameters:
    ///   - band: the health band of an account, `nil` without a score.
    ///   - likelihood: the renewal likelihood of an account, `nil` without a calibrated model.
    public init(
        calculator: KPICalculator, from: Timestamp, to: Timestamp, now: Timestamp,
        band: (AccountIndex) -> HealthBand?, likelihood: (AccountIndex) -> Double? = { _ in nil }
    ) {
        let asOf = min(now, to)
        let due = calculator.renewals(asOf: asOf, through: to.adding(seconds: -1)).filter { $0.dueAt >= from }
        let accounts = calculator.dataset.accounts
        rows = due.sorted { ($0.dueAt, $0.subscriptionID, $0.product) < ($1.dueAt, $1.subscriptionID, $1.product) }.map { r in
            let account = accounts[r.account.int]
            return Row(
                renewal: r, accountID: account.id, accountName: account.name, owner: account.csm, band: band(r.account),
                likelihood: likelihood(r.account))
        }
        self.asOf = asOf
    }
}

extension Renewal {
    /// The key a renewal is known by (in forecast calls and the API): `subscription_id|product|due date (seconds)`.
    public var key: String { "\(subscriptionID.rawValue)|\(product)|\(dueAt.seconds)" }
}
