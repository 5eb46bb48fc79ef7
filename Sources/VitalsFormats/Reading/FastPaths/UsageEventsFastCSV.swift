import Dispatch
import Foundation
import VitalsCore

/// The fast path for usage_events.csv, which holds most of a dataset's rows (20 million on the benchmark).
///
/// Maps the file and reads it in blocks (whose pages are let go once read, so it is never resident whole), splits
/// each block at line ends into one piece per core, and decodes the pieces in parallel straight from bytes into
/// column buffers (`UsageColumnBuffer`) that are then appended to one `UsageLog` in file order.
/// The checks and messages are those of the general reader (`RecordReader.readUsageEvent`). It applies only to plain
/// files: no quotes anywhere, no columns beyond the canonical ones, and accounts declared in accounts.csv. Otherwise
/// `read` returns `nil`, and the general reader takes the file.
struct UsageEventsFastCSV {
    static let blockSize = 32 << 20

    /// What the read keeps of the event ids: their bytes, or (`keep` false) what `UsageIDDigest` needs to find
    /// repeats without them. `colliding` gives every id the same hash, so that tests see hash collisions.
    struct IDHandling: Sendable {
        var keep = true
        var colliding = false
    }

    /// A problem found in a piece, at a line counted from the piece's first line.
    struct Problem {
        var line: Int
        var column: String
        var reason: String
    }

    /// What one piece decoded.
    struct Piece {
        /// The events, with the line of each counted from the piece's first line.
        var events = UsageColumnBuffer()
        var problems: [Problem] = []
        /// Lines the piece spans.
        var lineCount = 0
    }

    /// The canonical columns' positions in the header, and how many columns it has.
    struct Layout {
        var id, account, user, event, occurredAt: Int
        var duration: Int?
        var count: Int

        init?(header: String) {
            let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            let canonical = ["event_id", "account_id", "user_id", "event", "occurred_at", "duration_seconds"]
            guard Set(names).count == names.count, names.allSatisfy(canonical.contains),
                let id = names.firstIndex(of: "event_id"), let account = names.firstIndex(of: "account_id"),
                let user = names.firstIndex(of: "user_id"), let event = names.firstIndex(of: "event"),
                let occurredAt = names.firstIndex(of: "occurred_at")
            else { return nil }
            self.id = id
            self.account = account
            self.user = user
            self.event = event
            self.occurredAt = occurredAt
            duration = names.firstIndex(of: "duration_seconds")
            count = names.count
        }
    }

