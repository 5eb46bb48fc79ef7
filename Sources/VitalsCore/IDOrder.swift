/// The byte-wise order of ids: what tells that ids written in ascending order (sequence numbers, time-ordered ids)
/// cannot repeat, without a hash table.
public enum IDOrder {
    /// Whether `x` sorts strictly before `y` byte by byte (the shorter first on a common prefix), eight bytes at a time.
    @inlinable @inline(__always)
    package static func precedes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = Swift.min(x.count, y.count)
        guard common > 0 else { return x.count < y.count }
        let a = UnsafeRawPointer(x.baseAddress!)
        let b = UnsafeRawPointer(y.baseAddress!)
        var k = 0
        while k + 8 <= common {
            // Big-endian words compare as their bytes do.
            let u = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            let v = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            if u != v { return u < v }
            k += 8
        }
        if k < common && common >= 8 {
            // The word ending at `common` overlaps bytes already found equal, so it orders the rest as they do.
            let u = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: common - 8, as: UInt64.self))
            let v = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: common - 8, as: UInt64.self))
            if u != v { return u < v }
            return x.count < y.count
        }
        while k < common {
            if x[k] != y[k] { return x[k] < y[k] }
            k += 1
        }
        return x.count < y.count
    }

    /// Whether `x` and `y` hold the same bytes, eight at a time (the last word may overlap the one before), the last
    /// word first: ids of one kind share their start (`u_acc_000123_1`, `u_acc_000123_2`), so it tells most apart at
    /// once. For the readers' short ids and codes, where a library call would cost more than the comparison.
    @inlinable @inline(__always)
    package static func same(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = x.count
        guard n == y.count else { return false }
        guard n >= 8 else {
            for k in 0..<n where x[k] != y[k] { return false }
            return true
        }
        let a = UnsafeRawPointer(x.baseAddress!)
        let b = UnsafeRawPointer(y.baseAddress!)
        guard a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        else { return false }
        var k = 0
        while k < n - 8 {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                return false
            }
            k += 8
        }
        return true
    }
}
