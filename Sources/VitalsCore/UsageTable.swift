import Dispatch

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
/// seen" stamps instead of sets. User ids and event names are interned here, once, so reports never touch a string.
/// Interning is the expensive part (about 20 million strings on the benchmark), so large inputs are split into
/// chunks interned in parallel and then merged; the result does not depend on the split.
struct UsageTable: Sendable {
    /// The records of account `a` are `offsets[a] ..< offsets[a + 1]`.
    let offsets: [Int]
    let records: [UsageRecord]
    /// Every event name in the dataset, by index, in order of first appearance.
    let names: [String]
    /// The number of distinct (account, user_id) pairs.
    let userCount: Int

    /// - Parameter chunkLength: events per parallel chunk (at most four chunks); smaller only in tests.
    init(events: [UsageEvent], accountCount: Int, chunkLength: Int = 1 << 20) {
        let n = events.count
        let bounds = UsageTable.chunkBounds(events, chunks: max(1, min(4, n / max(1, chunkLength))))
        let chunkCount = bounds.count - 1
        var chunks = [Chunk?](repeating: nil, count: chunkCount)
        var records = [UsageRecord](unsafeUninitializedCapacity: n) { buffer, initialized in
            events.withUnsafeBufferPointer { events in
                chunks.withUnsafeMutableBufferPointer { chunks in
                    nonisolated(unsafe) let events = events
                    nonisolated(unsafe) let chunks = chunks
                    nonisolated(unsafe) let output = buffer
                    DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                        chunks[c] = Chunk(events, bounds[c]..<bounds[c + 1], accountCount: accountCount, into: output)
                    }
                }
            }
            initialized = n
        }

