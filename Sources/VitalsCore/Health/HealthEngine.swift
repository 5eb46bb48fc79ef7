/// One paying account's health as of an instant.
public struct AccountHealth: Sendable, Equatable {
    public var account: AccountIndex
    public var score: Double
    public var band: HealthBand
    /// Position of the scoring model in `HealthSettings.models`.
    public var model: Int
    /// MRR as of the instant, reporting-currency minor units.
    public var mrr: Int64
}

/// A risk factor in words, with the points it costs the score.
public struct RiskFactor: Sendable, Equatable {
    public var component: HealthComponent
    /// E.g. "Usage trend: usage fell 62 % against the previous 30 days".
    public var text: String
    /// Points below a perfect score this component accounts for: `effectiveWeight x (100 - score)`.
    public var pointsLost: Double
}

/// The explanation of one account's score: each component's value, score, weight and contribution, its change since
/// the last period, the top risk factors in words, and a note on the components without data.
public struct HealthBreakdown: Sendable, Equatable {
    public var account: AccountIndex
    public var at: Timestamp
    public var current: HealthScore
    /// The score one period earlier (`HealthSettings.periodDays`), if the account was scored then.
    public var previous: HealthScore?
    public var mrr: Int64
    public var touch: String?
    public var nextRenewal: Timestamp?
    public var riskFactors: [RiskFactor]
    /// Says which components had no data and that their weight was shared, or `nil` when all had data.
    public var redistribution: String?

    /// The change of the score since the last period, in points.
    public var change: Double? { previous.map { current.score - $0.score } }

    /// The change of one component's score since the last period.
    public func change(of c: HealthComponent) -> Double? {
        guard let now = current.components[c.position].score, let before = previous?.components[c.position].score
        else { return nil }
        return now - before
    }
}

/// Scores accounts with the model of their segment. Pure: a function of the dataset, the settings and the instant.
public struct HealthEngine: Sendable {
    public let index: HealthIndex
    /// The accounts, with their touch tier among their attributes (see `TouchModel`).
    public let accounts: [Account]
    /// Position in `settings.models` of each account's model.
    public let modelOf: [Int32]
    /// Account positions by id.
    public let accountIndex: [AccountID: AccountIndex]

    public var settings: HealthSettings { index.settings }

    /// - Parameter accounts: the dataset's accounts as segment filters should see them (tagged with their touch tier).
    public init(index: HealthIndex, accounts: [Account]) {
        self.index = index
        self.accounts = accounts
        let settings = index.settings
        modelOf = accounts.map { Int32(settings.modelIndex(for: $0)) }
        accountIndex = Dictionary(accounts.enumerated().map { ($1.id, AccountIndex($0)) }, uniquingKeysWith: { a, _ in a })
    }

    public func model(of account: AccountIndex) -> HealthModel { settings.models[Int(modelOf[account.int])] }

    /// The health of every account paying as of `t` (MRR above zero), in account order.
    public func assessAll(at t: Timestamp) -> [AccountHealth] {
        let models = settings.models
        var result: [AccountHealth] = []
        result.reserveCapacity(index.accountCount)
        var values = [Double](repeating: .nan, count: HealthComponent.count)
        values.withUnsafeMutableBufferPointer { buffer in
            for a in 0..<index.accountCount {
                let account = AccountIndex(a)
                let mrr = index.mrr(of: account, at: t)
                guard mrr > 0 else { continue }
                index.measure(account, at: t, into: buffer)
                let m = Int(modelOf[a])
                guard let score = models[m].quickScore(UnsafeBufferPointer(buffer)) else { continue }
                result.append(AccountHealth(account: account, score: score, band: models[m].bands.band(score), model: m, mrr: mrr))
            }
        }
        return result
    }

    /// The account's score as of `t` with its parts, or `nil` when no weighted component has data.
    public func score(_ account: AccountIndex, at t: Timestamp) -> HealthScore? {
        model(of: account).score(index.measure(account, at: t))
    }

    /// The explanation of the account's score as of `t`, or `nil` when it cannot be scored.
    public func breakdown(_ account: AccountIndex, at t: Timestamp) -> HealthBreakdown? {
        guard let current = score(account, at: t) else { return nil }
        let previous = score(account, at: t.adding(days: -settings.periodDays))
        let model = model(of: account)
        let period = settings.periodDays
        let factors = current.components
            .filter { $0.score != nil && $0.effectiveWeight > 0 && $0.score! < model.bands.greenFrom }
            .map { part in
                RiskFactor(
                    component: part.component,
                    text: "\(part.component.title): \(part.component.describe(part.value!, periodDays: period))",
                    pointsLost: part.effectiveWeight * (100 - part.score!))
            }
            .sorted { ($0.pointsLost, $1.component) > ($1.pointsLost, $0.component) }
        var note: String?
        let missing = current.missing
        if !missing.isEmpty {
            let share = missing.map { model.weight($0) }.reduce(0, +) / model.weights.reduce(0, +) * 100
            let names = missing.map(\.title).joined(separator: ", ")
            note = "No data for \(names): their weight (\(HealthComponent.format(share)) % of the total) is shared among the other components in proportion to their weights."
        }
        return HealthBreakdown(
            account: account, at: t, current: current, previous: previous, mrr: index.mrr(of: account, at: t),
            touch: accounts[account.int].attribute(settings.touch.attribute),
            nextRenewal: index.nextRenewal(of: account, after: t), riskFactors: Array(factors.prefix(3)),
            redistribution: note)
    }
}
