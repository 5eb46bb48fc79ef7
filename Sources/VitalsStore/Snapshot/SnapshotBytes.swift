import Foundation

/// Builds the bytes of a dataset snapshot: fixed-width little-endian numbers, LEB128 lengths, UTF-8 strings, and
/// whole arrays of plain values copied as they lie in memory (the snapshot is read back only on the machine kind that
/// wrote it: the header records the byte order and the format version, and a mismatch means "no snapshot").
struct SnapshotWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    // Integers and doubles only: a generic over every plain type would also take an optional, silently, and
    // write its in-memory layout instead of the flag the reader expects.
    mutating func put<T: FixedWidthInteger & BitwiseCopyable>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// A non-negative count or length, 7 bits a byte.
    mutating func count(_ value: Int) {
        precondition(value >= 0, "snapshot counts are never negative")
        var v = UInt64(value)
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func put(_ text: String?) {
        put(text != nil)
        if let text { put(text) }
    }

    mutating func put(_ value: Int64?) {
        put(value != nil)
        if let value { put(value) }
    }

    /// An array of plain values: its count, then its memory as is.
    mutating func putArray<T: BitwiseCopyable>(_ values: [T]) {
        count(values.count)
        putRaw(values)
    }

    /// An array's memory as is, without its count.
    mutating func putRaw<T: BitwiseCopyable>(_ values: [T]) {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ map: [String: String]) {
        count(map.count)
        // Sorted, so that equal maps give equal bytes.
        for key in map.keys.sorted() {
            put(key)
            put(map[key]!)
        }
    }

    /// A section: its byte length, then what `body` writes. A reader can hand the section to another thread whole.
    mutating func section(_ body: (inout SnapshotWriter) -> Void) {
        let lengthAt = bytes.count
        put(UInt64(0))
        body(&self)
        let length = UInt64(bytes.count - lengthAt - 8)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: lengthAt, as: UInt64.self) }
    }
}

/// Reads what `SnapshotWriter` wrote from a buffer it does not own, checking every length against the buffer's end:
/// a damaged snapshot throws `SnapshotReader.Damaged` instead of reading out of bounds.
struct SnapshotReader: SnapshotSource {
    struct Damaged: Error, CustomStringConvertible {
        var description: String
    }

    let base: UnsafeRawPointer
    let end: Int
    private(set) var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have no address: point at a constant instead, never read since `end` is 0.
        base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = buffer.count
    }

    var isAtEnd: Bool { offset == end }

    var remaining: Int { end - offset }

    mutating func read(into destination: UnsafeMutableRawPointer, count: Int) throws(Damaged) {
        let at = try take(count)
        if count > 0 { destination.copyMemory(from: base + at, byteCount: count) }
    }

    private mutating func take(_ n: Int) throws(Damaged) -> Int {
        guard n >= 0, n <= end - offset else { throw Damaged(description: "the snapshot ends early") }
        defer { offset += n }
        return offset
    }

    // Integers only, like the writer's `put`: a plain `T` would let an optional parameter read 9 bytes.
    mutating func get<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type = T.self) throws(Damaged) -> T {
        T(littleEndian: base.loadUnaligned(fromByteOffset: try take(MemoryLayout<T>.size), as: T.self))
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

    /// An array `putArray` wrote: its count, then its values.
    mutating func array<T: BitwiseCopyable>(_: T.Type) throws(Damaged) -> [T] { try array(T.self, count: try count()) }

    mutating func map() throws(Damaged) -> [String: String] {
        let n = try count()
        var map: [String: String] = [:]
        map.reserveCapacity(n)
        for _ in 0..<n {
            // Two statements: in `map[key()] = value()` Swift may evaluate the value first.
            let key = try string()
            map[key] = try string()
        }
        return map
    }
}

/// Where a snapshot's bytes come from, front to back: a buffer (`SnapshotReader`), or the parts of a snapshot in the
/// store (`Store.BlobSource`), which are then copied once, straight into the arrays they become.
protocol SnapshotSource {
    /// The bytes not read yet.
    var remaining: Int { get }
    /// Copies the next `count` bytes to `destination`.
    mutating func read(into destination: UnsafeMutableRawPointer, count: Int) throws(SnapshotReader.Damaged)
}

extension SnapshotSource {
    mutating func fixed<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws(SnapshotReader.Damaged) -> T {
        var value = T.zero
        try withUnsafeMutableBytes(of: &value) { (v) throws(SnapshotReader.Damaged) in
            try read(into: v.baseAddress!, count: v.count)
        }
        return T(littleEndian: value)
    }

    /// The next `count` values of type `T`, as an array.
    mutating func array<T: BitwiseCopyable>(_: T.Type, count: Int) throws(SnapshotReader.Damaged) -> [T] {
        guard count >= 0, count <= remaining / MemoryLayout<T>.stride else {
            throw SnapshotReader.Damaged(description: "a column is longer than the snapshot")
        }
        var failure: SnapshotReader.Damaged?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(SnapshotReader.Damaged) {
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

    /// The next `count` values stored as `Narrow`, each widened to `Wide` by `widen`, as an array. The narrow values
    /// are read into the far end of the array's own buffer and widened in place, front to back (value `i` is written
    /// only over bytes of values before `i` or of `i` itself, already read): no second array, no second pass over
    /// new memory.
    mutating func array<Narrow: BitwiseCopyable, Wide: BitwiseCopyable>(
        _: Narrow.Type, count: Int, widenedTo _: Wide.Type, _ widen: (Narrow) -> Wide
    ) throws(SnapshotReader.Damaged) -> [Wide] {
        let (narrow, wide) = (MemoryLayout<Narrow>.stride, MemoryLayout<Wide>.stride)
        precondition(wide >= narrow && wide % narrow == 0, "widening to a type of a multiple of the size")
        guard count >= 0, count <= remaining / narrow else {
            throw SnapshotReader.Damaged(description: "a column is longer than the snapshot")
        }
        var failure: SnapshotReader.Damaged?
        let values = [Wide](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard count > 0 else { return }
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            let tail = count * (wide - narrow)
            do throws(SnapshotReader.Damaged) {
                try read(into: base + tail, count: count * narrow)
            } catch {
                failure = error
                return
            }
            for i in 0..<count {
                let value = base.load(fromByteOffset: tail + i * narrow, as: Narrow.self)
                base.storeBytes(of: widen(value), toByteOffset: i * wide, as: Wide.self)
            }
            initialized = count
        }
        if let failure { throw failure }
        return values
    }


    /// The next `count` bytes in a buffer of their own, for `SnapshotReader`; the caller deallocates it.
    mutating func block(_ count: Int) throws(SnapshotReader.Damaged) -> UnsafeMutableRawBufferPointer {
        guard count >= 0, count <= remaining else { throw SnapshotReader.Damaged(description: "a section is longer than the snapshot") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        do throws(SnapshotReader.Damaged) {
            if count > 0 { try read(into: buffer.baseAddress!, count: count) }
        } catch {
            buffer.deallocate()
            throw error
        }
        return UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
    }
}
