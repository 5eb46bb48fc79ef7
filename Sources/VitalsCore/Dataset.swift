/// Everything Vitals knows about one company's customers, with full history.
///
/// Records refer to accounts by `AccountIndex`, a position in `accounts`.
public struct Dataset: Sendable {
    public private(set) var accounts: [Account] = []
    public private(set) var accountIndex: [AccountID: AccountIndex] = [:]
    public var subscriptions: [SubscriptionVersion] = []
    public var orders: [Order] = []
    public var trials: [Trial] = []
    public var acquisitionCosts: [AcquisitionCost] = []
    public var surveyResponses: [SurveyResponse] = []
    public var tickets: [Ticket] = []
    public var usageEvents = UsageLog()
    public var onboarding: [OnboardingMilestone] = []
    public var leads: [Lead] = []
    public var successGoals: [SuccessGoal] = []
    public var csmPulses: [CsmPulse] = []
    public var contacts: [Contact] = []
    public var activities: [Activity] = []
    public var surveyInvitations: [SurveyInvitation] = []
    public var fxRates: [FxRate] = []

    public init() {}

    /// A dataset of `accounts` alone, in that order (account `k` has index `k`); nil when two share an id.
    public init?(accounts: [Account]) {
        var index: [AccountID: AccountIndex] = [:]
        index.reserveCapacity(accounts.count)
        for (k, account) in accounts.enumerated() {
            guard index.updateValue(AccountIndex(k), forKey: account.id) == nil else { return nil }
        }
        self.accounts = accounts
        accountIndex = index
    }

    /// Makes room for `count` more accounts: their index grows once rather than by doubling.
    public mutating func reserveAccounts(_ count: Int) {
        accounts.reserveCapacity(accounts.count + count)
        accountIndex.reserveCapacity(accountIndex.count + count)
    }

    /// Adds an account, or replaces the one with the same id; returns its index.
    @discardableResult
    public mutating func upsert(_ account: Account) -> AccountIndex {
        if let existing = accountIndex[account.id] {
            accounts[existing.int] = account
            return existing
        }
        let index = AccountIndex(accounts.count)
        accounts.append(account)
        accountIndex[account.id] = index
        return index
    }

    public func index(of id: AccountID) -> AccountIndex? { accountIndex[id] }

    /// Sets attribute `name` of account `a` to `values[a]`, for every account: one pass by index rather than an
    /// `upsert` (a lookup by id) per account.
    public mutating func setAttribute(_ name: String, values: [String]) {
        precondition(values.count == accounts.count, "one value per account")
        for a in accounts.indices { accounts[a].attributes[name] = values[a] }
    }

    public subscript(index: AccountIndex) -> Account { accounts[index.int] }

    /// The last instant any record speaks of (a version start or end, an order, an answer, an event...), or `nil`
    /// for an empty dataset. Reports default to ending in its period.
    public var latestActivity: Timestamp? {
        var latest: Timestamp?
        func see(_ t: Timestamp?) {
            guard let t else { return }
            if latest == nil || t > latest! { latest = t }
        }
        for s in subscriptions {
            see(s.validFrom)
            see(s.validTo)
        }
        for o in orders { see(o.orderedAt) }
        for t in trials { see(t.startedAt) }
        for r in surveyResponses { see(r.respondedAt) }
        for t in tickets { see(t.openedAt) }
        for t in usageEvents.times { see(Timestamp(seconds: t)) }
        for l in leads { see(l.createdAt) }
        return latest
    }

    /// The first instant any revenue or activity record speaks of.
    public var earliestActivity: Timestamp? {
        var earliest: Timestamp?
        func see(_ t: Timestamp) { if earliest == nil || t < earliest! { earliest = t } }
        for s in subscriptions { see(s.validFrom) }
        for o in orders { see(o.orderedAt) }
        for t in trials { see(t.startedAt) }
        for r in surveyResponses { see(r.respondedAt) }
        for t in tickets { see(t.openedAt) }
        for t in usageEvents.times { see(Timestamp(seconds: t)) }
        return earliest
    }
}

extension Dataset {
    /// The account attributes a segment filter or a breakdown may name: the built-in columns of accounts.csv and
    /// every custom attribute some account has.
    public var knownAttributes: Set<String> {
        var known = Set(Account.builtInAttributes)
        for account in accounts { known.formUnion(account.attributes.keys) }
        return known
    }
}
