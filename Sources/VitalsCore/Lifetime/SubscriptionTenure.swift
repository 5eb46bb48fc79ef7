/// One account's paying lifetime in a subscription business, for survival analysis.
public struct AccountTenure: Sendable, Equatable {
    public var account: AccountIndex
    /// The first instant the account's MRR was above zero.
    public var start: Timestamp
    /// The churn instant (MRR back to zero) when `churned`, else the as-of instant (censored).
    public var end: Timestamp
    /// Whether the churn was observed by the as-of instant; `false` = right-censored (still paying).
    public var churned: Bool
    /// Revenue earned over `[start, end)`: the integral of MRR over time, in reporting-currency minor units
    /// (MRR x months, a month being 30.4375 days).
    public var revenue: Double

    /// Days from `start` to `end`.
    public var days: Double { Double(end.seconds - start.seconds) / 86_400 }
    /// Tenure in average months of 30.4375 days (365.25 / 12).
    public var months: Double { days / SubscriptionTenure.daysPerMonth }
}

/// Each account's tenure from the revenue timeline: from its first paying instant to the first time its MRR returns
/// to zero (churn), or censored at the as-of instant if it is still paying then.
///
/// Only the first paying spell counts: a reactivation after a churn is not a continuation of that lifetime (so the
/// estimate is of time to first churn). MRR follows the existing definitions (`SubscriptionMRR`, `RevenueTimeline`:
/// active versions, `past_due` within the delinquency window, converted at the version's start). Changes at instants
/// up to and including `asOf` are observed; later ones are not. Accounts that never paid before `asOf` have no
/// tenure.
public enum SubscriptionTenure {
    public static let daysPerMonth = 365.25 / 12

    public static func tenures(timeline: RevenueTimeline, asOf: Timestamp) -> [AccountTenure] {
        var result: [AccountTenure] = []
        let secondsPerMonth = daysPerMonth * 86_400
        for a in 0..<timeline.accountCount {
            let account = AccountIndex(a)
            let history = timeline.history(of: account)
            guard let first = history.firstIndex(where: { $0.mrr > 0 }), history[first].at < asOf else { continue }
            let start = history[first].at
            var end = asOf
            var churned = false
            var revenue = 0.0
            var i = first
            while i < history.count {
                let step = history[i]
                let next = i + 1 < history.count ? history[i + 1].at : nil
                if step.mrr <= 0 {
                    end = step.at
                    churned = true
                    break
                }
                let until = min(next ?? asOf, asOf)
                revenue += Double(step.mrr) * Double(until.seconds - step.at.seconds) / secondsPerMonth
                guard let next, next <= asOf else { break }
                i += 1
            }
            result.append(AccountTenure(account: account, start: start, end: end, churned: churned, revenue: revenue))
        }
        return result
    }

    /// Tenures of every account in `dataset`, with MRR as `settings` define it.
    public static func tenures(dataset: Dataset, settings: ReportSettings, asOf: Timestamp) -> [AccountTenure] {
        let fx = FxTable(reportingCurrency: settings.reportingCurrency, rates: dataset.fxRates)
        return tenures(timeline: RevenueTimeline(dataset: dataset, settings: settings, fx: fx), asOf: asOf)
    }

    /// The signup cohort of a tenure: the calendar period of its first paying instant, e.g. `2024-Q1` or `2024`.
    public static func cohort(of tenure: AccountTenure, grain: Grain) -> String {
        grain.label(start: grain.start(containing: tenure.start.date))
    }
}
