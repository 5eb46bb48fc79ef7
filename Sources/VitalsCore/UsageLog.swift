/// The usage events of a dataset, stored by column.
///
/// A tracker sends tens of millions of events, so each is kept in about 40 bytes with no per-event string: the
/// account, the user (interned with its account: the same user id in two accounts is two users), the event name
/// (interned), the instant, the duration, and the event id's bytes in one arena. Properties (extra columns) are kept
/// only for the events that have any.
///
/// It reads as a collection of `UsageEvent` values, so small callers need not care how it is stored.
public struct UsageLog: Sendable, RandomAccessCollection, MutableCollection {
    public private(set) var accounts: [Int32] = []
    /// Index into `userIDs` / `userAccounts`.
    public private(set) var users: [Int32] = []
    /// Index into `names`.
    public private(set) var nameIndices: [Int32] = []
    /// Seconds since the epoch.
    public private(set) var times: [Int64] = []
    /// `duration_seconds`, NaN when absent.
    public private(set) var durations: [Double] = []
    /// The event ids' UTF-8 bytes back to back; event `i`'s id ends at `idEnds[i]` and starts where `i - 1`'s ends.
    private var idBytes: [UInt8] = []
    private var idEnds: [Int] = []
    /// Whether the log holds its events' ids. A report reads none, so a loader may check them for repeats and then
    /// not keep them (`DatasetLoader`'s `usageEventIDs: .checkedThenDropped`): 21 bytes an event, a third of the log.
    /// Without them, reading an id (`id(at:)`, `withIDBytes`, `columns`, an event through the subscript) is a
    /// programming error and stops the program.
    public private(set) var hasIDs = true
    private var properties: [Int: [String: String]] = [:]

    private var userInterner = StringInterner(expected: 1024)
    private var nameInterner = StringInterner(expected: 64)

    public init() {}

    /// A log holding `events`, in order.
    public init(_ events: some Sequence<UsageEvent>) {
        for event in events { append(event) }
    }

    /// The distinct users' ids, by user index.
    public var userIDs: [String] { userInterner.texts }
    /// The account of each user, by user index.
    public var userAccounts: [Int32] { userInterner.tags }
    /// The distinct event names, by name index, in order of first appearance.
    public var names: [String] { nameInterner.texts }

    public var startIndex: Int { 0 }
    public var endIndex: Int { accounts.count }

    public subscript(position: Int) -> UsageEvent {
        get {
            requireIDs()
            let duration = durations[position]
            return UsageEvent(
                id: UsageEventID(id(at: position)), account: AccountIndex(Int(accounts[position])),
                user: UserID(userInterner.texts[Int(users[position])]), event: nameInterner.texts[Int(nameIndices[position])],
                occurredAt: Timestamp(seconds: times[position]), durationSeconds: duration.isNaN ? nil : duration,
                properties: properties[position] ?? [:])
        }
        set {
            requireIDs()
            let old = idRange(position)
            let newID = Array(newValue.id.rawValue.utf8)
            idBytes.replaceSubrange(old, with: newID)
            if newID.count != old.count {
                for k in position..<idEnds.count { idEnds[k] += newID.count - old.count }
            }
            accounts[position] = newValue.account.value
            users[position] = userInterner.index(of: newValue.user.rawValue, tag: newValue.account.value)
            nameIndices[position] = nameInterner.index(of: newValue.event)
            times[position] = newValue.occurredAt.seconds
            durations[position] = newValue.durationSeconds ?? .nan
            properties[position] = newValue.properties.isEmpty ? nil : newValue.properties
        }
    }

    /// Swaps two events (the ids keep their bytes in the arena; only the columns and the id ranges move).
    public mutating func swapAt(_ i: Int, _ j: Int) {
        guard i != j else { return }
        let a = self[i]
        let b = self[j]
        self[i] = b
        self[j] = a
    }

    public mutating func append(_ event: UsageEvent) {
        requireIDs()
        var id = event.id.rawValue
        let user = userInterner.index(of: event.user.rawValue, tag: event.account.value)
        let name = nameInterner.index(of: event.event)
        id.withUTF8 { idBytes.append(contentsOf: $0) }
        append(
            account: event.account.value, user: user, name: name, time: event.occurredAt.seconds,
            duration: event.durationSeconds ?? .nan, properties: event.properties)
    }

