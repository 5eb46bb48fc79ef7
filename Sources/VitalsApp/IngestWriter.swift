import Dispatch
import Synchronization
import VitalsCore
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Saves the records of concurrent ingest requests with group commit: while one transaction commits, the requests
/// that arrive wait, and the next transaction takes all of them, so N requests cost one fsync instead of N.
///
/// Each request is answered only after the transaction holding it is committed (durable, with synchronous FULL),
/// and stored whole or not at all: if any request of a group fails, the group is rolled back and each request saved
/// again alone (`Store.save(_: [SaveRequest])`). Writing happens on a
/// queue of its own, so the blocking SQLite calls do not hold a thread of Swift's cooperative pool.
///
/// Saves of new usage events only are recorded in `journal` as they commit, so that readers append them to the
/// dataset they hold instead of loading the workspace again.
package final class IngestWriter: Sendable {
    private typealias Waiter = CheckedContinuation<Result<SaveSummary, StoreError>, Never>
    private typealias Job = (request: SaveRequest, appending: UsageLog?, changesReferences: Bool, waiter: Waiter)

    private struct State {
        var pending: [Job] = []
        /// Whether a drain is scheduled or running (it empties `pending` before it stops).
        var draining = false
    }

    private let store: any VitalsStorage
    private let journal: AppendJournal
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "vitals.ingest-writer")

    package init(store: any VitalsStorage, journal: AppendJournal = AppendJournal()) {
        self.store = store
        self.journal = journal
    }

    /// Saves `request` with whatever else is waiting; returns once it is committed.
    /// - Parameter appending: the request's usage events when they are all it holds (its accounts being the stored
    ///   ones): kept in the journal if every one was new.
    /// - Parameter changesReferences: whether it writes accounts or exchange rates.
    @discardableResult
    package func save(
        _ request: SaveRequest, appending: UsageLog? = nil, changesReferences: Bool = true
    ) async throws(StoreError) -> SaveSummary {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let start = state.withLock { state in
                state.pending.append((request, appending, changesReferences, waiter))
                defer { state.draining = true }
                return !state.draining
            }
            if start { queue.async { self.drain() } }
        }
        return try result.get()
    }

    /// Commits groups of waiting requests until none is left.
    private func drain() {
        while true {
            let group = state.withLock { state in
                let group = state.pending
                state.pending = []
                if group.isEmpty { state.draining = false }
                return group
            }
            guard !group.isEmpty else { return }
            let results = journal.committing {
                let results = store.save(group.map(\.request))
                for (job, result) in zip(group, results) {
                    guard case .success(let summary) = result else { continue }
                    let appended = job.appending.flatMap { summary.newUsageEvents == $0.count ? $0 : nil }
                    journal.record(
                        job.request.workspace, version: summary.dataVersion, events: appended,
                        accountRows: job.request.storedAccounts ?? [], changesReferences: job.changesReferences)
                }
                return results
            }
            for (job, result) in zip(group, results) { job.waiter.resume(returning: result) }
        }
    }
}
