import Foundation

/// Where the bytes of a snapshot lie: in memory (`MemoryStorage`) or in the parts of a snapshot in the store
/// (`Store.BlobStorage`). Any range can be read, by several threads at once, so that the sections of a snapshot
/// decode side by side.
protocol SnapshotStorage: Sendable {
    /// The number of bytes.
    var count: Int { get }
    /// The bytes themselves when they lie in memory: readers then read them in place, with no copy.
    var contiguous: UnsafeRawBufferPointer? { get }
    /// Copies `count` bytes from `offset` to `destination`; throws when they run past the end.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(SnapshotReader.Damaged)
}

/// Bytes in memory that outlive every read of them (the caller keeps the buffer until decoding returns).
struct MemoryStorage: SnapshotStorage, @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    var count: Int { bytes.count }
    var contiguous: UnsafeRawBufferPointer? { bytes }

    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(SnapshotReader.Damaged) {
        guard count >= 0, offset >= 0, count <= bytes.count - offset else {
            throw SnapshotReader.Damaged(description: "the snapshot ends early")
        }
        if count > 0 { destination.copyMemory(from: bytes.baseAddress! + offset, byteCount: count) }
    }
}

extension SnapshotStorage {
    /// The fixed-width integer at `offset`.
    func fixed<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type, at offset: Int) throws(SnapshotReader.Damaged) -> T {
        var value = T.zero
        try withUnsafeMutableBytes(of: &value) { (v) throws(SnapshotReader.Damaged) in
            try read(into: v.baseAddress!, count: v.count, at: offset)
        }
        return T(littleEndian: value)
    }

    /// The `count` values of type `Stored` at `offset`, each converted by `convert`, as an array. Stored bytes are read
    /// a slice at a time into a small buffer that stays in cache (unless they lie in memory already) and converted
    /// from there, so that the array's new memory is written once and a store's lock is held only for the copy.
    /// `inspect` sees each converted slice (for range checks while it is in cache).
    func column<Stored: BitwiseCopyable, Value: BitwiseCopyable>(
        _: Stored.Type, count: Int, at offset: Int, as _: Value.Type,
        _ convert: (Stored) -> Value, inspect: (UnsafeBufferPointer<Value>) -> Void = { _ in }
    ) throws(SnapshotReader.Damaged) -> [Value] {
        let stride = MemoryLayout<Stored>.stride
        guard count >= 0, offset >= 0, count <= (self.count - offset) / stride else {
            throw SnapshotReader.Damaged(description: "a column is longer than the snapshot")
        }
        let slice = Swift.max(1, (256 << 10) / stride)
        let memory = contiguous
        let scratch = memory == nil ? UnsafeMutableRawPointer.allocate(byteCount: slice * stride, alignment: 16) : nil
        defer { scratch?.deallocate() }
        var failure: SnapshotReader.Damaged?
        let values = [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            var first = 0
            while first < count {
                let n = Swift.min(slice, count - first)
                let from: UnsafeRawPointer
                if let memory {
                    from = memory.baseAddress! + offset + first * stride
                } else {
                    do throws(SnapshotReader.Damaged) {
                        try read(into: scratch!, count: n * stride, at: offset + first * stride)
                    } catch {
                        failure = error
                        return
                    }
                    from = UnsafeRawPointer(scratch!)
                }
                for i in 0..<n {
                    (buffer.baseAddress! + first + i).initialize(
                        to: convert(from.loadUnaligned(fromByteOffset: i * stride, as: Stored.self)))
                }
                inspect(UnsafeBufferPointer(rebasing: buffer[first..<(first + n)]))
                first += n
            }
            initialized = count
        }
        if let failure { throw failure }
        return values
    }
}
