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
/// A log already in that order (exports list an account's events together, in time order) is not copied: its
/// columns are read in place.
struct UsageTable: Sendable {
    /// The records of account `a` are `offsets[a] ..< offsets[a + 1]`.
    let offsets: [Int]
    let records: UsageRecords
    /// Every event name in the dataset, by index, in order of first appearance.
    let names: [String]
    /// The number of distinct (account, user_id) pairs.
    let userCount: Int

    init(log: UsageLog, accountCount: Int) {
        let n = log.count
        var offsets = [Int](repeating: 0, count: accountCount + 1)
        for a in log.accounts { offsets[Int(a) + 1] += 1 }
        for a in 0..<accountCount { offsets[a + 1] += offsets[a] }
        self.offsets = offsets
        self.names = log.names
        self.userCount = log.userIDs.count
        if UsageTable.isOrdered(log) {
            records = UsageRecords(storage: .log(log), count: n)
            return
        }
        var next = offsets
        // A stable counting sort by account: a log in time order (as trackers export) leaves each account in day order.
        var copied = [UsageRecord](unsafeUninitializedCapacity: n) { buffer, initialized in
            for i in 0..<n {
                let a = Int(log.accounts[i])
                buffer[next[a]] = UsageRecord(log, i)
                next[a] += 1
            }
            initialized = n
        }
        copied.withUnsafeMutableBufferPointer { records in
            for a in 0..<accountCount {
                let range = offsets[a]..<offsets[a + 1]
                if range.dropFirst().contains(where: { records[$0].day < records[$0 - 1].day }) {
                    records[range].sort { $0.day < $1.day }
                }
            }
        }
        records = UsageRecords(storage: .copied(copied), count: n)
    }

    /// Whether the log lists accounts in index order, each one's events together and by day: the order of the table.
    private static func isOrdered(_ log: UsageLog) -> Bool {
        log.accounts.withUnsafeBufferPointer { accounts in
            log.times.withUnsafeBufferPointer { times in
                var previous = (account: Int32.min, day: Int64.min)
                for i in 0..<accounts.count {
                    let current = (account: accounts[i], day: floorDiv(times[i], 86_400))
                    if current.account < previous.account || (current.account == previous.account && current.day < previous.day) {
                        return false
                    }
                    previous = current
                }
                return true
            }
        }
    }
}

extension UsageRecord {
    /// Event `i` of `log` as a record.
    @inline(__always)
    init(_ log: UsageLog, _ i: Int) {
        let seconds = log.durations[i]
        self.init(
            day: Int32(clamping: floorDiv(log.times[i], 86_400)), user: log.users[i], name: log.nameIndices[i],
            seconds: seconds.isNaN ? 0 : Float(seconds))
    }
}

/// A `UsageTable`'s records in table order: a copy of the log's events, or the log itself when it is in that order.
struct UsageRecords: RandomAccessCollection, Sendable {
    enum Storage: Sendable {
        case copied([UsageRecord])
        case log(UsageLog)
    }

    let storage: Storage
    let count: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> UsageRecord {
        switch storage {
        case .copied(let records): records[i]
        case .log(let log): UsageRecord(log, i)
        }
    }

    /// Calls `body` with the records read through plain pointers, for hot loops (the caller's generic code is then
    /// specialized for each storage).
    func withReader<R>(copied: (CopiedRecords) -> R, log: (LogRecords) -> R) -> R {
        switch storage {
        case .copied(let records):
            return records.withUnsafeBufferPointer { copied(CopiedRecords(records: $0)) }
        case .log(let events):
            return events.times.withUnsafeBufferPointer { times in
                events.users.withUnsafeBufferPointer { users in
                    events.nameIndices.withUnsafeBufferPointer { names in
                        events.durations.withUnsafeBufferPointer { durations in
                            log(LogRecords(times: times, users: users, names: names, durations: durations))
                        }
                    }
                }
            }
        }
    }
}

/// Reads usage records by position without bounds checks: every position comes from `UsageTable.offsets`.
protocol UsageRecordReader {
    func day(_ i: Int) -> Int32
    func user(_ i: Int) -> Int32
    func name(_ i: Int) -> Int32
    func seconds(_ i: Int) -> Float
}

struct CopiedRecords: UsageRecordReader {
    let records: UnsafeBufferPointer<UsageRecord>
    @inline(__always) func day(_ i: Int) -> Int32 { records[i].day }
    @inline(__always) func user(_ i: Int) -> Int32 { records[i].user }
    @inline(__always) func name(_ i: Int) -> Int32 { records[i].name }
    @inline(__always) func seconds(_ i: Int) -> Float { records[i].seconds }
}

/// The columns of a log in table order, converted as `UsageRecord(_:_:)` does.
struct LogRecords: UsageRecordReader {
    let times: UnsafeBufferPointer<Int64>
    let users: UnsafeBufferPointer<Int32>
    let names: UnsafeBufferPointer<Int32>
    let durations: UnsafeBufferPointer<Double>
    @inline(__always) func day(_ i: Int) -> Int32 { Int32(clamping: floorDiv(times[i], 86_400)) }
    @inline(__always) func user(_ i: Int) -> Int32 { users[i] }
    @inline(__always) func name(_ i: Int) -> Int32 { names[i] }
    @inline(__always) func seconds(_ i: Int) -> Float {
        let seconds = durations[i]
        return seconds.isNaN ? 0 : Float(seconds)
    }
}
