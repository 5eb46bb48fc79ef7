import Foundation

/// Touch-model tiers: high touch (a named CSM, calls), low touch (pooled CSMs, one-to-many programmes) and tech touch
/// (automated), assigned from ARR or CLV against two thresholds (`TouchSettings`).
public enum TouchModel {
    public static let high = "high"
    public static let low = "low"
    public static let tech = "tech"

    /// Each account's tier as of `t`: high from `highFrom`, low from `lowFrom`, else tech (non-paying accounts are
    /// tech touch).
    public static func tiers(_ dataset: Dataset, settings: HealthSettings, at t: Timestamp) -> [String] {
        let fx = FxTable(reportingCurrency: settings.report.reportingCurrency, rates: dataset.fxRates)
        let spans = SubscriptionMRR.spans(of: dataset.subscriptions, fx: fx, delinquencyDays: settings.report.delinquencyDays)
        return tiers(spans: spans, accountCount: dataset.accounts.count, settings: settings, at: t)
    }

    /// The tiers of `accountCount` accounts from their MRR spans (`SubscriptionMRR.spans` with the reporting currency
    /// and delinquency days of `settings.report`), for a caller that has them already.
    public static func tiers(
        spans: [SubscriptionMRR.Span], accountCount: Int, settings: HealthSettings, at t: Timestamp
    ) -> [String] {
        let touch = settings.touch
        let earlier = t.adding(days: -90)
        var now = [Int64](repeating: 0, count: accountCount)
        var before = [Int64](repeating: 0, count: accountCount)
        // A span counts as of an instant when it began before it and had not ended before it (RevenueTimeline.mrr).
        for span in spans {
            if span.from < t && (span.to.map { $0 >= t } ?? true) { now[span.account.int] += span.mrr }
            if span.from < earlier && (span.to.map { $0 >= earlier } ?? true) { before[span.account.int] += span.mrr }
        }
        let unit = Money.powerOfTen(settings.report.reportingCurrency.minorUnitExponent)
        let factor: Double
        switch touch.basis {
        case .arr:
            factor = 12
        case .clv:
            let churn = touch.monthlyChurn ?? measuredMonthlyChurn(before: before, now: now)
            factor = churn > 0 ? settings.report.grossMargin / churn : .infinity
        }
        return now.map { mrr in
            let value = mrr > 0 ? Double(mrr) / unit * factor : 0
            return value >= touch.highFrom ? high : (value >= touch.lowFrom ? low : tech)
        }
    }

    /// The monthly rate equivalent to the share of accounts paying 90 days earlier that pay nothing now:
    /// 1 - (1 - share)^(1/3).
    static func measuredMonthlyChurn(before: [Int64], now: [Int64]) -> Double {
        var paying = 0
        var lost = 0
        for a in before.indices where before[a] > 0 {
            paying += 1
            if now[a] <= 0 { lost += 1 }
        }
        guard paying > 0 else { return 0 }
        return 1 - pow(1 - Double(lost) / Double(paying), 1.0 / 3)
    }

    /// The dataset with each account's tier as of `t` among its attributes (under `settings.touch.attribute`), so that
    /// segment filters, `--segment` and `--by` see it like any attribute.
    public static func tagged(_ dataset: Dataset, settings: HealthSettings, at t: Timestamp) -> Dataset {
        var copy = dataset
        copy.setAttribute(settings.touch.attribute, values: tiers(dataset, settings: settings, at: t))
        return copy
    }
}
