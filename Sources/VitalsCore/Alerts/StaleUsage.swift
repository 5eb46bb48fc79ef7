/// The stale-data guard (docs/alerts.md, stale usage data): when a workspace's usage data stops well before the
/// evaluation instant, a week-over-week comparison reads the missing days as a fall to nothing, and every account
/// would get "usage fell 100 %". So `usage_drop` rules are then not evaluated: their open alerts neither fire nor clear.
public enum StaleUsage {
    /// How long before the evaluation instant the newest usage event may lie: 2 days (a day of ingest delay, and the
    /// day being scored).
    public static let toleranceDays = 2

    /// The date usage data stops (the newest event's UTC date) when the newest event is more than `toleranceDays`
    /// before `t`; nil when the data is fresh, or when there is no usage data at all (there is nothing to compare).
    public static func stopDate(newestEvent: Timestamp?, at t: Timestamp) -> CivilDate? {
        guard let newestEvent else { return nil }
        return newestEvent < t.adding(days: -toleranceDays) ? newestEvent.date : nil
    }
}
