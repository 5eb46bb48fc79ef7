extension AlertEvaluator {
    /// The `churn` and `contraction` conditions of `rule` as of `t` (docs/alerts.md), over every account in the rule's
    /// segment (a churned account has no health score, so these do not start from the scores), read from the revenue
    /// timeline the KPIs use.
    ///
    /// - churn: the account's MRR just before `t` is 0, and it fell to 0 from above 0 at or after `t - days`;
    /// - contraction: the account pays just before `t` and `days` days before, now at least `percent` % less.
    func revenueObservations(_ rule: AlertRule, at t: Timestamp) -> [AlertObservation] {
        let accounts = engine.accounts
        let timeline = engine.index.timeline
        let since = t.adding(days: -rule.days)
        let currency = engine.settings.report.reportingCurrency
        func money(_ minor: Int64) -> String {
            currency.code + " " + Money.decimalString(minor, exponent: currency.minorUnitExponent)
        }
        var result: [AlertObservation] = []
        for a in accounts.indices where a < timeline.accountCount {
            guard rule.segment?.matches(accounts[a]) ?? true else { continue }
            let account = AccountIndex(a)
            let now = timeline.mrr(of: account, before: t)
            let title: String
            let reason: String
            switch rule.kind {
            case .churn:
                guard now == 0 else { continue }
                // The last change before t: a fall to 0 since `since`, from the MRR before it.
                let steps = timeline.history(of: account).filter { $0.at < t }
                guard let last = steps.last, last.mrr == 0, last.at >= since, steps.count >= 2 else { continue }
                let lost = steps[steps.count - 2].mrr
                guard lost > 0 else { continue }
                title = "\(accounts[a].name) churned"
                reason = "MRR fell from \(money(lost)) to 0 on \(last.at.date), within the last \(rule.days) days"
            default:
                let before = timeline.mrr(of: account, before: since)
                guard now > 0, before > 0, now < before else { continue }
                let fall = Double(before - now) / Double(before) * 100
                guard fall >= rule.percent else { continue }
                title = "\(accounts[a].name) contracted \(HealthComponent.format(fall)) %"
                reason = "MRR \(money(now)), was \(money(before)) \(rule.days) days ago"
            }
            result.append(AlertObservation(
                rule: rule.id, kind: rule.kind, severity: rule.severity, subject: accounts[a].id.rawValue,
                account: account, title: title, reason: reason))
        }
        return result
    }
}
