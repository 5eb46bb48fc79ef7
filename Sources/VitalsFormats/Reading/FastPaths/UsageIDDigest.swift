import Foundation
import VitalsCore

/// What the fast read of usage_events.csv keeps of the event ids when it does not keep the ids themselves (a report
/// reads none): enough to tell that no id repeats, in 8 bytes an event instead of about 21.
///
/// Ids written in strictly ascending order cannot repeat, and neither can ids whose 64-bit hashes are all different.
/// Equal hashes prove nothing (two ids may collide), so then the file is read again with its ids and checked exactly
/// as ever: that happens when an id repeats, which fails the load anyway, or on a rare true collision.
///
/// The hashes are kept only once the ids are known not to ascend, which a file shows in its first block (random ids,
/// or sequence numbers in an export sorted by account) or never (sequence numbers in time order): 160 MB less on
/// 20 million ascending ids. A file whose ids ascend through the first block and not after has no hashes for that
/// block, so it is read again with its ids to be checked (`complete` false).
struct UsageIDDigest: Sendable {
    /// The hash of each event's id, in event order, when `complete`.
    private(set) var hashes: [UInt64] = []
    /// Whether every id so far sorted strictly after the one before.
    private(set) var ascending = true
    /// Whether `hashes` holds every event's hash (unless `ascending`, which needs none).
    private(set) var complete = true
    /// The last id so far, to compare with the next block's first.
    private var lastID: [UInt8]?
    /// Events added so far.
    private var count = 0
    private let expectedCount: Int

    init(expectedCount: Int) { self.expectedCount = expectedCount }

    /// Adds the pieces decoded from one block, whose events follow those added so far. The pieces' first and last
    /// ids point into the block, so this runs before its bytes are let go.
    mutating func add(block pieces: some Collection<UsageColumnBuffer>) {
        let wasAscending = ascending
        for piece in pieces {
            guard let first = piece.firstID, let last = piece.lastID else { continue }
            if ascending {
                if !piece.ascending {
                    ascending = false
                } else if let lastID, !lastID.withUnsafeBufferPointer({ IDOrder.precedes($0, first) }) {
                    ascending = false
                }
            }
            lastID = Array(last)
        }
        if !ascending && complete {
            if wasAscending && count > 0 {
                complete = false
            } else {
                if hashes.isEmpty { hashes.reserveCapacity(expectedCount) }
                for piece in pieces { piece.appendHashes(to: &hashes) }
            }
        }
        count += pieces.reduce(0) { $0 + $1.count }
    }

    /// Whether two events may share an id: some two ids are out of order and hash alike (or their hashes were not
    /// all kept).
    func mayRepeat(parallelism: Int) -> Bool {
        guard !ascending else { return false }
        guard complete else { return true }
        return hashes.withUnsafeBufferPointer { hashes in
            return !DuplicateFinder.find(
                count: hashes.count, parallelism: parallelism, hash: { hashes[$0] }, same: { _, _ in true }
            ).isEmpty
        }
    }
}
