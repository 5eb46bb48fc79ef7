/// When a subscription item renews (docs/metrics.md, renewals): an item whose term is a quarter or longer (interval
/// `year`, or `month` with `interval_count` >= 3) renews at the end of each term, counted from the first
/// `valid_from` of its run of such terms; a version's `renews_at` overrides the next date, and the terms are then
/// counted from it. Pure and bounded: at most `maxTerms` due dates per item.
public enum RenewalSchedule {
    /// The most due dates one item has: far beyond any real schedule (50 years of quarterly terms are 200).
    public static let maxTerms = 1_000

    /// The months of a version's term, or `nil` when it is shorter than a quarter (it does not renew).
    public static func termMonths(of version: SubscriptionVersion) -> Int? {
        switch version.interval {
        case .year:
            // interval_count is at most RecordLimits.intervalCount (1000): 12,000 months at most.
            let (months, overflow) = version.intervalCount.multipliedReportingOverflow(by: 12)
            return overflow || months <= 0 ? nil : months
        case .month: return version.intervalCount >= 3 ? version.intervalCount : nil
        case .week, .day: return nil
        }
    }

    /// `t` moved `months` calendar months on (the same day, clamped to a shorter month's end; the same time of day),
    /// or `nil` past the supported years.
    static func adding(months: Int, to t: Timestamp) -> Timestamp? {
        let day = t.date
        guard months >= 0, months <= (Timestamp.supportedYears.count + 1) * 12 else { return nil }
        let moved = Timestamp(day.adding(months: months)).seconds + (t.seconds - Timestamp(day).seconds)
        return Timestamp.supported.contains(moved) ? Timestamp(seconds: moved) : nil
    }

    /// The due dates of one subscription item, in time order, up to and including `through`.
    ///
    /// - Parameter versions: the item's versions (one subscription, one product), ordered by `validFrom`.
    /// - The term is that of the version in force at the start of each term; a version shorter than a quarter starts
    ///   no term, and the count starts again at the next version that is a quarter or longer.
    /// - A date after the item's end (the last `valid_to`) is not due: the item churned inside its term. A date at
    ///   its end is due (it churns at the renewal).
    public static func dueDates(of versions: [SubscriptionVersion], through: Timestamp) -> [Timestamp] {
        guard let first = versions.first, versions.contains(where: { termMonths(of: $0) != nil }) else { return [] }
        let end = versions.last?.validTo
        var dates: [Timestamp] = []
        var anchor = first.validFrom
        var terms = 0
        var previous = first.validFrom
        while dates.count < maxTerms {
            // The version in force when the current term began.
            guard let current = versions.last(where: { $0.validFrom <= previous }) ?? versions.first else { break }
            guard let months = termMonths(of: current) else {
                // A term shorter than a quarter: the schedule starts again at the next quarterly or longer version.
                guard let next = versions.first(where: { $0.validFrom > previous && termMonths(of: $0) != nil }) else { break }
                (anchor, terms, previous) = (next.validFrom, 0, next.validFrom)
                continue
            }
            let (span, overflow) = months.multipliedReportingOverflow(by: terms + 1)
            guard !overflow, let counted = adding(months: span, to: anchor) else { break }
            // The latest renews_at after the last due date, of a version begun before the date it would replace.
            let override = versions.last { v in
                guard let renews = v.renewsAt else { return false }
                return renews > previous && v.validFrom < counted
            }?.renewsAt
            let due: Timestamp
            if let override {
                (due, anchor, terms) = (override, override, 0)
            } else {
                (due, terms) = (counted, terms + 1)
            }
            if due > through { break }
            if let end, due > end { break }
            dates.append(due)
            previous = due
        }
        return dates
    }
}