        // Merge. When every chunk is ordered and no account spans two chunks (data grouped by account), the chunks'
        // users are disjoint and a later chunk's users simply follow the earlier ones; otherwise they are looked up
        // in (or added to) the first chunk's users. Event names are always looked up: they are few.
        var inOrder = true
        var disjoint = true
        for c in 0..<chunkCount {
            inOrder = inOrder && chunks[c]!.inOrder
            guard c > 0, let last = chunks[c - 1]!.last, let first = chunks[c]!.first else { continue }
            if (first.account, first.day) < (last.account, last.day) { inOrder = false }
            if first.account <= last.account { disjoint = false }
        }
        disjoint = disjoint && inOrder
        var users = chunks[0]!.users
        var names = chunks[0]!.names
        var userCount = users.count
        var offsets = [Int](repeating: 0, count: accountCount + 1)
        for c in 0..<chunkCount {
            let chunk = chunks[c]!
            for a in 0..<accountCount { offsets[a + 1] += chunk.counts[a] }
            guard c > 0 else { continue }
            let userBase = Int32(userCount)
            let userMap = disjoint ? [] : chunk.users.texts.indices.map {
                users.index(of: chunk.users.texts[$0], tag: chunk.users.tags[$0])
            }
            userCount = disjoint ? userCount + chunk.users.count : users.count
            let nameMap = chunk.names.texts.map { names.index(of: $0) }
            records.withUnsafeMutableBufferPointer { records in
                for i in bounds[c]..<bounds[c + 1] {
                    let user = records[i].user
                    records[i].user = disjoint ? userBase + user : userMap[Int(user)]
                    records[i].name = nameMap[Int(records[i].name)]
                }
            }
        }
        for a in 0..<accountCount { offsets[a + 1] += offsets[a] }
        if !inOrder { records = UsageTable.sorted(records, events: events, offsets: offsets) }
        self.offsets = offsets
        self.records = records
        self.names = names.texts
        self.userCount = userCount
    }

    /// Where to split `events` into about `chunks` ranges of similar size: each split moves forward to the next change
    /// of account, so that on data grouped by account no account spans two ranges. Returns the range bounds.
    private static func chunkBounds(_ events: [UsageEvent], chunks: Int) -> [Int] {
        let n = events.count
        var bounds = [0]
        for c in 1..<max(1, chunks) {
            var i = max(bounds[bounds.count - 1], n * c / chunks)
            while i > 0 && i < n && events[i].account == events[i - 1].account { i += 1 }
            if i > bounds[bounds.count - 1] && i < n { bounds.append(i) }
        }
        bounds.append(n)
        return bounds
    }

    /// The records ordered by account (a stable counting sort), then by day within each account.
    private static func sorted(_ records: [UsageRecord], events: [UsageEvent], offsets: [Int]) -> [UsageRecord] {
        var order = [Int32](repeating: 0, count: records.count)
        var next = offsets
        events.withUnsafeBufferPointer { events in
            for i in events.indices {
                let a = events[i].account.int
                order[next[a]] = Int32(i)
                next[a] += 1
            }
        }
        for a in 0..<(offsets.count - 1) {
            let range = offsets[a]..<offsets[a + 1]
            if range.dropFirst().contains(where: { records[Int(order[$0])].day < records[Int(order[$0 - 1])].day }) {
                order[range].sort { records[Int($0)].day < records[Int($1)].day }
            }
        }
        return order.map { records[Int($0)] }
    }

    /// The records of one contiguous range of events, with indices local to the chunk.
    private struct Chunk {
        var users = StringInterner(expected: 1024)
        var names = StringInterner()
        /// Events per account.
        var counts: [Int]
        /// Whether the range is ordered by account and then day, and its first and last (account, day).
        var inOrder = true
        var first: (account: Int32, day: Int32)?
        var last: (account: Int32, day: Int32)?

        init(
            _ events: UnsafeBufferPointer<UsageEvent>, _ range: Range<Int>, accountCount: Int,
            into output: UnsafeMutableBufferPointer<UsageRecord>
        ) {
            counts = [Int](repeating: 0, count: accountCount)
            guard !range.isEmpty, let base = events.baseAddress else { return }
            let userOffset = MemoryLayout<UsageEvent>.offset(of: \UsageEvent.user.rawValue)!
            let nameOffset = MemoryLayout<UsageEvent>.offset(of: \UsageEvent.event)!
            // Users are keyed with their account; long names apart, as loaded data often has a separate object per
            // event for a long name, which would never hit and only evict the short ones.
            var knownUsers = StringIdentityCache(size: 1024)
            var knownNames = StringIdentityCache(size: 64)
            var knownLongNames = StringIdentityCache(size: 64)
            var previousAccount: Int32 = -1
            var previousDay = Int32.min
            for i in range {
                let account = events[i].account.value
                let day = Int32(clamping: floorDiv(events[i].occurredAt.seconds, 86_400))
                if account < previousAccount || (account == previousAccount && day < previousDay) { inOrder = false }
                if i == range.lowerBound { first = (account, day) }
                previousAccount = account
                previousDay = day
                counts[Int(account)] += 1

                let raw = UnsafeRawPointer(base + i)
                let userKey = StringIdentityCache.key(at: raw, offset: userOffset)
                var user = knownUsers.value(for: userKey, tag: account)
                if user < 0 {
                    user = users.index(of: events[i].user.rawValue, tag: account)
                    knownUsers.remember(userKey, tag: account, user)
                }
                let nameKey = StringIdentityCache.key(at: raw, offset: nameOffset)
                var name = max(knownNames.value(for: nameKey), knownLongNames.value(for: nameKey))
                if name < 0 {
                    name = names.index(of: events[i].event)
                    if events[i].event.utf8.count <= 15 {
                        knownNames.remember(nameKey, name)
                    } else {
                        knownLongNames.remember(nameKey, name)
                    }
                }
                let seconds = Float(events[i].durationSeconds ?? 0)
                (output.baseAddress! + i).initialize(to: UsageRecord(day: day, user: user, name: name, seconds: seconds))
            }
            last = (previousAccount, previousDay)
        }
    }
}
