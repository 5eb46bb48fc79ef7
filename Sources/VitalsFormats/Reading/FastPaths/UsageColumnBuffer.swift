import VitalsCore

/// The events one piece of usage_events.csv decoded, by column, in memory kept from block to block.
///
/// Written through plain pointers, one store per column and event: appending to a `UsageLog`'s arrays instead costs
/// a uniqueness and a capacity check per column and event, about half a second on 20 million events. The columns
/// grow when full, so `reset`'s sizes are a hint, not a bound. A struct (a class's stored properties are checked for
/// exclusive access at run time, on every event) whose memory its owner frees with `deallocate()`.
///
/// Without ids (`keepsIDs` false, for a load that checks them and drops them) it keeps instead where each id lies in
/// the block being decoded, and whether the ids are in strictly ascending order (then none can repeat); their 64-bit
/// hashes are computed only when needed (`hashIDs`, `appendHashes`), as most files' ids ascend.
struct UsageColumnBuffer {
    private(set) var count = 0
    private(set) var capacity = 0
    private(set) var accounts = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private(set) var users = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private(set) var names = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private(set) var times = UnsafeMutablePointer<Int64>.allocate(capacity: 0)
    private(set) var durations = UnsafeMutablePointer<Double>.allocate(capacity: 0)
    private(set) var idEnds = UnsafeMutablePointer<Int>.allocate(capacity: 0)
    private var idRefs = UnsafeMutablePointer<UnsafeBufferPointer<UInt8>>.allocate(capacity: 0)
    private var idHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private var hashed = false
    private(set) var keepsIDs = true
    /// Without ids: whether each id sorted strictly after the one before; and the first and last ids, pointers into
    /// the block being decoded (valid until its bytes are let go).
    private(set) var ascending = true
    private(set) var firstID: UnsafeBufferPointer<UInt8>?
    private(set) var lastID: UnsafeBufferPointer<UInt8>?
    /// Hashes every id to the same value: a test's way to make ids collide.
    var collidingHashes = false
    /// Where a run of events on consecutive lines starts: the event and its line, counted from the piece's first
    /// line (a new run starts after a blank line or a row with a problem).
    private(set) var lineRuns: [(event: Int, line: Int)] = []
    private var lastLine = -1
    private(set) var idBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 0)
    private(set) var idByteCount = 0
    private var idByteCapacity = 0
    /// The users (tagged with their account) and event names of this piece; the columns hold indices into them.
    var userInterner = StringInterner(expected: 1024)
    var nameInterner = StringInterner(expected: 64)

    /// Empties the buffer, keeping its memory, with room for at least `events` events and `idBytes` bytes of ids.
    mutating func reset(events: Int, idBytes bytes: Int, keepIDs: Bool) {
        keepsIDs = keepIDs
        hashed = false
        ascending = true
        firstID = nil
        lastID = nil
        count = 0
        idByteCount = 0
        lineRuns.removeAll(keepingCapacity: true)
        lastLine = -1
        userInterner = StringInterner(expected: 1024)
        nameInterner = StringInterner(expected: 64)
        if events > capacity { grow(events: events) }
        if keepIDs && bytes > idByteCapacity { grow(idBytes: bytes) }
    }

    @inline(__always)
    mutating func append(
        id: UnsafeBufferPointer<UInt8>, account: Int32, user: Int32, name: Int32, time: Int64, duration: Double,
        line: Int
    ) {
        if count == capacity { grow(events: 2 * capacity + 1024) }
        if keepsIDs {
            if idByteCount + id.count > idByteCapacity { grow(idBytes: 2 * idByteCapacity + id.count + 4096) }
            (idBytes + idByteCount).update(from: id.baseAddress!, count: id.count)
            idByteCount += id.count
            idEnds[count] = idByteCount
        } else {
            idRefs[count] = id
            if let lastID {
                if ascending && !IDOrder.precedes(lastID, id) { ascending = false }
            } else {
                firstID = id
            }
            lastID = id
        }
        accounts[count] = account
        users[count] = user
        names[count] = name
        times[count] = time
        durations[count] = duration
        if count == 0 || line != lastLine &+ 1 { lineRuns.append((count, line)) }
        lastLine = line
        count += 1
    }

    private mutating func grow(events: Int) {
        func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: events)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            return new
        }
        accounts = moved(accounts)
        users = moved(users)
        names = moved(names)
        times = moved(times)
        durations = moved(durations)
        idEnds = moved(idEnds)
        idRefs = moved(idRefs)
        idHashes = moved(idHashes)
        capacity = events
    }

    private mutating func grow(idBytes bytes: Int) {
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
        new.moveInitialize(from: idBytes, count: idByteCount)
        idBytes.deallocate()
        idBytes = new
        idByteCapacity = bytes
    }

    /// Appends the buffer's events to `log`, mapping its users and event names onto the log's.
    func append(to log: inout UsageLog) {
        log.append(
            accounts: UnsafeBufferPointer(start: accounts, count: count), users: UnsafeBufferPointer(start: users, count: count),
            userInterner: userInterner, names: UnsafeBufferPointer(start: names, count: count), nameInterner: nameInterner,
            times: UnsafeBufferPointer(start: times, count: count),
            durations: UnsafeBufferPointer(start: durations, count: count),
            ids: keepsIDs
                ? (UnsafeBufferPointer(start: idBytes, count: idByteCount), UnsafeBufferPointer(start: idEnds, count: count))
                : nil)
    }

    /// Computes the ids' hashes (without ids kept), from the block the buffer was decoded from: before its bytes
    /// are let go. For a decoder that finds its ids out of order and so knows they will be needed.
    mutating func hashIDs() {
        guard !keepsIDs else { return }
        for k in 0..<count { idHashes[k] = hash(idRefs[k]) }
        hashed = true
    }

    /// Appends the ids' hashes (without ids kept) to `hashes`, computing those not yet computed: before the block's
    /// bytes are let go.
    func appendHashes(to hashes: inout [UInt64]) {
        guard !keepsIDs else { return }
        if hashed {
            hashes.append(contentsOf: UnsafeBufferPointer(start: idHashes, count: count))
        } else {
            for k in 0..<count { hashes.append(hash(idRefs[k])) }
        }
    }

    private func hash(_ id: UnsafeBufferPointer<UInt8>) -> UInt64 { collidingHashes ? 0 : StringInterner.hash(id) }

    /// Frees the memory; the buffer must not be used after.
    func deallocate() {
        for pointer in [UnsafeMutableRawPointer(accounts), UnsafeMutableRawPointer(users), UnsafeMutableRawPointer(names),
            UnsafeMutableRawPointer(times), UnsafeMutableRawPointer(durations), UnsafeMutableRawPointer(idEnds),
            UnsafeMutableRawPointer(idRefs), UnsafeMutableRawPointer(idHashes), UnsafeMutableRawPointer(idBytes)]
        {
            pointer.deallocate()
        }
    }
}
