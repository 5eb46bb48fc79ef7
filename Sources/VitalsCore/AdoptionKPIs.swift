/// Product adoption per period and group, from the usage events: active users and accounts, stickiness, time on
/// platform and feature adoption.
///
/// One pass over the events of the accounts in scope. Because `UsageTable` orders each account's events by day,
/// distinct counts need no sets: a user is new to a period when its "last period" stamp differs, new to a day when
/// its "last day" stamp differs, and a feature is new to an (account, period) when its stamp differs.
struct AdoptionKPIs {
    let periodCount: Int
    /// Per `group * periodCount + period`: distinct users and accounts with an event, distinct (user, day) pairs,
    /// and the total duration of the events.
    private(set) var activeUsers: [Int32]
    private(set) var activeAccounts: [Int32]
    private(set) var userDays: [Int32]
    private(set) var seconds: [Double]
    /// Per `(group * periodCount + period) * names.count + name`: accounts with that event in the period.
    private(set) var featureAccounts: [Int32]
    let names: [String]
    /// Calendar days in each period.
    let days: [Int]

    init(usage: UsageTable, periods: [Period], groupOf: [Int32], groupCount: Int) {
        let periodCount = periods.count
        let cells = groupCount * periodCount
        let nameCount = usage.names.count
        self.periodCount = periodCount
        names = usage.names
        days = periods.map { $0.endDate.daysSinceEpoch - $0.startDate.daysSinceEpoch }
        activeUsers = [Int32](repeating: 0, count: cells)
        activeAccounts = [Int32](repeating: 0, count: cells)
        userDays = [Int32](repeating: 0, count: cells)
        seconds = [Double](repeating: 0, count: cells)
        featureAccounts = [Int32](repeating: 0, count: cells * nameCount)
        guard !periods.isEmpty else { return }
        AdoptionKPIs.tally(
            usage, periods: periods, groupOf: groupOf, activeUsers: &activeUsers, activeAccounts: &activeAccounts,
            userDays: &userDays, seconds: &seconds, featureAccounts: &featureAccounts)
    }

    private static func tally(
        _ usage: UsageTable, periods: [Period], groupOf: [Int32], activeUsers: inout [Int32],
        activeAccounts: inout [Int32], userDays: inout [Int32], seconds: inout [Double], featureAccounts: inout [Int32]
    ) {
        // The loop is generic over how the records are stored, and specialized for each way.
        usage.records.withReader(
            copied: {
                tally(
                    $0, usage, periods: periods, groupOf: groupOf, activeUsers: &activeUsers,
                    activeAccounts: &activeAccounts, userDays: &userDays, seconds: &seconds,
                    featureAccounts: &featureAccounts)
            },
            log: {
                tally(
                    $0, usage, periods: periods, groupOf: groupOf, activeUsers: &activeUsers,
                    activeAccounts: &activeAccounts, userDays: &userDays, seconds: &seconds,
                    featureAccounts: &featureAccounts)
            })
    }

    private static func tally<Records: UsageRecordReader>(
        _ records: Records, _ usage: UsageTable, periods: [Period], groupOf: [Int32], activeUsers: inout [Int32],
        activeAccounts: inout [Int32], userDays: inout [Int32], seconds: inout [Double], featureAccounts: inout [Int32]
    ) {
        let periodCount = periods.count
        let nameCount = usage.names.count
        // Periods start and end at midnight, so the period of an event follows from its day alone.
        let lookup = PeriodLookup(periods)
        let periodOfDay = lookup.periodOfDay
        let firstDay = Int32(lookup.firstDay)
        let endDay = firstDay + Int32(periodOfDay.count)
        var userPeriod = [Int32](repeating: -1, count: usage.userCount)
        var userDay = [Int32](repeating: .min, count: usage.userCount)
        // The (account, period) serial at which each feature was last counted.
        var featureStamp = [Int32](repeating: -1, count: nameCount)
        var serial: Int32 = -1

        // The hot loop (one step per usage event) runs on buffers and without branches on the data (whether a user,
        // user-day or feature is new to the period is unpredictable); every index is in range by construction:
        // users < userCount, names < nameCount, days within [firstDay, endDay). Counts of the current (account,
        // period) accumulate in locals and are added to the period's cell when the period or the account changes.
        do {
            userPeriod.withUnsafeMutableBufferPointer { userPeriod in
                userDay.withUnsafeMutableBufferPointer { userDay in
                    featureStamp.withUnsafeMutableBufferPointer { featureStamp in
                        featureAccounts.withUnsafeMutableBufferPointer { featureAccounts in
                            var cell = -1
                            var users: Int32 = 0
                            var days: Int32 = 0
                            var time = 0.0
                            func flush() {
                                guard cell >= 0 else { return }
                                activeAccounts[cell] += 1
                                activeUsers[cell] += users
                                userDays[cell] += days
                                seconds[cell] += time
                                (users, days, time) = (0, 0, 0)
                            }
                            for account in 0..<(usage.offsets.count - 1) {
                                let group = Int(groupOf[account])
                                guard group >= 0 else { continue }
                                let base = group * periodCount
                                var lastPeriod: Int32 = -1
                                for i in usage.offsets[account]..<usage.offsets[account + 1] {
                                    let d = records.day(i)
                                    if d < firstDay { continue }
                                    if d >= endDay { break }
                                    let p = periodOfDay[Int(d &- firstDay)]
                                    if p != lastPeriod {
                                        flush()
                                        lastPeriod = p
                                        serial &+= 1
                                        cell = base + Int(p)
                                    }
                                    let u = Int(records.user(i))
                                    users &+= userPeriod[u] != p ? 1 : 0
                                    userPeriod[u] = p
                                    days &+= userDay[u] != d ? 1 : 0
                                    userDay[u] = d
                                    time += Double(records.seconds(i))
                                    let feature = Int(records.name(i))
                                    featureAccounts[cell &* nameCount &+ feature] &+= featureStamp[feature] != serial ? 1 : 0
                                    featureStamp[feature] = serial
                                }
                                flush()
                                cell = -1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes the adoption KPIs of one group and period.
    func write(into values: inout [KPI: KPIValue], group: Int, period: Int) {
        let cell = group * periodCount + period
        let users = Double(activeUsers[cell])
        let accounts = Double(activeAccounts[cell])
        let userDays = Double(userDays[cell])
        values[.activeUsers] = .number(users)
        values[.activeAccounts] = .number(accounts)
        // Mean daily active users over every calendar day of the period, over the period's active users.
        values[.stickiness] = users == 0 ? .null : .number(userDays / Double(days[period]) / users)
        values[.avgTimeOnPlatformMinutes] = .ratio(seconds[cell] / 60, userDays)
        if accounts == 0 {
            values[.featureAdoption] = .null
        } else {
            var shares: [String: Double] = [:]
            shares.reserveCapacity(names.count)
            for (k, name) in names.enumerated() {
                shares[name] = Double(featureAccounts[cell * names.count + k]) / accounts
            }
            values[.featureAdoption] = .breakdown(shares)
        }
    }
}
