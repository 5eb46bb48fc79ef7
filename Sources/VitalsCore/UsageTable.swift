/// One usage event reduced to what the adoption KPIs read: 16 bytes, no strings.
struct UsageRecord: Sendable, Equatable {
    /// The UTC day, in days since 1970-01-01.
    var day: Int32
    /// The user, as a dense index of the (account, user_id) pair: the same user id in two accounts is two users.
    var user: Int32
    /// The event name, as an index into `UsageTable.names`.
    var name: Int32
    /// `duration_seconds`, 0 when absent.
    var seconds: Float
}

/// The usage events as compact records for the adoption KPIs: built once per calculator, read by every report.
///
/// Records are ordered by account, then by day (events of one day in any order), so that a report walks one account
/// at a time, skips the accounts outside its segment, and counts distinct users, user-days and features with "last
/// seen" stamps instead of sets. The log has already interned user ids and event names, so this is a counting sort.
struct UsageTable: Sendable {
    /// The records of account `a` are `offsets[a] ..< offsets[a + 1]`.
    let offsets: [Int]
    let records: [UsageRecord]
    /// Every event name in the dataset, by index, in order of first appearance.
    let names: [String]
    /// The number of distinct (account, user_id) pairs.
    let userCount: Int

    init(log: UsageLog, accountCount: Int) {
        let n = log.count
        var offsets = [Int](repeating: 0, count: accountCount + 1)
        for a in log.accounts { offsets[Int(a) + 1] += 1 }
        for a in 0..<accountCount { offsets[a + 1] += offsets[a] }
        var next = offsets
        // A stable counting sort by account: a log in time order (as trackers export) leaves each account in day order.
        var records = [UsageRecord](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n {
                let a = Int(log.accounts[i])
                let seconds = log.durations[i]
                buffer[next[a]] = UsageRecord(
                    day: Int32(clamping: floorDiv(log.times[i], 86_400)), user: log.users[i], name: log.nameIndices[i],
                    seconds: seconds.isNaN ? 0 : Float(seconds))
                next[a] += 1
            }
            initialized = n
        }
        records.withUnsafeMutableBufferPointer { records in
            for a in 0..<accountCount {
                let range = offsets[a]..<offsets[a + 1]
                if range.dropFirst().contains(where: { records[$0].day < records[$0 - 1].day }) {
                    records[range].sort { $0.day < $1.day }
                }
            }
        }
        self.offsets = offsets
        self.records = records
        self.names = log.names
        self.userCount = log.userIDs.count
    }
}
