import Foundation
import VitalsCore

/// What the fast read of usage_events.csv keeps of the event ids when it does not keep the ids themselves (a report
/// reads none): enough to tell that no id repeats, in 8 bytes an event instead of about 21.
///
/// Ids written in strictly ascending order cannot repeat, and neither can ids whose 64-bit hashes are all different.
/// Equal hashes prove nothing (two ids may collide), so then the file is read again with its ids and checked exactly
/// as ever: that happens when an id repeats, which fails the load anyway, or on a rare true collision.
struct UsageIDDigest: Sendable {
    /// The hash of each event's id, in event order.
    private(set) var hashes: [UInt64] = []
    /// Whether every id so far sorted strictly after the one before.
    private(set) var ascending = true
    /// The last id so far, to compare with the next block's first.
    private var lastID: [UInt8]?

    init(expectedCount: Int) { hashes.reserveCapacity(expectedCount) }

    /// Adds a decoded piece's events, which follow those added so far. The piece's first and last ids point into
    /// the block it was decoded from, so this runs before that block is let go.
    mutating func add(_ piece: UsageColumnBuffer) {
        hashes.append(contentsOf: piece.hashes)
        guard let first = piece.firstID, let last = piece.lastID else { return }
        if ascending {
            if !piece.ascending {
                ascending = false
            } else if let lastID, !lastID.withUnsafeBufferPointer({ IDOrder.precedes($0, first) }) {
                ascending = false
            }
        }
        lastID = Array(last)
    }

    /// Whether two events may share an id: some two ids are out of order and hash alike.
    func mayRepeat(parallelism: Int) -> Bool {
        guard !ascending else { return false }
        return hashes.withUnsafeBufferPointer { hashes in
            return !DuplicateFinder.find(
                count: hashes.count, parallelism: parallelism, hash: { hashes[$0] }, same: { _, _ in true }
            ).isEmpty
        }
    }
}
