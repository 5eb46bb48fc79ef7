import Foundation

/// Reads what `SnapshotWriter` wrote, front to back: from a buffer in memory, in place, or from a range of a
/// `SnapshotStorage` through a window of its own that is refilled as it is read (so that decoding a section of
/// hundreds of megabytes touches one megabyte of new memory, not a copy of the section). Every length is checked
/// against the end: a damaged snapshot throws `SnapshotReader.Damaged` instead of reading out of bounds.
struct SnapshotReader {
    struct Damaged: Error, CustomStringConvertible {
        var description: String
    }

    /// The buffer a storage's bytes are read into; grown when one value (a long string) does not fit.
    private final class Window {
        var pointer: UnsafeMutableRawPointer
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(byteCount: capacity, alignment: 16)
        }

        deinit { pointer.deallocate() }
    }

    /// The bytes at hand: `base[offset..<end]` is not read yet.
    private var base: UnsafeRawPointer
    private var end: Int
    private var offset = 0
    /// Where more bytes come from (nil for a buffer in memory): `next..<limit` of `storage`, not in the window yet.
    private let storage: (any SnapshotStorage)?
    private var next = 0
    private var limit = 0
    private let window: Window?

    init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have no address: point at a constant instead, never read since `end` is 0.
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = buffer.count
        storage = nil
        window = nil
    }

    /// A reader of `range` of `storage`; `window` is the size of the buffer it reads through, unless the storage lies
    /// in memory.
    init(_ storage: some SnapshotStorage, range: Range<Int>, window: Int = 1 << 20) throws(Damaged) {
        guard range.lowerBound >= 0, range.upperBound <= storage.count else {
            throw Damaged(description: "a section is longer than the snapshot")
        }
        if let memory = storage.contiguous {
            self.init(UnsafeRawBufferPointer(rebasing: memory[range]))
        } else {
            self.init(streaming: storage, range: range, window: window)
        }
    }

    private init(streaming storage: some SnapshotStorage, range: Range<Int>, window: Int) {
        base = UnsafeRawPointer(bitPattern: 1)!
        end = 0
        self.storage = storage
        next = range.lowerBound
        limit = range.upperBound
        self.window = Window(capacity: max(window, 16))
    }

    var isAtEnd: Bool { remaining == 0 }

    var remaining: Int { end - offset + limit - next }

    /// Copies the next `count` bytes to `destination`: what the window holds, then the rest straight from the storage.
    mutating func read(into destination: UnsafeMutableRawPointer, count: Int) throws(Damaged) {
        guard count >= 0, count <= remaining else { throw Damaged(description: "the snapshot ends early") }
        let held = min(count, end - offset)
        if held > 0 { destination.copyMemory(from: base + offset, byteCount: held) }
        offset += held
        if count > held {
            try storage!.read(into: destination + held, count: count - held, at: next)
            next += count - held
        }
    }

    /// The offset in the window of the next `n` bytes, which are then taken.
    @inline(__always)
    private mutating func take(_ n: Int) throws(Damaged) -> Int {
        guard n >= 0 else { throw Damaged(description: "a negative length") }
        if n > end - offset { try refill(toHold: n) }
        defer { offset += n }
        return offset
    }

    /// Moves the unread bytes to the front of the window and reads as many more as fit (at least `n` in all).
    private mutating func refill(toHold n: Int) throws(Damaged) {
        let kept = end - offset
        guard let storage, let window, n - kept <= limit - next else {
            throw Damaged(description: "the snapshot ends early")
        }
        if n > window.capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: max(n, 2 * window.capacity), alignment: 16)
            grown.copyMemory(from: base + offset, byteCount: kept)
            window.pointer.deallocate()
            window.pointer = grown
            window.capacity = max(n, 2 * window.capacity)
        } else if kept > 0 {
            window.pointer.copyMemory(from: base + offset, byteCount: kept)  // regions may overlap: copyMemory is memmove
        }
        let more = min(window.capacity - kept, limit - next)
        try storage.read(into: window.pointer + kept, count: more, at: next)
        next += more
        base = UnsafeRawPointer(window.pointer)
        end = kept + more
        offset = 0
    }

    // Integers only, like the writer's `put`: a plain `T` would let an optional parameter read 9 bytes.
    mutating func get<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type = T.self) throws(Damaged) -> T {
        let at = try take(MemoryLayout<T>.size)  // first: taking may refill the window and move `base`
        return T(littleEndian: base.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    mutating func double() throws(Damaged) -> Double { Double(bitPattern: try get(UInt64.self)) }

    mutating func bool() throws(Damaged) -> Bool {
        switch try get(UInt8.self) {
        case 0: false
        case 1: true
        default: throw Damaged(description: "a flag is neither 0 nor 1")
        }
    }

    mutating func count() throws(Damaged) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try get(UInt8.self)
            guard shift < 63 else { throw Damaged(description: "a count is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard value <= UInt64(Int.max) else { throw Damaged(description: "a count is too large") }
        return Int(value)
    }

    mutating func string() throws(Damaged) -> String {
        let n = try count()
        let at = try take(n)
        return String(decoding: UnsafeRawBufferPointer(start: base + at, count: n), as: UTF8.self)
    }

    mutating func optionalString() throws(Damaged) -> String? { try bool() ? try string() : nil }

    mutating func optionalInt64() throws(Damaged) -> Int64? { try bool() ? try get(Int64.self) : nil }

    /// A value the writer stored as its position in `cases` (`SnapshotWriter.put(code:in:)`).
    mutating func code<E>(in cases: [E]) throws(Damaged) -> E {
        let k = Int(try get(UInt8.self))
        guard k < cases.count else { throw Damaged(description: "a code out of range for \(E.self)") }
        return cases[k]
    }

    /// An array `putArray` wrote: its count, then its values.
    mutating func array<T: BitwiseCopyable>(_: T.Type) throws(Damaged) -> [T] {
        let count = try count()
        guard count <= remaining / MemoryLayout<T>.stride else {
            throw Damaged(description: "a column is longer than the snapshot")
        }
        var failure: Damaged?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(Damaged) {
                if count > 0 { try read(into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count * MemoryLayout<T>.stride) }
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    mutating func map() throws(Damaged) -> [String: String] {
        let n = try count()
        var map: [String: String] = [:]
        map.reserveCapacity(min(n, 1 << 16))
        for _ in 0..<n {
            // Two statements: in `map[key()] = value()` Swift may evaluate the value first.
            let key = try string()
            map[key] = try string()
        }
        return map
    }
}
