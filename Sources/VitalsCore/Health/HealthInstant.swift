/// The one instant health is assessed as of, by default, everywhere: the dashboard's pages, the HTTP API, the
/// `vitals health` command and the health service that stores the day's scores and makes alerts and tasks
/// (docs/health.md, "As of").
///
/// **The start of the current UTC day, but no later than the start of the day after the last record**:
/// `min(start of day(now), start of day(latest activity) + 1 day)`. So, on live data, every score of a day is as of
/// that day's 00:00 UTC whatever the hour it is read: the page, the API, the command and the task made at 14:00 all
/// count the same tickets, answers and events (those before today), and the day's stored score is the one shown. On
/// data that stops earlier (an archive, an export), the last day of data counts in full. A date given explicitly
/// (`--at`, `?at=`) is the start of that date, the same kind of instant.
///
/// Pure: the clock is a parameter.
public enum HealthInstant {
    /// - Parameter latestActivity: the last instant a record speaks of, CSM pulses and onboarding milestones included
    ///   (`latestRecord(of:)`).
    public static func asOf(now: Timestamp, latestActivity: Timestamp?) -> Timestamp {
        let today = Timestamp(now.date)
        guard let latestActivity else { return today }
        return min(today, Timestamp(latestActivity.date.adding(days: 1)))
    }

    /// The last instant any record speaks of for health: `Dataset.latestActivity` (given when known, it scans every
    /// usage event), or a later CSM pulse or onboarding milestone start or completion (health reads them; reports do not).
    public static func latestRecord(of dataset: Dataset, latestActivity: Timestamp?? = nil) -> Timestamp? {
        var latest = latestActivity ?? dataset.latestActivity
        func see(_ t: Timestamp?) {
            guard let t else { return }
            if latest == nil || t > latest! { latest = t }
        }
        for p in dataset.csmPulses { see(p.recordedAt) }
        for m in dataset.onboarding {
            see(m.startedAt)
            see(m.completedAt)
        }
        return latest
    }
}
