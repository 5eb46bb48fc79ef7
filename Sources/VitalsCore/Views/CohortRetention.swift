/// Retention of signup cohorts, month by month: the table behind a cohort heatmap (ChartMogul's "cohort analysis").
///
/// An account's cohort is the calendar month in which it first had MRR. For a cohort and an age of `k` months:
/// - logo retention = accounts of the cohort with MRR > 0 at the end of month `cohort + k` / accounts in the cohort;
/// - revenue retention = the cohort's MRR at the end of month `cohort + k` / its MRR at the end of its first month.
///   Expansion can lift it above 100 %. Age 0 is the cohort's first month (logo retention 100 % by construction,
///   unless an account both started and left within it).
///
/// Only months that have ended by `asOf` are filled; later cells are `nil`.
public struct CohortRetention: Sendable, Equatable {
    public struct Cohort: Sendable, Equatable {
        /// The first day of the signup month.
        public var month: CivilDate
        public var accounts: Int
        /// MRR at the end of the first month, in reporting-currency minor units.
        public var startingMRR: Int64
        /// By age in months (index 0 = the signup month).
        public var logo: [Double?]
        public var revenue: [Double?]
    }

    public var cohorts: [Cohort]
    public var maxAge: Int

    /// - Parameters:
    ///   - timeline: the MRR changes of every account.
    ///   - include: which accounts count (a segment), by account index.
    ///   - from: the first signup month shown; earlier cohorts are left out.
    ///   - asOf: months ending after this instant are not filled.
    ///   - maxAge: the oldest age shown, in months.
    public init(timeline: RevenueTimeline, include: (Int) -> Bool, from: CivilDate, asOf: Timestamp, maxAge: Int = 12) {
        let firstMonth = CivilDate(year: from.year, month: from.month, day: 1)
        let lastMonth = CivilDate(year: asOf.date.year, month: asOf.date.month, day: 1)
        var monthStarts: [CivilDate] = []
        var m = firstMonth
        while m <= lastMonth {
            monthStarts.append(m)
            m = m.adding(months: 1)
        }
        let count = monthStarts.count
        // Ends of months (exclusive instants) that are complete by asOf.
        let ends = monthStarts.map { Timestamp($0.adding(months: 1)) }
        var size = [Int](repeating: 0, count: count)
        var alive = [[Int]](repeating: [Int](repeating: 0, count: maxAge + 1), count: count)
        var mrr = [[Int64]](repeating: [Int64](repeating: 0, count: maxAge + 1), count: count)
        var startingMRR = [Int64](repeating: 0, count: count)

        for a in 0..<timeline.accountCount where include(a) {
            let range = timeline.offsets[a]..<timeline.offsets[a + 1]
            guard !range.isEmpty else { continue }
            // The first instant with positive MRR.
            var total: Int64 = 0
            var firstPaid: Int64?
            for i in range {
                total += timeline.deltas[i]
                if total > 0, i + 1 == range.upperBound || timeline.times[i + 1] != timeline.times[i] {
                    firstPaid = timeline.times[i]
                    break
                }
            }
            guard let firstPaid else { continue }
            let date = Timestamp(seconds: firstPaid).date
            let cohortStart = CivilDate(year: date.year, month: date.month, day: 1)
            guard cohortStart >= firstMonth, cohortStart <= lastMonth else { continue }
            let c = (cohortStart.year - firstMonth.year) * 12 + cohortStart.month - firstMonth.month
            size[c] += 1
            // Walk the account's changes once, sampling MRR at each month end.
            var i = range.lowerBound
            var running: Int64 = 0
            for age in 0...maxAge {
                let monthIndex = c + age
                guard monthIndex < count, ends[monthIndex] <= asOf else { break }
                let end = ends[monthIndex].seconds
                while i < range.upperBound && timeline.times[i] < end {
                    running += timeline.deltas[i]
                    i += 1
                }
                if running > 0 { alive[c][age] += 1 }
                mrr[c][age] += running
                if age == 0 { startingMRR[c] += running }
            }
        }
        self.maxAge = maxAge
        cohorts = (0..<count).compactMap { c in
            guard size[c] > 0 else { return nil }
            var logo: [Double?] = [], revenue: [Double?] = []
            for age in 0...maxAge {
                let monthIndex = c + age
                let complete = monthIndex < count && ends[monthIndex] <= asOf
                logo.append(complete ? Double(alive[c][age]) / Double(size[c]) : nil)
                revenue.append(complete && startingMRR[c] > 0 ? Double(mrr[c][age]) / Double(startingMRR[c]) : nil)
            }
            return Cohort(month: monthStarts[c], accounts: size[c], startingMRR: startingMRR[c], logo: logo, revenue: revenue)
        }
    }
}