    /// Decodes the rows in `range` of `buffer` (whole lines) into `piece`, emptied first but keeping its memory.
    /// Without `ids.keep`, keeps the ids' hashes instead of their bytes (`UsageColumnBuffer`); `ids.colliding`
    /// makes every hash the same (tests).
    static func decode(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, layout: Layout, accounts: StringInterner,
        expectedEvents: Int, ids: IDHandling = IDHandling(), into piece: inout Piece
    ) {
        piece.events.reset(events: expectedEvents, idBytes: range.count / 4, keepIDs: ids.keep)
        piece.events.collidingHashes = ids.colliding
        piece.problems.removeAll()
        piece.lineCount = 0
        // Field bounds in a scratch buffer rather than arrays: written for every field of tens of millions of rows.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * layout.count) { bounds in
            withUnsafeTemporaryAllocation(
                of: RecentKeys.Entry.self, capacity: RecentKeys.usersKept + RecentKeys.namesKept
            ) { entries in
                // Exports list an account's events together, and an account has a few users: the last account, and
                // the users and event names seen, are remembered, so most rows skip the interners.
                var recent = RecentKeys(storage: entries)
                decode(buffer, range, layout: layout, accounts: accounts, bounds: bounds, recent: &recent, into: &piece)
            }
        }
        // Ids out of order will be checked by their hashes: computed here, in parallel, while the bytes are at hand.
        if !ids.keep && !piece.events.ascending { piece.events.hashIDs() }
    }

    private static func decode(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, layout: Layout, accounts: StringInterner,
        bounds: UnsafeMutableBufferPointer<Int>, recent: inout RecentKeys, into piece: inout Piece
    ) {
        let starts = UnsafeMutableBufferPointer(rebasing: bounds[0..<layout.count])
        let ends = UnsafeMutableBufferPointer(rebasing: bounds[layout.count...])
        let base = buffer.baseAddress!
        var p = range.lowerBound
        let end = range.upperBound
        var line = -1
        var times = TimestampColumnParser()
        while p < end {
            line += 1
            // Split the line at commas: eight bytes at a time while a whole word lies in the range (this runs over
            // every byte of the file, and the rows are short and dense with commas), then byte by byte.
            var field = 0
            starts[0] = p
            var q = p
            @inline(__always) func comma(at position: Int) {
                if field < layout.count { ends[field] = position }
                field += 1
                if field < layout.count { starts[field] = position + 1 }
            }
            scan: do {
                while q + 8 <= end {
                    // The commas before the word's line end, if it has one (no test per comma of which it is).
                    let (commas, lineEnd) = CSVRowScanner.commasBeforeLineEnd(in: UnsafeRawPointer(base + q))
                    var hits = commas
                    while hits != 0 {
                        comma(at: q &+ hits.trailingZeroBitCount &>> 3)
                        hits &= hits &- 1
                    }
                    if let lineEnd {
                        q &+= lineEnd
                        break scan
                    }
                    q &+= 8
                }
                while q < end {
                    let b = buffer[q]
                    if b == 0x0A { break }
                    if b == 0x2C { comma(at: q) }
                    q += 1
                }
            }
            let lineEnd = q
            p = q + 1
            let present = min(field + 1, layout.count)
            ends[present - 1] = lineEnd
            if lineEnd > starts[present - 1] && buffer[lineEnd - 1] == 0x0D { ends[present - 1] -= 1 }
            if field == 0 && ends[0] == starts[0] { continue }  // a blank line

            func text(_ position: Int?) -> UnsafeBufferPointer<UInt8>? {
                guard let position, position < present else { return nil }
                var s = starts[position]
                var e = ends[position]
                while s < e && (buffer[s] == 0x20 || buffer[s] == 0x09) { s += 1 }
                while e > s && (buffer[e - 1] == 0x20 || buffer[e - 1] == 0x09) { e -= 1 }
                return e > s ? UnsafeBufferPointer(rebasing: buffer[s..<e]) : nil
            }
            var failed = false
            func fail(_ column: String, _ reason: String) {
                piece.problems.append(Problem(line: line, column: column, reason: reason))
                failed = true
            }
            var account: Int32 = -1
            if let bytes = text(layout.account) {
                if let index = recent.account(bytes) ?? accounts.find(bytes, hint: recent.accountIndex &+ 1) {
                    account = index
                    recent.remember(account: bytes, index)
                } else {
                    fail("account_id", "unknown account '\(String(decoding: bytes, as: UTF8.self))' (not in accounts.csv)")
                }
            } else {
                fail("account_id", "a value is required")
            }
            var at = Timestamp(seconds: 0)
            if let bytes = text(layout.occurredAt) {
                // The common forms, most often in the month of the row before, inline here (this runs for every one
                // of tens of millions of rows).
                if let common = times.parse(bytes) {
                    at = common
                } else {
                    do throws(Timestamp.ParseError) { at = try Timestamp.parse(utf8: bytes) } catch {
                        fail("occurred_at", error.description)
                    }
                }
            } else {
                fail("occurred_at", "a value is required")
            }
            var duration: Double?
            if let bytes = text(layout.duration) {
                duration = FastNumber.parse(bytes)
                if let seconds = duration {
                    if seconds < 0 { fail("duration_seconds", "must not be negative") }
                } else {
                    fail("duration_seconds", "'\(String(decoding: bytes, as: UTF8.self))' is not a number")
                }
            }
            let id = text(layout.id)
            let user = text(layout.user)
            let event = text(layout.event)
            if id == nil { fail("event_id", "a value is required") }
            if let id, hasControlCharacter(id) { fail("event_id", "must not contain control characters") }
            if user == nil { fail("user_id", "a value is required") }
            if event == nil { fail("event", "a value is required") }
            guard !failed, let id, let user, let event else { continue }
            let userIndex = recent.user(user, of: account, in: &piece.events.userInterner)
            let name = recent.name(event, in: &piece.events.nameInterner)
            piece.events.append(
                id: id, account: account, user: userIndex, name: name,
                time: at.seconds, duration: duration ?? .nan, line: line)
        }
        piece.lineCount = line + 1
    }

    /// The account of the last rows read, and caches of the users and event names seen, as byte ranges of the block
    /// being decoded with their indices.
    ///
    /// The caches are direct-mapped: a hash of the bytes (and, for a user, of the account) picks one entry, which is
    /// checked with one comparison. A scan of the few users of an account, or of the event names, would mispredict
    /// where it stops on most rows, and that cost more than the rest of a row's fields together. A miss (a first
    /// sight, or an entry taken by another key) goes to the interner, which is exact.
    struct RecentKeys {
        /// A byte range of the block with its tag (the account for a user, 0 for a name) and index; `tag` is
        /// `Int32.min` in an empty entry.
        struct Entry {
            var bytes: UnsafeBufferPointer<UInt8>
            var tag: Int32
            var index: Int32
        }

        private var account: UnsafeBufferPointer<UInt8>?
        /// The account's index, -1 before any.
        private(set) var accountIndex: Int32 = -1
        private let users: UnsafeMutableBufferPointer<Entry>
        private let names: UnsafeMutableBufferPointer<Entry>
        static let usersKept = 256
        static let namesKept = 64

        /// Keeps its entries in `storage`, of at least `usersKept + namesKept`, which it initializes (fixed scratch
        /// memory rather than arrays: looked up for every row).
        init(storage: UnsafeMutableBufferPointer<Entry>) {
            let empty = Entry(bytes: UnsafeBufferPointer(start: nil, count: 0), tag: .min, index: -1)
            storage.initialize(repeating: empty)
            users = UnsafeMutableBufferPointer(rebasing: storage[0..<Self.usersKept])
            names = UnsafeMutableBufferPointer(rebasing: storage[Self.usersKept..<(Self.usersKept + Self.namesKept)])
        }

        /// The index of event name `bytes` in `interner`, interned there if new.
        @inline(__always)
        func name(_ bytes: UnsafeBufferPointer<UInt8>, in interner: inout StringInterner) -> Int32 {
            Self.index(bytes, tag: 0, cache: names, interner: &interner)
        }

        /// The index of user `bytes` of account `account` in `interner`, interned there if new.
        @inline(__always)
        func user(_ bytes: UnsafeBufferPointer<UInt8>, of account: Int32, in interner: inout StringInterner) -> Int32 {
            Self.index(bytes, tag: account, cache: users, interner: &interner)
        }

        @inline(__always)
        private static func index(
            _ bytes: UnsafeBufferPointer<UInt8>, tag: Int32, cache: UnsafeMutableBufferPointer<Entry>,
            interner: inout StringInterner
        ) -> Int32 {
            let slot = slot(bytes, tag: tag, count: cache.count)
            let entry = cache[slot]
            if entry.tag == tag && IDOrder.same(entry.bytes, bytes) { return entry.index }
            let index = interner.index(of: bytes, tag: tag)
            cache[slot] = Entry(bytes: bytes, tag: tag, index: index)
            return index
        }

        @inline(__always)
        func account(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
            guard let account, IDOrder.same(account, bytes) else { return nil }
            return accountIndex
        }

        /// Sets the current account.
        @inline(__always)
        mutating func remember(account bytes: UnsafeBufferPointer<UInt8>, _ index: Int32) {
            account = bytes
            accountIndex = index
        }

        /// The entry of `bytes` with `tag` in a cache of `count` entries (a power of two): a hash of the length, the
        /// first and last eight bytes (which overlap when shorter) and the tag.
        @inline(__always)
        private static func slot(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32, count: Int) -> Int {
            let n = bytes.count
            var first: UInt64 = 0
            var last: UInt64 = 0
            if n >= 8 {
                let raw = UnsafeRawPointer(bytes.baseAddress!)
                first = raw.loadUnaligned(as: UInt64.self)
                last = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                let raw = UnsafeRawPointer(bytes.baseAddress!)
                first = UInt64(raw.loadUnaligned(as: UInt32.self))
                last = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else {
                for k in 0..<n { first = first << 8 | UInt64(bytes[k]) }
            }
            var h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &* 0xC2B2_AE3D_27D4_EB4F)
            h ^= UInt64(n) &<< 32 ^ UInt64(UInt32(bitPattern: tag)) &* 0x1656_67B1_9E37_79F9
            h = (h ^ (h &>> 29)) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: h &>> 40) & (count - 1)
        }
    }
}

