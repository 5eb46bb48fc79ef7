import Dispatch
import Foundation
import VitalsCore

/// The fast path for usage_events.csv, which holds most of a dataset's rows (20 million on the benchmark).
///
/// Reads the file in blocks (so it is never held whole), splits each block at line ends into one piece per core,
/// and decodes the pieces in parallel straight from bytes into `UsageLog`s that are then appended in file order.
/// The checks and messages are those of the general reader (`RecordReader.readUsageEvent`). It applies only to plain
/// files: no quotes anywhere, no columns beyond the canonical ones, and accounts declared in accounts.csv. Otherwise
/// `read` returns `nil`, and the general reader takes the file.
struct UsageEventsFastCSV {
    static let blockSize = 32 << 20

    /// A problem found in a piece, at a line counted from the piece's first line.
    struct Problem {
        var line: Int
        var column: String
        var reason: String
    }

    /// What one piece decoded.
    struct Piece {
        var log = UsageLog()
        /// The line of each event, counted from the piece's first line.
        var lines: [Int32] = []
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
    static func decode(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, layout: Layout, accounts: StringInterner,
        expectedEvents: Int, into piece: inout Piece
    ) {
        piece.log.removeAllKeepingCapacity()
        piece.lines.removeAll(keepingCapacity: true)
        piece.problems.removeAll()
        piece.lineCount = 0
        piece.log.reserveCapacity(expectedEvents)
        piece.lines.reserveCapacity(expectedEvents)
        var starts = [Int](repeating: 0, count: layout.count)
        var ends = [Int](repeating: 0, count: layout.count)
        var p = range.lowerBound
        let end = range.upperBound
        var line = -1
        while p < end {
            line += 1
            // Split the line at commas.
            var field = 0
            starts[0] = p
            var q = p
            while q < end {
                let b = buffer[q]
                if b == 0x0A { break }
                if b == 0x2C {
                    if field < layout.count { ends[field] = q }
                    field += 1
                    if field < layout.count { starts[field] = q + 1 }
                }
                q += 1
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
                if let index = accounts.find(bytes) {
                    account = index
                } else {
                    fail("account_id", "unknown account '\(String(decoding: bytes, as: UTF8.self))' (not in accounts.csv)")
                }
            } else {
                fail("account_id", "a value is required")
            }
            var at = Timestamp(seconds: 0)
            if let bytes = text(layout.occurredAt) {
                do throws(Timestamp.ParseError) { at = try Timestamp.parse(utf8: bytes) } catch {
                    fail("occurred_at", error.description)
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
            if user == nil { fail("user_id", "a value is required") }
            if event == nil { fail("event", "a value is required") }
            guard !failed, let id, let user, let event else { continue }
            piece.log.append(
                id: id, account: AccountIndex(Int(account)), user: user, event: event, occurredAt: at,
                durationSeconds: duration)
            piece.lines.append(Int32(truncatingIfNeeded: line))
        }
        piece.lineCount = line + 1
    }
}

/// What the fast path read from a whole file: the events, the line of each, and the problems, in file order.
struct FastUsageRead: Sendable {
    var events = UsageLog()
    var lines: [Int32] = []
    var problems: [(line: Int, column: String, reason: String)] = []
}

extension UsageEventsFastCSV {
    /// Reads usage_events.csv at `path`; `nil` where the fast path does not apply (the file is then read by the
    /// general reader). Touches nothing but the file, so it can run beside the reading of the other files.
    static func read(path: String, accounts: StringInterner, blockSize: Int = blockSize) -> FastUsageRead? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let fileSize = Int(info.st_size)
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

        var result = FastUsageRead()
        var layout: Layout?
        var nextLine = 1
        // One buffer for the whole file: the unread tail of a block moves to its front before the next read.
        var buffer = [UInt8](repeating: 0, count: max(blockSize, 64))
        var kept = 0
        var atEnd = false
        var decoded: [Piece] = []
        while !atEnd {
            var filled = kept
            while filled < buffer.count {
                let got = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else { return nil }
                if got == 0 {
                    atEnd = true
                    break
                }
                filled += got
            }
            if !atEnd && filled == buffer.count && kept == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))  // a line longer than the buffer
                continue
            }
            var ok = true
            kept = 0
            buffer.withUnsafeBufferPointer { whole in
                let block = UnsafeBufferPointer(rebasing: whole[0..<filled])
                guard block.count > 0 else { return }
                if memchr(block.baseAddress!, 0x22, block.count) != nil {  // quotes: the general reader
                    ok = false
                    return
                }
                var start = 0
                if layout == nil {
                    if block.count >= 3 && block[0] == 0xEF && block[1] == 0xBB && block[2] == 0xBF { start = 3 }
                    guard let newline = block[start...].firstIndex(of: 0x0A) else {
                        ok = false  // a header only, or a header longer than a block: the general reader
                        return
                    }
                    var header = String(decoding: UnsafeBufferPointer(rebasing: block[start..<newline]), as: UTF8.self)
                    if header.hasSuffix("\r") { header.removeLast() }
                    guard let found = Layout(header: header) else {
                        ok = false
                        return
                    }
                    layout = found
                    let sampleLines = max(1, block[newline...].lazy.filter { $0 == 0x0A }.count)
                    let expected = fileSize / max(16, (block.count - newline) / sampleLines) + 1024
                    result.events.reserveCapacity(expected, idBytesPerEvent: 16)
                    result.lines.reserveCapacity(expected)
                    start = newline + 1
                    nextLine = 2
                }
                // Whole lines only; the tail waits for the next block.
                var end = block.count
                if !atEnd {
                    guard let last = block[start...].lastIndex(of: 0x0A) else {
                        kept = block.count - start
                        return
                    }
                    end = last + 1
                }
                kept = block.count - end
                guard end > start, let layout else { return }
                let pieces = split(block, start..<end, into: end - start < 1 << 16 ? 1 : cores)
                // The pieces are kept from block to block, so their memory is reused rather than faulted in anew.
                while decoded.count < pieces.count { decoded.append(Piece()) }
                decoded.withUnsafeMutableBufferPointer { decoded in
                    nonisolated(unsafe) let output = decoded  // iteration k writes only element k
                    nonisolated(unsafe) let input = block
                    DispatchQueue.concurrentPerform(iterations: pieces.count) { k in
                        decode(
                            input, pieces[k], layout: layout, accounts: accounts, expectedEvents: pieces[k].count / 64,
                            into: &output[k])
                    }
                }
                for piece in decoded.prefix(pieces.count) {
                    result.events.append(contentsOf: piece.log)
                    // Copied, then offset in place (appending a lazy map goes element by element).
                    let first = result.lines.count
                    let offset = Int32(truncatingIfNeeded: nextLine)
                    result.lines.append(contentsOf: piece.lines)
                    result.lines.withUnsafeMutableBufferPointer { lines in
                        for i in first..<lines.count { lines[i] += offset }
                    }
                    for problem in piece.problems {
                        result.problems.append((nextLine + problem.line, problem.column, problem.reason))
                    }
                    nextLine += piece.lineCount
                }
            }
            guard ok else { return nil }
            if kept > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + (filled - kept), byteCount: kept)
                }
            }
        }
        return layout == nil ? nil : result
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
    /// Takes in what the fast path read from usage_events.csv.
    mutating func apply(_ read: FastUsageRead) {
        dataset.usageEvents.append(contentsOf: read.events)
        usageSources.append(("usage_events.csv", read.lines))
        for problem in read.problems { log.add("usage_events.csv", problem.line, problem.column, problem.reason) }
    }
}
