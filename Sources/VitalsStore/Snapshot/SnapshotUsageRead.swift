import Foundation
import VitalsCore

extension SnapshotTables {
    /// Where each part of a usage section (`writeUsage`) lies, from its head: every column can then be read on a
    /// thread of its own, straight from the storage into its array.
    struct UsageLayout: Sendable {
        /// The number of events.
        let count: Int
        let accountCount: Int
        let nameWidth: Int
        let timeWidth: Int
        let durationWidth: Int
        /// The instant four-byte times count from.
        let earliest: Int64
        let accountsAt: Int
        let usersAt: Int
        let namesAt: Int
        let timesAt: Int
        let durationsAt: Int
        /// Properties, users and event names.
        let rest: Range<Int>

        /// What follows the columns: the events' properties, and the users and event names their indices refer to,
        /// interned as the log keeps them.
        struct Rest {
            var properties: [Int: [String: String]] = [:]
            var users: StringInterner
            var names: StringInterner
        }

        init(_ storage: some SnapshotStorage, range: Range<Int>, accountCount: Int) throws(Damaged) {
            var r = try SnapshotReader(storage, range: range, window: 64)
            count = Int(clamping: try r.get(UInt64.self))
            nameWidth = Int(try r.get(UInt8.self))
            timeWidth = Int(try r.get(UInt8.self))
            earliest = try r.get(Int64.self)
            durationWidth = Int(try r.get(UInt8.self))
            self.accountCount = accountCount
            let head = 8 + 1 + 1 + 8 + 1
            guard nameWidth == 1 || nameWidth == 4, timeWidth == 4 || timeWidth == 8, durationWidth == 4 || durationWidth == 8
            else { throw Damaged(description: "usage columns of unknown widths") }
            guard count <= (range.count - head) / (4 + 4 + nameWidth + timeWidth + durationWidth) else {
                throw Damaged(description: "the usage columns are longer than their section")
            }
            accountsAt = range.lowerBound + head
            usersAt = accountsAt + 4 * count
            namesAt = usersAt + 4 * count
            timesAt = namesAt + nameWidth * count
            durationsAt = timesAt + timeWidth * count
            rest = (durationsAt + durationWidth * count)..<range.upperBound
        }

        func accounts(_ storage: some SnapshotStorage) throws(Damaged) -> Part {
            try indices(storage, Int32.self, at: accountsAt)
        }

        func users(_ storage: some SnapshotStorage) throws(Damaged) -> Part { try indices(storage, Int32.self, at: usersAt) }

        func names(_ storage: some SnapshotStorage) throws(Damaged) -> Part {
            nameWidth == 1 ? try indices(storage, UInt8.self, at: namesAt) : try indices(storage, Int32.self, at: namesAt)
        }

        /// An index column, with its least and greatest value (checked against the counts once the rest is read).
        private func indices<Stored: FixedWidthInteger & BitwiseCopyable>(
            _ storage: some SnapshotStorage, _: Stored.Type, at offset: Int
        ) throws(Damaged) -> Part {
            var least = Int32.max
            var greatest = Int32.min
            let column = try storage.column(
                Stored.self, count: count, at: offset, as: Int32.self, { Int32(truncatingIfNeeded: $0) },
                inspect: { slice in
                    for value in slice {
                        least = min(least, value)
                        greatest = max(greatest, value)
                    }
                })
            return .indices(column, min: least, max: greatest)
        }

        func times(_ storage: some SnapshotStorage) throws(Damaged) -> Part {
            let earliest = earliest
            return .times(
                timeWidth == 4
                    ? try storage.column(UInt32.self, count: count, at: timesAt, as: Int64.self) { earliest &+ Int64($0) }
                    : try storage.column(Int64.self, count: count, at: timesAt, as: Int64.self) { $0 })
        }

        func durations(_ storage: some SnapshotStorage) throws(Damaged) -> Part {
            .durations(
                durationWidth == 4
                    ? try storage.column(Float.self, count: count, at: durationsAt, as: Double.self) { Double($0) }
                    : try storage.column(Double.self, count: count, at: durationsAt, as: Double.self) { $0 })
        }

        func rest(_ storage: some SnapshotStorage, window: Int) throws(Damaged) -> Rest {
            var r = try SnapshotReader(storage, range: rest, window: window)
            var properties: [Int: [String: String]] = [:]
            for _ in 0..<(try r.count()) {
                let position = try r.count()
                guard position < count else { throw Damaged(description: "properties of event \(position) of \(count)") }
                properties[position] = try r.map()
            }
            let userCount = try r.count()
            var userIDs: [String] = []
            userIDs.reserveCapacity(min(userCount, 1 << 24))
            for _ in 0..<userCount { userIDs.append(try r.string()) }
            let userAccounts = try r.array(Int32.self)
            guard userAccounts.count == userIDs.count,
                !userAccounts.contains(where: { $0 < 0 || Int($0) >= accountCount })
            else { throw Damaged(description: "users without their accounts") }
            // Their lookup table is built if an event is ever appended: a report never needs it.
            let users = StringInterner(texts: userIDs, tags: userAccounts)
            let nameCount = try r.count()
            var names = StringInterner(expected: min(nameCount, 1 << 16))
            for k in 0..<nameCount {
                guard Int(names.index(of: try r.string())) == k else { throw Damaged(description: "an event name repeats") }
            }
            guard r.isAtEnd else { throw Damaged(description: "bytes after the usage section") }
            return Rest(properties: properties, users: users, names: names)
        }
    }
}
