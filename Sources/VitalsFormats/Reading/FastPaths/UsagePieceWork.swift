import Dispatch
import Foundation
import Synchronization
import VitalsCore

extension UsageEventsFastCSV {
    /// What decoding a piece needs besides its range: the file's bytes and layout, the accounts, the id handling.
    struct DecodeContext: @unchecked Sendable {  // the buffer is the mapped file, read only while mapped
        let buffer: UnsafeBufferPointer<UInt8>
        let layout: Layout
        let accounts: StringInterner
        let ids: IDHandling
    }

    /// The pieces of one block, each decoded once by whichever thread claims it first: a job on the global queue,
    /// the reader once it has taken in the block before, or a `UsageDecodeHelpers` thread (the loader's, once its
    /// own files are read). Work is claimed, not assigned, because the global queue keeps as many threads as cores
    /// and does not add one while the reader or the loader waits: a block's second piece used to wait for its first.
    final class PieceWork: @unchecked Sendable {  // piece k of `set` is written only by the thread that claimed k
        let pieces: [Range<Int>]
        private let set: UnsafeMutableBufferPointer<Piece>
        private let context: DecodeContext
        private let claimed = Atomic<Int>(0)
        private let finished = DispatchGroup()

        /// Work for `pieces`, decoded into `set[0..<pieces.count]`; no piece starts until something claims it.
        init(_ pieces: [Range<Int>], into set: UnsafeMutableBufferPointer<Piece>, context: DecodeContext) {
            precondition(pieces.count <= set.count)
            self.pieces = pieces
            self.set = set
            self.context = context
            for _ in pieces { finished.enter() }
        }

        /// Starts a job on the global queue per piece, each decoding pieces until none is left to claim.
        func start() {
            for _ in pieces { DispatchQueue.global().async { self.decodeWhileAny() } }
        }

        /// Claims and decodes pieces until none is left.
        func decodeWhileAny() {
            while true {
                let k = claimed.add(1, ordering: .relaxed).oldValue
                guard k < pieces.count else { return }
                let range = pieces[k]
                decode(
                    context.buffer, range, layout: context.layout, accounts: context.accounts,
                    expectedEvents: range.count / 64, ids: context.ids, into: &set[k])
                finished.leave()
            }
        }

        /// Whether a piece is left to claim.
        var hasUnclaimed: Bool { claimed.load(ordering: .relaxed) < pieces.count }

        /// The decoded pieces, in order, once every piece is decoded (waits for the threads still at one).
        func wait() -> UnsafeMutableBufferPointer<Piece> {
            finished.wait()
            return UnsafeMutableBufferPointer(rebasing: set[..<pieces.count])
        }
    }
}

/// Lets a thread that would otherwise wait for the usage read decode pieces of it: the read publishes each block's
/// `PieceWork` here, and `help()` decodes unclaimed pieces, oldest block first, until the read finishes.
final class UsageDecodeHelpers: @unchecked Sendable {  // `works` and `done` are guarded by `condition`
    private let condition = NSCondition()
    /// The blocks published, oldest first, less those found with no piece left to claim.
    private var works: [UsageEventsFastCSV.PieceWork] = []
    private var done = false

    /// Offers `work` to the helpers.
    func publish(_ work: UsageEventsFastCSV.PieceWork) {
        condition.lock()
        works.append(work)
        condition.broadcast()
        condition.unlock()
    }

    /// Says the read needs no more help (whether it finished or gave up).
    func finish() {
        condition.lock()
        done = true
        works.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Lowers the calling thread's priority (its nice value; on Linux it is the thread's own), so that a thread
    /// on the load's critical path keeps its core. Once lowered it cannot be raised again without privileges: for
    /// threads made for the read only.
    static func lowerPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        #else
            _ = setpriority(PRIO_PROCESS, 0, 5)
        #endif
    }

    /// Decodes pieces as they are published until the read finishes.
    func help() {
        condition.lock()
        while !done {
            while let first = works.first, !first.hasUnclaimed { works.removeFirst() }
            if let work = works.first {
                condition.unlock()
                work.decodeWhileAny()
                condition.lock()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }
}