    /// Appends an event given as raw UTF-8 fields, interning the user and event name without building strings for
    /// the ones already seen: the importer's fast path.
    package mutating func append(
        id: UnsafeBufferPointer<UInt8>, account: AccountIndex, user: UnsafeBufferPointer<UInt8>,
        event: UnsafeBufferPointer<UInt8>, occurredAt: Timestamp, durationSeconds: Double?,
        properties: [String: String] = [:]
    ) {
        requireIDs()
        let userIndex = userInterner.index(of: user, tag: account.value)
        let name = nameInterner.index(of: event)
        idBytes.append(contentsOf: id)
        append(
            account: account.value, user: userIndex, name: name, time: occurredAt.seconds,
            duration: durationSeconds ?? .nan, properties: properties)
    }

    private mutating func append(
        account: Int32, user: Int32, name: Int32, time: Int64, duration: Double, properties: [String: String]
    ) {
        idEnds.append(idBytes.count)
        accounts.append(account)
        users.append(user)
        nameIndices.append(name)
        times.append(time)
        durations.append(duration)
        if !properties.isEmpty { self.properties[accounts.count - 1] = properties }
    }

    /// Appends every event of `other`, mapping its users and event names onto this log's.
    public mutating func append(contentsOf other: UsageLog) {
        guard !other.isEmpty else { return }
        if isEmpty && (idBytes.capacity < other.idBytes.count || !other.hasIDs) {
            let keepIDs = hasIDs
            self = other
            if !keepIDs { dropIDs() }
            return
        }
        // A log without ids takes the events of one with ids without them; the other way round would leave some
        // events without an id.
        other.requireIDs(unless: !hasIDs)
        let userMap = other.userInterner.texts.indices.map {
            userInterner.index(of: other.userInterner.texts[$0], tag: other.userInterner.tags[$0])
        }
        let nameMap = other.nameInterner.texts.map { nameInterner.index(of: $0) }
        let base = idBytes.count
        let first = count
        accounts.append(contentsOf: other.accounts)
        times.append(contentsOf: other.times)
        durations.append(contentsOf: other.durations)
        if hasIDs { idBytes.append(contentsOf: other.idBytes) }
        // Copied whole, then mapped in place: far faster than appending a lazy map element by element, and this
        // runs for every block of a large file.
        users.append(contentsOf: other.users)
        nameIndices.append(contentsOf: other.nameIndices)
        UsageLog.map(&users, from: first) { userMap[Int($0)] }
        UsageLog.map(&nameIndices, from: first) { nameMap[Int($0)] }
        if hasIDs {
            idEnds.append(contentsOf: other.idEnds)
            UsageLog.map(&idEnds, from: first) { $0 + base }
        }
        for (i, values) in other.properties { properties[first + i] = values }
    }

    /// Appends events given by column: event `k` has account `accounts[k]`, user `users[k]` (an index into
    /// `userInterner`, whose tags are the users' accounts), event name `names[k]` (an index into `nameInterner`),
    /// instant `times[k]`, duration `durations[k]` (NaN when absent) and the id bytes ending at `idEnds[k]` in
    /// `idBytes`. For a reader that decodes parts of a file in parallel into columns of its own.
    /// `ids` is `nil` for a reader that keeps no ids, which only an empty log or one without ids takes.
    package mutating func append(
        accounts: UnsafeBufferPointer<Int32>, users: UnsafeBufferPointer<Int32>, userInterner other: StringInterner,
        names: UnsafeBufferPointer<Int32>, nameInterner otherNames: StringInterner, times: UnsafeBufferPointer<Int64>,
        durations: UnsafeBufferPointer<Double>, ids: (bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>)?
    ) {
        if ids == nil {
            precondition(isEmpty || !hasIDs, "events without ids appended to a usage log with ids")
            hasIDs = false
        } else {
            requireIDs()
        }
        let userMap = other.texts.indices.map { userInterner.index(of: other.texts[$0], tag: other.tags[$0]) }
        let nameMap = otherNames.texts.map { nameInterner.index(of: $0) }
        let base = self.idBytes.count
        let first = count
        self.accounts.append(contentsOf: accounts)
        self.times.append(contentsOf: times)
        self.durations.append(contentsOf: durations)
        self.users.append(contentsOf: users)
        nameIndices.append(contentsOf: names)
        UsageLog.map(&self.users, from: first) { userMap[Int($0)] }
        UsageLog.map(&nameIndices, from: first) { nameMap[Int($0)] }
        if let ids {
            self.idBytes.append(contentsOf: ids.bytes)
            self.idEnds.append(contentsOf: ids.ends)
            UsageLog.map(&self.idEnds, from: first) { $0 + base }
        }
    }

