import Foundation

/// Builds the bytes of a dataset snapshot: fixed-width little-endian numbers, LEB128 lengths, UTF-8 strings, and
/// whole arrays of plain values copied as they lie in memory (the snapshot is read back only on the machine kind that
/// wrote it: the header records the byte order and the format version, and a mismatch means "no snapshot").
struct SnapshotWriter {
    private(set) var bytes: [UInt8] = []
    /// The offsets where a reader starts reading on its own (each section, each usage column): a store keeps the
    /// bytes in parts that begin there, so that each reader starts at the front of a part (SQLite finds a place inside
    /// a large value only by reading every page before it).
    private(set) var boundaries: [Int] = []

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

    /// A value of an enumeration as its position in `cases` (one byte; the snapshot lists the cases it used).
    mutating func put<E: Equatable>(code value: E, in cases: [E]) {
        bytes.append(UInt8(cases.firstIndex(of: value)!))
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

    /// Marks the current end as a boundary (see `boundaries`).
    mutating func boundary() {
        if boundaries.last != bytes.count { boundaries.append(bytes.count) }
    }

    /// A section: its byte length, then what `body` writes. A reader can hand the section to another thread whole.
    mutating func section(_ body: (inout SnapshotWriter) -> Void) {
        boundary()
        let lengthAt = bytes.count
        put(UInt64(0))
        body(&self)
        let length = UInt64(bytes.count - lengthAt - 8)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: lengthAt, as: UInt64.self) }
    }
}
