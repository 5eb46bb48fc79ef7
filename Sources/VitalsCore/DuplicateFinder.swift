import Dispatch

/// Finds repeated keys among millions (event ids, ticket ids...) without a hash table the size of the input.
///
/// Every key is hashed once; the (hash, position) pairs are scattered into partitions by the hash's top bits, and
/// each partition is scanned with a small table that stays in cache. Equal hashes are confirmed with `same`, so a
/// hash collision never reports a false repeat.
public enum DuplicateFinder {
    /// The pairs `(duplicate, first)` among positions `0..<count`: `duplicate` repeats the key at `first`, the
    /// earliest position with that key. Sorted by `duplicate`. `hash` and `same` are called from up to `parallelism`
    /// threads at once.
    ///
    /// - Parameter precedes: whether key `a` sorts strictly before key `b` in some total order. Ids are most often
    ///   written in ascending order (sequence numbers, time-ordered ids); when every key precedes the next, none can
    ///   repeat, and one pass over neighbours replaces the hash scan and its memory (16 bytes a key).
    public static func find(
        count n: Int, parallelism: Int = 1, hash: (Int) -> UInt64, same: (Int, Int) -> Bool,
        precedes: ((Int, Int) -> Bool)? = nil
    ) -> [(duplicate: Int, first: Int)] {
        guard n > 1 else { return [] }
        let workers = n >= 1 << 20 ? max(1, parallelism) : 1
        if let precedes, isAscending(count: n, workers: workers, precedes: precedes) { return [] }
        // About 4,096 keys a partition: its table (16 bytes a slot, half full) then fits in a core's L2 cache.
        var bits = 0
        while bits < 16 && n >> bits > 4_096 { bits += 1 }
        let partitions = 1 << bits
        func partition(_ h: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: h >> UInt64(64 - bits)) }

        var hashing = [UInt64](repeating: 0, count: n)
        withoutActuallyEscaping(hash) { hash in
            hashing.withUnsafeMutableBufferPointer { hashes in
                nonisolated(unsafe) let hashes = hashes
                nonisolated(unsafe) let hash = hash
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    for i in (n * w / workers)..<(n * (w + 1) / workers) { hashes[i] = hash(i) }
                }
            }
        }
        var starts = [Int](repeating: 0, count: partitions + 1)
        for h in hashing { starts[partition(h) + 1] += 1 }
        for p in 0..<partitions { starts[p + 1] += starts[p] }
        // Scatter (hash, position) into partition order; positions stay ascending within a partition.
        var entries = [Entry](repeating: Entry(hash: 0, position: 0), count: n)
        var next = starts
        for i in 0..<n {
            let h = hashing[i]
            let p = partition(h)
            entries[next[p]] = Entry(hash: h, position: Int32(truncatingIfNeeded: i))
            next[p] += 1
        }
        hashing = []
        let bounds = starts

        var found = [[(duplicate: Int, first: Int)]](repeating: [], count: workers)
        withoutActuallyEscaping(same) { same in
            entries.withUnsafeBufferPointer { entries in
                found.withUnsafeMutableBufferPointer { found in
                    nonisolated(unsafe) let entries = entries
                    nonisolated(unsafe) let found = found
                    nonisolated(unsafe) let same = same
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var table: [Entry] = []
                        for p in stride(from: w, to: partitions, by: workers) {
                            let members = bounds[p]..<bounds[p + 1]
                            guard members.count > 1 else { continue }
                            var size = 16
                            while size < members.count * 2 { size <<= 1 }
                            table.removeAll(keepingCapacity: true)
                            table.append(contentsOf: repeatElement(Entry(hash: 0, position: -1), count: size))
                            let mask = size - 1
                            for k in members {
                                let entry = entries[k]
                                // The top bits chose the partition; the low bits choose the slot.
                                var slot = Int(truncatingIfNeeded: entry.hash) & mask
                                var repeated = false
                                while table[slot].position >= 0 {
                                    let other = table[slot]
                                    if other.hash == entry.hash && same(Int(other.position), Int(entry.position)) {
                                        found[w].append((Int(entry.position), Int(other.position)))
                                        repeated = true
                                        break
                                    }
                                    slot = (slot + 1) & mask
                                }
                                if !repeated { table[slot] = entry }
                            }
                        }
                    }
                }
            }
        }
        return found.joined().sorted { $0.duplicate < $1.duplicate }
    }

    /// Whether every key precedes the next one; each worker checks a slice (and the pair across its start) and
    /// stops at its first key out of order.
    private static func isAscending(count n: Int, workers: Int, precedes: (Int, Int) -> Bool) -> Bool {
        var ascending = [Bool](repeating: true, count: workers)
        withoutActuallyEscaping(precedes) { precedes in
            ascending.withUnsafeMutableBufferPointer { ascending in
                nonisolated(unsafe) let ascending = ascending  // each worker writes only its own element
                nonisolated(unsafe) let precedes = precedes  // read-only comparisons, safe from several threads
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    for i in max(1, n * w / workers)..<(n * (w + 1) / workers) where !precedes(i - 1, i) {
                        ascending[w] = false
                        return
                    }
                }
            }
        }
        return !ascending.contains(false)
    }

    private struct Entry {
        var hash: UInt64
        var position: Int32
    }
}
