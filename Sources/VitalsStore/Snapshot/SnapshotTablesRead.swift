import Foundation
import VitalsCore

extension SnapshotTables {
    /// What one job of the decode gives: a record section, one usage column, or the rest of the usage section.
    enum Part: Sendable {
        case accounts(Dataset)
        /// The records of a kind, as the change that puts them into the dataset.
        case records(@Sendable (inout Dataset) -> Void)
        /// An index column of the usage events, with its least and greatest value (checked once all is read).
        case indices([Int32], min: Int32, max: Int32)
        case times([Int64])
        case durations([Double])
        case usageRest(UsageLayout.Rest)
    }

    /// The pieces a snapshot decodes in, each on whichever core is free: each record section, each usage column,
    /// and the usage section's rest.
    enum Job: Sendable {
        case records(RecordKind)
        case usageAccounts, usageUsers, usageNames, usageTimes, usageDurations, usageRest
    }

    /// Decodes the sections that start at `start` of `storage`: the head (currencies and the kinds' fields) first,
    /// then every other section and usage column at the same time. Record sections are read through a window of
    /// `window` bytes (unless the storage lies in memory); the usage columns straight into their arrays.
    static func decode(_ storage: some SnapshotStorage, from start: Int, window: Int) throws(Damaged) -> Dataset {
        var sections: [Range<Int>] = []
        var at = start
        for _ in 0...RecordKind.all.count {
            let length = try storage.fixed(UInt64.self, at: at)
            guard length <= UInt64(storage.count - at - 8) else {
                throw Damaged(description: "a section is longer than the snapshot")
            }
            sections.append((at + 8)..<(at + 8 + Int(length)))
            at += 8 + Int(length)
        }
        guard at == storage.count else { throw Damaged(description: "bytes after the last section") }
        let frozen = sections
        /// The section of a kind (the head is the first).
        @Sendable func range(_ kind: RecordKind) -> Range<Int> {
            frozen[1 + RecordKind.all.firstIndex { $0.id == kind.id }!]
        }

        var head = try SnapshotReader(storage, range: frozen[0], window: 4096)
        var currencies: [CurrencyCode] = []
        for _ in 0..<(try head.count()) {
            let code = try head.string()
            guard let currency = CurrencyCode(code) else { throw Damaged(description: "unknown currency '\(code)'") }
            currencies.append(currency)
        }
        var signature: [String] = []
        for _ in 0..<(try head.count()) { signature.append(try head.string()) }
        guard signature == SnapshotTables.signature, head.isAtEnd else {
            throw Damaged(description: "the snapshot's record kinds are not this build's")
        }
        var peek = try SnapshotReader(storage, range: range(.accounts), window: 16)
        let accountCount = try peek.count()
        let usage = try UsageLayout(storage, range: range(.usageEvents), accountCount: accountCount)

        // Longest first, so that the cores end at about the same time.
        let n = usage.count
        var sized: [(job: Job, bytes: Int)] = [
            (.usageAccounts, 4 * n), (.usageUsers, 4 * n), (.usageNames, usage.nameWidth * n),
            (.usageTimes, usage.timeWidth * n), (.usageDurations, usage.durationWidth * n),
            (.usageRest, usage.rest.count),
        ]
        for kind in RecordKind.all where kind.id != .usageEvents { sized.append((.records(kind), range(kind).count)) }
        let jobs = sized.sorted { $0.bytes > $1.bytes }.map(\.job)
        let slots = UnsafeMutableBufferPointer<Result<Part, Damaged>?>.allocate(capacity: jobs.count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let output = slots  // each job writes only its own slot; all are done when the loop returns
        let frozenCurrencies = currencies
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            output[j] = Result { () throws(Damaged) -> Part in
                switch jobs[j] {
                case .records(let kind):
                    var r = try SnapshotReader(storage, range: range(kind), window: window)
                    let part: Part
                    if kind.id == .accounts {
                        guard let dataset = Dataset(accounts: try readAccounts(&r)) else {
                            throw Damaged(description: "an account id repeats")
                        }
                        part = .accounts(dataset)
                    } else {
                        part = try kind.layout.snapshotPart(&r, currencies: frozenCurrencies, accountCount: accountCount)
                    }
                    guard r.isAtEnd else { throw Damaged(description: "bytes after the \(kind.name) section") }
                    return part
                case .usageAccounts: return try usage.accounts(storage)
                case .usageUsers: return try usage.users(storage)
                case .usageNames: return try usage.names(storage)
                case .usageTimes: return try usage.times(storage)
                case .usageDurations: return try usage.durations(storage)
                case .usageRest: return .usageRest(try usage.rest(storage, window: window))
                }
            }
        }

        var dataset = Dataset()
        var accounts: [Int32] = []
        var users: [Int32] = []
        var names: [Int32] = []
        // Each index column's least and greatest value (Int32.max and Int32.min for no events).
        typealias Bounds = (least: Int32, greatest: Int32)
        var bounds: (accounts: Bounds, users: Bounds, names: Bounds) = ((0, 0), (0, 0), (0, 0))
        var times: [Int64] = []
        var durations: [Double] = []
        var rest: UsageLayout.Rest?
        // The accounts first: the dataset the other parts are put into.
        for j in jobs.indices {
            guard case .accounts(let d) = try slots[j]!.get() else { continue }
            dataset = d
        }
        for (j, job) in jobs.enumerated() {
            switch try slots[j]!.get() {
            case .accounts: break
            case .records(let put): put(&dataset)
            case .indices(let column, let least, let greatest):
                switch job {
                case .usageAccounts: (accounts, bounds.accounts) = (column, (least, greatest))
                case .usageUsers: (users, bounds.users) = (column, (least, greatest))
                default: (names, bounds.names) = (column, (least, greatest))
                }
            case .times(let column): times = column
            case .durations(let column): durations = column
            case .usageRest(let r): rest = r
            }
        }
        guard let rest, usage.count == 0 || (
            bounds.accounts.least >= 0 && Int(bounds.accounts.greatest) < accountCount
                && bounds.users.least >= 0 && Int(bounds.users.greatest) < rest.users.count
                && bounds.names.least >= 0 && Int(bounds.names.greatest) < rest.names.count)
        else { throw Damaged(description: "the usage columns do not fit together") }
        dataset.usageEvents = UsageLog(
            accounts: accounts, users: users, nameIndices: names, times: times, durations: durations,
            properties: rest.properties, userInterner: rest.users, nameInterner: rest.names)
        return dataset
    }
}