    /// Replaces each element of `values[start...]` by `transform` of it.
    private static func map<T>(_ values: inout [T], from start: Int, _ transform: (T) -> T) {
        values.withUnsafeMutableBufferPointer { buffer in
            for i in start..<buffer.count { buffer[i] = transform(buffer[i]) }
        }
    }

    /// Reserves room for `count` events, and for their ids unless `idBytesPerEvent` is `nil` (a log to be filled
    /// without ids).
    public mutating func reserveCapacity(_ count: Int, idBytesPerEvent: Int? = 16) {
        accounts.reserveCapacity(count)
        users.reserveCapacity(count)
        nameIndices.reserveCapacity(count)
        times.reserveCapacity(count)
        durations.reserveCapacity(count)
        if let idBytesPerEvent {
            idEnds.reserveCapacity(count)
            idBytes.reserveCapacity(count * idBytesPerEvent)
        }
    }

    /// Lets go of the events' ids, once nothing needs them (see `hasIDs`).
    public mutating func dropIDs() {
        idBytes = []
        idEnds = []
        hasIDs = false
    }

    private func requireIDs(unless exempt: Bool = false) {
        precondition(
            hasIDs || exempt,
            "the usage events' ids were not kept (DatasetLoader usageEventIDs: .checkedThenDropped, or a store snapshot)")
    }

    public mutating func removeAll() { self = UsageLog() }

    /// The id of event `i`.
    public func id(at i: Int) -> String {
        requireIDs()
        return idBytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[idRange(i)]), as: UTF8.self) }
    }

    /// Calls `body` with every id's UTF-8 bytes back to back and where each ends: event `i`'s id is
    /// `bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]`. No copy and no string per id, for writers of many events.
    package func withIDBytes<R>(
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int>) throws -> R
    ) rethrows -> R {
        requireIDs()
        return try idBytes.withUnsafeBufferPointer { bytes in try idEnds.withUnsafeBufferPointer { try body(bytes, $0) } }
    }

    /// The properties of event `i` (empty for most).
    public func properties(at i: Int) -> [String: String] { properties[i] ?? [:] }

    /// Whether any event has properties.
    public var hasProperties: Bool { !properties.isEmpty }

    private func idRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : idEnds[i - 1])..<idEnds[i] }

    /// The pairs `(duplicate, first)` of events whose id repeats an earlier event's id, in order of `duplicate`.
    /// A large log is searched by `parallelism` threads.
    public func duplicateIDs(parallelism: Int = 1) -> [(duplicate: Int, first: Int)] {
        requireIDs()
        return idBytes.withUnsafeBufferPointer { bytes in
            idEnds.withUnsafeBufferPointer { ends in
                // Unchecked views: called tens of millions of times, and every index comes from `ends` itself.
                func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }
                return DuplicateFinder.find(
                    count: count, parallelism: parallelism,
                    hash: { StringInterner.hash(UnsafeBufferPointer(rebasing: bytes[range($0)])) },
                    same: { bytes[range($0)].elementsEqual(bytes[range($1)]) },
                    precedes: {
                        IDOrder.precedes(UnsafeBufferPointer(rebasing: bytes[range($0)]), UnsafeBufferPointer(rebasing: bytes[range($1)]))
                    })
            }
        }
    }
}

extension UsageLog: CustomStringConvertible {
    /// A summary that reads no id, so that printing a log without ids (a test's failure message) is safe.
    public var description: String {
        "UsageLog(\(count) events, \(userIDs.count) users, \(names.count) event names, ids \(hasIDs ? "kept" : "not kept"))"
    }
}

extension UsageLog: Equatable {
    /// Two logs are equal when they hold the same events in the same order (however they interned them), both with
    /// their ids or both without.
    public static func == (lhs: UsageLog, rhs: UsageLog) -> Bool {
        guard lhs.hasIDs == rhs.hasIDs else { return false }
        if lhs.hasIDs { return lhs.elementsEqual(rhs) }
        let (a, b) = (lhs.userInterner.texts, rhs.userInterner.texts)
        let (x, y) = (lhs.nameInterner.texts, rhs.nameInterner.texts)
        return lhs.count == rhs.count && lhs.accounts == rhs.accounts && lhs.times == rhs.times
            && lhs.durations.map(\.bitPattern) == rhs.durations.map(\.bitPattern) && lhs.properties == rhs.properties
            && lhs.indices.allSatisfy { i in
                a[Int(lhs.users[i])] == b[Int(rhs.users[i])] && x[Int(lhs.nameIndices[i])] == y[Int(rhs.nameIndices[i])]
            }
    }
}

