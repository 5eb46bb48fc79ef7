/// Onboarding KPIs per period and group, from the onboarding milestones.
///
/// An account's onboarding starts at the earliest `started_at` of its milestones (an account with none is in no
/// cohort); its cohort is the period containing that start. It has completed onboarding when every required milestone
/// has a `completed_at` (at any time), at the latest of those instants.
struct OnboardingKPIs {
    let periodCount: Int
    /// Per `group * periodCount + period`: accounts whose onboarding started in the period, and those of them that
    /// completed it.
    private(set) var cohort: [Int]
    private(set) var completed: [Int]
    /// Median days from start to completion of the cohort's completed accounts.
    private(set) var medianDays: [Double?]
    /// Accounts with a required milestone past its due date, by at most the horizon, and still open at the period end.
    private(set) var overdue: [Int]

    /// - Parameter horizon: seconds a required milestone stays overdue after its due date at most
    ///   (`ReportSettings.onboardingOverdueDays`).
    init(dataset: Dataset, periods: [Period], groupOf: [Int32], groupCount: Int, horizon: Int64) {
        let periodCount = periods.count
        let cells = groupCount * periodCount
        self.periodCount = periodCount
        cohort = [Int](repeating: 0, count: cells)
        completed = [Int](repeating: 0, count: cells)
        medianDays = [Double?](repeating: nil, count: cells)
        overdue = [Int](repeating: 0, count: cells)
        guard periodCount > 0 else { return }
        let lookup = PeriodLookup(periods)
        let accountCount = dataset.accounts.count
        let milestones = dataset.onboarding

        var start = [Int64](repeating: .max, count: accountCount)
        var requiredOpen = [Int](repeating: 0, count: accountCount)
        var lastRequiredDone = [Int64](repeating: .min, count: accountCount)
        // The milestones of each account, as positions (a counting sort by account), for the overdue intervals.
        var offsets = [Int](repeating: 0, count: accountCount + 1)
        for m in milestones where groupOf[m.account.int] >= 0 {
            let a = m.account.int
            offsets[a + 1] += 1
            if let s = m.startedAt { start[a] = min(start[a], s.seconds) }
            guard m.required else { continue }
            if let done = m.completedAt {
                lastRequiredDone[a] = max(lastRequiredDone[a], done.seconds)
            } else {
                requiredOpen[a] += 1
            }
        }
        for a in 0..<accountCount { offsets[a + 1] += offsets[a] }
        var next = offsets
        var byAccount = [Int32](repeating: 0, count: offsets[accountCount])
        for (i, m) in milestones.enumerated() where groupOf[m.account.int] >= 0 {
            byAccount[next[m.account.int]] = Int32(i)
            next[m.account.int] += 1
        }

        var days = [[Double]](repeating: [], count: cells)
        // Per group, +1 / -1 where an account's overdue run of periods begins / ends.
        var overdueChange = [Int](repeating: 0, count: groupCount * (periodCount + 1))
        var runs: [(from: Int, to: Int)] = []
        for a in 0..<accountCount {
            let group = Int(groupOf[a])
            guard group >= 0 else { continue }
            if start[a] != .max, let p = lookup.index(Timestamp(seconds: start[a])) {
                let cell = group * periodCount + p
                cohort[cell] += 1
                if requiredOpen[a] == 0 {
                    completed[cell] += 1
                    // With no required milestone, onboarding is complete as soon as it starts.
                    let finish = max(lastRequiredDone[a], start[a])
                    days[cell].append(Double(finish - start[a]) / 86_400)
                }
            }
            // Overdue at the end of period p when due_at < end_p <= completed_at (or never completed) and
            // end_p <= due_at + horizon: the periods ended(by: due_at) ..< min(ended(by: completed_at),
            // ended(by: due_at + horizon)).
            runs.removeAll(keepingCapacity: true)
            for k in offsets[a]..<offsets[a + 1] {
                let m = milestones[Int(byAccount[k])]
                guard m.required, let due = m.dueAt else { continue }
                let from = lookup.ended(by: due.seconds)
                let (dueLimit, overflow) = due.seconds.addingReportingOverflow(horizon)
                let to = min(
                    m.completedAt.map { lookup.ended(by: $0.seconds) } ?? periodCount,
                    overflow ? periodCount : lookup.ended(by: dueLimit))
                if from < to { runs.append((from, to)) }
            }
            guard !runs.isEmpty else { continue }
            runs.sort { $0.from < $1.from }
            let base = group * (periodCount + 1)
            var current = runs[0]
            for run in runs.dropFirst() {
                if run.from <= current.to {
                    current.to = max(current.to, run.to)
                } else {
                    overdueChange[base + current.from] += 1
                    overdueChange[base + current.to] -= 1
                    current = run
                }
            }
            overdueChange[base + current.from] += 1
            overdueChange[base + current.to] -= 1
        }
        for group in 0..<groupCount {
            var running = 0
            for p in 0..<periodCount {
                running += overdueChange[group * (periodCount + 1) + p]
                overdue[group * periodCount + p] = running
            }
        }
        for cell in 0..<cells where !days[cell].isEmpty { medianDays[cell] = Median.of(days[cell]) }
    }

    /// Writes the onboarding KPIs of one group and period.
    func write(into values: inout [KPI: KPIValue], group: Int, period: Int) {
        let cell = group * periodCount + period
        values[.onboardingCompletionRate] = .ratio(Double(completed[cell]), Double(cohort[cell]))
        values[.medianDaysToOnboard] = KPIValue(medianDays[cell])
        values[.onboardingOverdue] = .number(Double(overdue[cell]))
    }
}
