/// Finds which alert rules' conditions hold as of an instant. Pure: a function of the engine, the KPI values and the
/// outside conditions given.
public struct AlertEvaluator: Sendable {
    public let engine: HealthEngine
    public let rules: [AlertRule]

    public init(engine: HealthEngine, rules: [AlertRule]) {
        self.engine = engine
        self.rules = rules
    }

    /// The rules evaluated when `external` holds the given sources' conditions: every rule except external rules of
    /// a source that reported nothing this time, and `usage_drop` rules when the usage data is stale (`StaleUsage`):
    /// their alerts neither fire nor clear.
    public func evaluatedRules(externalSources: Set<String>, staleUsage: Bool = false) -> Set<String> {
        Set(rules.filter {
            ($0.kind != .external || externalSources.contains($0.source ?? "")) && !(staleUsage && $0.kind == .usageDrop)
        }.map(\.id))
    }

    /// Every condition holding as of `t`.
    /// - Parameters:
    ///   - health: the scores as of `t` (`engine.assessAll(at: t)`).
    ///   - kpis: the company KPI values of the last complete period, for `kpi_off_target` rules.
    ///   - kpiPeriod: that period's label, for the reason.
    ///   - external: outside conditions, e.g. goals' targets at risk.
    ///   - departures: champions who left accounts, for `champion_left` rules: those of the rule's last `days` days
    ///     up to `now` (the clock: a departure is noted when it happens, while health may be scored as of the last
    ///     record), or up to `t` when `now` is nil.
    public func observe(
        at t: Timestamp, health: [AccountHealth], kpis: [KPI: Double] = [:], kpiPeriod: String = "",
        external: [ExternalCondition] = [], departures: [ChampionDeparture] = [], now: Timestamp? = nil
    ) -> [AlertObservation] {
        var result: [AlertObservation] = []
        let accounts = engine.accounts
        let index = engine.index
        var earlier: [Int: [Int32: Double]] = [:]
        for rule in rules {
            func add(_ h: AccountHealth?, _ account: AccountIndex, _ title: String, _ reason: String) {
                result.append(AlertObservation(
                    rule: rule.id, kind: rule.kind, severity: rule.severity, subject: accounts[account.int].id.rawValue,
                    account: account, title: title, reason: reason))
            }
            let inScope = health.filter { rule.segment?.matches(accounts[$0.account.int]) ?? true }
            func name(_ a: AccountIndex) -> String { accounts[a.int].name }
            func score(_ x: Double) -> String { HealthComponent.format(x) }
            switch rule.kind {
            case .turnedRed:
                for h in inScope where h.band == .red {
                    add(h, h.account, "\(name(h.account)) turned red", "health \(score(h.score)), in the red band")
                }
            case .scoreDrop:
                if earlier[rule.days] == nil {
                    var scores: [Int32: Double] = [:]
                    for h in engine.assessAll(at: t.adding(days: -rule.days)) { scores[h.account.value] = h.score }
                    earlier[rule.days] = scores
                }
                let before = earlier[rule.days]!
                for h in inScope {
                    guard let old = before[h.account.value], old - h.score >= rule.points else { continue }
                    add(h, h.account, "\(name(h.account)) health dropped \(score(old - h.score)) points",
                        "health \(score(h.score)), was \(score(old)) \(rule.days) days ago")
                }
            case .npsDetractor:
                let from = t.adding(days: -rule.days).seconds
                for h in inScope {
                    var worst: Float?
                    for k in index.surveys.range(h.account.int) {
                        let time = index.surveyTimes[k]
                        if time >= t.seconds { break }
                        guard time >= from, index.surveyKinds[k] == 0, index.surveyScores[k] <= 6 else { continue }
                        worst = min(worst ?? 10, index.surveyScores[k])
                    }
                    if let worst {
                        add(h, h.account, "\(name(h.account)) gave an NPS detractor answer",
                            "an NPS answer of \(score(Double(worst))) in the last \(rule.days) days")
                    }
                }
            case .renewalAtRisk:
                let horizon = t.adding(days: rule.days)
                for h in inScope where rule.bands.contains(h.band) {
                    guard let renewal = index.nextRenewal(of: h.account, after: t), renewal < horizon else { continue }
                    add(h, h.account, "\(name(h.account)) renews on \(renewal.date) while \(h.band.rawValue)",
                        "health \(score(h.score)) (\(h.band.rawValue)), renewal within \(rule.days) days")
                }
            case .usageDrop:
                for h in inScope {
                    let days = max(1, rule.days)
                    guard let change = index.usageChange(h.account, at: t, days: days, requireActivityBefore: true),
                        change <= -rule.percent
                    else { continue }
                    if days == 7 {
                        add(h, h.account, "\(name(h.account)) usage fell \(score(-change)) % week over week",
                            "active users and time on platform this week against last week")
                    } else {
                        add(h, h.account, "\(name(h.account)) usage fell \(score(-change)) % over \(days) days",
                            "active users and time on platform in the last \(days) days against the \(days) before")
                    }
                }
            case .onboardingOverdue:
                for h in inScope {
                    guard let overdue = index.measure(h.account, at: t)[.onboarding], overdue > Double(rule.days) else {
                        continue
                    }
                    add(h, h.account, "\(name(h.account)) onboarding is \(score(overdue)) days overdue",
                        "a required onboarding milestone is past its due date")
                }
            case .championLeft:
                let end = now ?? t
                let from = end.adding(days: -rule.days)
                var latest: [AccountIndex: ChampionDeparture] = [:]
                for d in departures where d.at >= from && d.at <= end {
                    guard let a = engine.accountIndex[d.account] else { continue }
                    if let seen = latest[a], seen.at > d.at { continue }
                    latest[a] = d
                }
                for h in inScope {
                    guard let d = latest[h.account] else { continue }
                    let what = d.roleAfter.map { "is now \($0.label.lowercased())" } ?? "was removed"
                    add(h, h.account, "\(name(h.account))'s champion \(d.name) left",
                        "the champion \(d.name) \(what) (\(d.at.date)), in the last \(rule.days) days")
                }
            case .churn, .contraction:
                result += revenueObservations(rule, at: t)
            case .kpiOffTarget:
                guard let kpi = rule.kpi, let value = kpis[kpi] else { continue }
                let low = rule.minimum.map { value < $0 } ?? false
                let high = rule.maximum.map { value > $0 } ?? false
                guard low || high else { continue }
                let currency = engine.settings.report.reportingCurrency
                func written(_ x: Double) -> String { KPIReading.written(x, kpi.unit, currency) }
                let bound = low ? "below the minimum \(written(rule.minimum!))" : "above the maximum \(written(rule.maximum!))"
                result.append(AlertObservation(
                    rule: rule.id, kind: rule.kind, severity: rule.severity, subject: "company", account: nil,
                    title: "\(kpi.title) is off target", reason: "\(kpi.title) was \(written(value)) in \(kpiPeriod), \(bound)"))
            case .external:
                for c in external where c.source == rule.source {
                    let account = c.account.flatMap { engine.accountIndex[$0] }
                    if let account, let segment = rule.segment, !segment.matches(accounts[account.int]) { continue }
                    result.append(AlertObservation(
                        rule: rule.id, kind: rule.kind, severity: rule.severity, subject: "\(c.source):\(c.key)",
                        account: account, title: c.title, reason: c.reason))
                }
            }
        }
        return result
    }

    /// The reason of an account alert with the account's top risk factors appended (for the alerts that fire: the
    /// explanation costs a breakdown per account).
    public func explained(_ observation: AlertObservation, at t: Timestamp) -> AlertObservation {
        guard let account = observation.account, let breakdown = engine.breakdown(account, at: t),
            !breakdown.riskFactors.isEmpty
        else { return observation }
        var copy = observation
        copy.reason += ". Top risks: " + breakdown.riskFactors.map(\.text).joined(separator: "; ")
        return copy
    }
}