/// What the fast path read from a whole file: the events, the line of each, and the problems, in file order.
struct FastUsageRead: Sendable {
    var events = UsageLog()
    var lines = LineMap()
    var problems: [(line: Int, column: String, reason: String)] = []
    /// What stands for the ids when they were not kept (`nil` when they were).
    var idDigest: UsageIDDigest?
}

extension UsageEventsFastCSV {
    /// Reads usage_events.csv at `path`; `nil` where the fast path does not apply (the file is then read by the
    /// general reader). Touches nothing but the file, so it can run beside the reading of the other files.
    static func read(
        path: String, accounts: StringInterner, blockSize: Int = blockSize, ids: IDHandling = IDHandling(),
        helpers: UsageDecodeHelpers? = nil
    ) -> FastUsageRead? {
        guard let file = MappedFile(path: path) else { return nil }
        let whole = file.bytes
        let size = whole.count
        let base = whole.baseAddress!
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // More pieces than cores, so that a thread that joins late (the loader's) finds some unclaimed.
        let piecesPerBlock = 2 * cores
        func quoted(_ range: Range<Int>) -> Bool { memchr(base + range.lowerBound, 0x22, range.count) != nil }
        func lineEnd(from offset: Int) -> Int? {
            guard offset < size, let found = memchr(base + offset, 0x0A, size - offset) else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }

        var start = size >= 3 && whole[0] == 0xEF && whole[1] == 0xBB && whole[2] == 0xBF ? 3 : 0
        // A header only, or quotes anywhere (checked block by block below): the general reader.
        guard let newline = lineEnd(from: start), !quoted(0..<newline) else { return nil }
        var header = String(decoding: UnsafeBufferPointer(rebasing: whole[start..<newline]), as: UTF8.self)
        if header.hasSuffix("\r") { header.removeLast() }
        guard let layout = Layout(header: header) else { return nil }
        var result = FastUsageRead()
        let sample = UnsafeBufferPointer(rebasing: whole[newline..<min(size, newline + blockSize)])
        let sampleLines = max(1, sample.lazy.filter { $0 == 0x0A }.count)
        let expected = size / max(16, sample.count / sampleLines) + 1024
        result.events.reserveCapacity(expected, idBytesPerEvent: ids.keep ? 16 : nil)
        if !ids.keep { result.idDigest = UsageIDDigest(expectedCount: expected) }
        start = newline + 1
        var nextLine = 2
        // Three sets of pieces, kept from block to block so that their memory is reused rather than faulted in anew:
        // while one block's pieces are taken into the result on this thread, the next two blocks are decoded into
        // the other sets beside it, so the taking (which cannot be split) leaves no decoding thread waiting.
        let sets = (0..<3).map { _ in UnsafeMutableBufferPointer<Piece>.allocate(capacity: piecesPerBlock) }
        // One `Piece()` each: a piece owns the memory of its columns.
        for set in sets { for k in set.indices { (set.baseAddress! + k).initialize(to: Piece()) } }
        defer {
            for set in sets {
                for piece in set { piece.events.deallocate() }
                set.deinitialize().deallocate()
            }
        }
        /// The next block from `start`, split into pieces; `nil` at the end, `.some(nil)` if it has a quote.
        func block(from start: Int) -> (end: Int, pieces: [Range<Int>])?? {
            guard start < size else { return nil }
            // Whole lines only: a block ends after the first line end at or past `blockSize` bytes.
            var end = min(start + blockSize, size)
            if end < size { end = lineEnd(from: end - 1).map { $0 + 1 } ?? size }
            guard !quoted(start..<end) else { return .some(nil) }
            return (end, split(whole, start..<end, into: end - start < 1 << 16 ? 1 : piecesPerBlock))
        }
        let context = DecodeContext(buffer: whole, layout: layout, accounts: accounts, ids: ids)
        // Blocks ahead of the one being taken in, oldest first, with where the next block starts.
        var ahead: [(work: PieceWork, end: Int)] = []
        var nextStart = start
        var started = 0
        /// Starts decoding the next block, if any, into the set after the last one's; false if it has a quote.
        func startNext() -> Bool {
            guard let next = block(from: nextStart) else { return true }
            guard let next else { return false }
            let work = PieceWork(next.pieces, into: sets[started % sets.count], context: context)
            if let helpers { helpers.publish(work) } else { work.start() }
            ahead.append((work, next.end))
            nextStart = next.end
            started += 1
            return true
        }
        /// The general reader must read the file: once the blocks ahead are decoded (their pieces are written into
        /// the sets, freed on return), nothing.
        func abandon() -> FastUsageRead? {
            for block in ahead {
                block.work.decodeWhileAny()
                _ = block.work.wait()
            }
            return nil
        }
        for _ in 1..<sets.count where !startNext() { return abandon() }
        while !ahead.isEmpty {
            // This block's pieces, decoded by whichever threads were free (this one too, once the block before was
            // taken in).
            let (decoding, end) = ahead.removeFirst()
            decoding.decodeWhileAny()
            let decoded = decoding.wait()
            // Another block starts decoding (in the set of the block before this one, which was taken in) while
            // this one is taken in, so the decoding threads are not left waiting for the taking, which cannot be
            // split.
            guard startNext() else { return abandon() }
            // The digest compares ids in the block's bytes: before they are let go.
            result.idDigest?.add(block: decoded.lazy.map(\.events))
            for piece in decoded {
                piece.events.append(to: &result.events)
                let runs = piece.events.lineRuns
                for (r, run) in runs.enumerated() {
                    let end = r + 1 < runs.count ? runs[r + 1].event : piece.events.count
                    result.lines.append(run: nextLine + run.line, count: end - run.event)
                }
                for problem in piece.problems {
                    result.problems.append((nextLine + problem.line, problem.column, problem.reason))
                }
                nextLine += piece.lineCount
            }
            // The bytes of the block taken in are read no more; the blocks after it may still be decoding.
            file.release(upTo: end)
        }
        return result
    }

    /// Splits whole lines `range` of `buffer` into about `count` ranges that each end after a line end.
    static func split(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into count: Int) -> [Range<Int>] {
        var bounds = [range.lowerBound]
        for k in 1..<max(1, count) {
            var cut = range.lowerBound + range.count * k / count
            guard cut > bounds.last! else { continue }
            while cut < range.upperBound && buffer[cut - 1] != 0x0A { cut += 1 }
            if cut < range.upperBound && cut > bounds.last! { bounds.append(cut) }
        }
        bounds.append(range.upperBound)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }
}

extension RecordReader {
    /// Takes in what the fast path read from usage_events.csv; `reread` reads it again with the ids, when `read`
    /// has none.
    mutating func apply(_ read: FastUsageRead, reread: @escaping () -> UsageLog?) {
        dataset.usageEvents.append(contentsOf: read.events)
        if let digest = read.idDigest { usageIDDigest = (digest, reread) }
        usageSources.append(("usage_events.csv", read.lines))
        for problem in read.problems { log.add("usage_events.csv", problem.line, problem.column, problem.reason) }
    }
}