extension UsageLog {
    /// A log's storage, column by column: what a snapshot of the store writes and reads back without visiting events
    /// one by one. `userIDs[u]` belongs to account `userAccounts[u]`; `idEnds[i]` is where event `i`'s id ends in
    /// `idBytes`; `properties` holds the events that have any, by position.
    public struct Columns: Sendable, Equatable {
        public var accounts: [Int32]
        public var users: [Int32]
        public var nameIndices: [Int32]
        public var times: [Int64]
        public var durations: [Double]
        public var idBytes: [UInt8]
        public var idEnds: [Int]
        public var properties: [Int: [String: String]]
        public var userIDs: [String]
        public var userAccounts: [Int32]
        public var names: [String]
        /// Whether the events' ids are in `idBytes` and `idEnds` (else both are empty).
        public var hasIDs: Bool

        public init(
            accounts: [Int32], users: [Int32], nameIndices: [Int32], times: [Int64], durations: [Double],
            idBytes: [UInt8], idEnds: [Int], properties: [Int: [String: String]], userIDs: [String],
            userAccounts: [Int32], names: [String], hasIDs: Bool = true
        ) {
            self.hasIDs = hasIDs
            self.accounts = accounts
            self.users = users
            self.nameIndices = nameIndices
            self.times = times
            self.durations = durations
            self.idBytes = idBytes
            self.idEnds = idEnds
            self.properties = properties
            self.userIDs = userIDs
            self.userAccounts = userAccounts
            self.names = names
        }

        /// Durations compare bit for bit, so that two absent ones (NaN) are equal.
        public static func == (a: Columns, b: Columns) -> Bool {
            a.accounts == b.accounts && a.users == b.users && a.nameIndices == b.nameIndices && a.times == b.times
                && a.durations.map(\.bitPattern) == b.durations.map(\.bitPattern) && a.idBytes == b.idBytes
                && a.idEnds == b.idEnds && a.properties == b.properties && a.userIDs == b.userIDs
                && a.userAccounts == b.userAccounts && a.names == b.names && a.hasIDs == b.hasIDs
        }
    }

    /// The log's columns (without ids for a log without them).
    public var columns: Columns {
        Columns(
            accounts: accounts, users: users, nameIndices: nameIndices, times: times, durations: durations,
            idBytes: idBytes, idEnds: idEnds, properties: properties, userIDs: userInterner.texts,
            userAccounts: userInterner.tags, names: nameInterner.texts, hasIDs: hasIDs)
    }

    /// The log of the given event columns, id-less, whose users (texts with their accounts as tags) and event names
    /// are already interned, in the order the columns' indices refer to: what a reader passes that interned them on
    /// a thread of its own while other threads read the columns. Indices must be in range, as for `init(columns:)`.
    public init(
        accounts: [Int32], users: [Int32], nameIndices: [Int32], times: [Int64], durations: [Double],
        properties: [Int: [String: String]], userInterner: StringInterner, nameInterner: StringInterner
    ) {
        precondition(
            [users.count, nameIndices.count, times.count, durations.count].allSatisfy { $0 == accounts.count },
            "inconsistent usage log columns")
        hasIDs = false
        self.accounts = accounts
        self.users = users
        self.nameIndices = nameIndices
        self.times = times
        self.durations = durations
        idBytes = []
        idEnds = []
        self.properties = properties
        self.userInterner = userInterner
        self.nameInterner = nameInterner
    }

    /// The log whose columns are `columns`, which must be consistent (every index in range, one user per id and
    /// account, one name per text), as `columns` of a log gives them.
    public init(columns c: Columns) {
        precondition(
            [c.users.count, c.nameIndices.count, c.times.count, c.durations.count].allSatisfy { $0 == c.accounts.count }
                && (c.hasIDs ? c.idEnds.count == c.accounts.count : c.idEnds.isEmpty && c.idBytes.isEmpty)
                && c.userIDs.count == c.userAccounts.count,
            "inconsistent usage log columns")
        hasIDs = c.hasIDs
        accounts = c.accounts
        users = c.users
        nameIndices = c.nameIndices
        times = c.times
        durations = c.durations
        idBytes = c.idBytes
        idEnds = c.idEnds
        properties = c.properties
        userInterner = StringInterner(texts: c.userIDs, tags: c.userAccounts)
        nameInterner = StringInterner(expected: c.names.count)
        for name in c.names { _ = nameInterner.index(of: name) }
    }
}
