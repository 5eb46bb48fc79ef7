/// A scheduled summary for the team: KPIs against the period before, the alerts raised in the period, targets at
/// risk (from an outside source, e.g. goals) and the accounts that turned red (`docs/alerts.md`).
public struct Digest: Sendable, Equatable {
    public struct KPILine: Sendable, Equatable {
        public var kpi: KPI
        public var value: Double?
        public var previous: Double?
    }

    public struct AlertLine: Sendable, Equatable {
        public var rule: String
        public var subject: String
        public var title: String
        public var reason: String
        public var firedAt: Timestamp
        public init(rule: String, subject: String, title: String, reason: String, firedAt: Timestamp) {
            self.rule = rule
            self.subject = subject
            self.title = title
            self.reason = reason
            self.firedAt = firedAt
        }
    }

    public struct TurnedRed: Sendable, Equatable {
        public var account: AccountID
        public var name: String
        public var score: Double
        public var previousBand: HealthBand?
        public var mrr: Int64
    }

    /// `day` or `week`.
    public var grain: Grain
    public var period: Period
    public var currency: CurrencyCode
    public var kpis: [KPILine]
    public var newAlerts: [AlertLine]
    public var targetsAtRisk: [ExternalCondition]
    public var turnedRed: [TurnedRed]
    public var revenueAtRisk: Int64

    /// The KPIs a digest shows unless configured otherwise.
    public static let defaultKPIs: [KPI] = [.mrr, .netNewMRR, .churnedMRR, .payingCustomers, .customerChurnRate, .nps, .activeAccounts]

    /// The digest of the last complete `grain` period before `now` (yesterday, or last ISO week).
    /// - Parameters:
    ///   - alerts: the alerts fired during the period (from the store).
    ///   - targets: targets at risk from an outside source (goals); empty when there is none.
    public static func build(
        grain: Grain, now: Timestamp, calculator: KPICalculator, engine: HealthEngine, kpis: [KPI] = defaultKPIs,
        alerts: [AlertLine], targets: [ExternalCondition]
    ) -> Digest {
        let currentStart = grain.start(containing: now.date)
        let period = Period(grain: grain, containing: currentStart.adding(days: -1))
        let previous = Period(grain: grain, containing: period.startDate.adding(days: -1))
        let report = calculator.report(ReportScope(periods: [previous, period], segment: nil))
        let lines = kpis.map { kpi in
            KPILine(kpi: kpi, value: report.rows[1].values[kpi]?.double, previous: report.rows[0].values[kpi]?.double)
        }
        let end = engine.assessAll(at: period.end)
        var before: [Int32: HealthBand] = [:]
        for h in engine.assessAll(at: period.start) { before[h.account.value] = h.band }
        let red = end.filter { $0.band == .red && before[$0.account.value] != .red }
            .sorted { ($0.mrr, $1.account) > ($1.mrr, $0.account) }
            .map { h in
                TurnedRed(
                    account: engine.accounts[h.account.int].id, name: engine.accounts[h.account.int].name, score: h.score,
                    previousBand: before[h.account.value], mrr: h.mrr)
            }
        let risk = RevenueAtRisk.compute(end, engine: engine, at: period.end)
        return Digest(
            grain: grain, period: period, currency: calculator.settings.reportingCurrency, kpis: lines,
            newAlerts: alerts.filter { $0.firedAt >= period.start && $0.firedAt < period.end },
            targetsAtRisk: targets, turnedRed: red, revenueAtRisk: risk.total)
    }

    /// The digest as plain text (the Slack message and the log line).
    public var text: String {
        var lines = ["Vitals \(grain == .day ? "daily" : "weekly") digest for \(period.description)"]
        let exponent = currency.minorUnitExponent
        func show(_ kpi: KPI, _ v: Double?) -> String {
            guard let v else { return "-" }
            switch kpi.unit {
            case .money:
                guard let minor = Int64(roundingChecked: v) else { return "\(currency.code) \(v)" }
                return "\(currency.code) " + Money.decimalString(minor, exponent: exponent)
            case .rate: return HealthComponent.format(v * 100) + " %"
            default: return HealthComponent.format(v)
            }
        }
        for line in kpis {
            lines.append("• \(line.kpi.title): \(show(line.kpi, line.value)) (before: \(show(line.kpi, line.previous)))")
        }
        lines.append("• Revenue at risk (MRR): \(currency.code) \(Money.decimalString(revenueAtRisk, exponent: exponent))")
        lines.append("New alerts: \(newAlerts.count)")
        for a in newAlerts.prefix(10) { lines.append("  - \(a.title)") }
        lines.append("Accounts turned red: \(turnedRed.count)")
        for r in turnedRed.prefix(10) { lines.append("  - \(r.name) (health \(HealthComponent.format(r.score)))") }
        lines.append("Targets at risk: \(targetsAtRisk.count)")
        for t in targetsAtRisk.prefix(10) { lines.append("  - \(t.title): \(t.reason)") }
        return lines.joined(separator: "\n")
    }
}
