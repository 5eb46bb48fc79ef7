import Synchronization
import VitalsCore

/// The usage events this server saved that a workspace's dataset in memory can take by appending them, by the data
/// version each save moved the workspace to, so that a stream of event batches does not make every next read load the
/// whole workspace from the store again (at 100,000 accounts that is seconds; appending is a copy of the columns).
///
/// The ingest writer records a save here when every event of it was a new row (`SaveSummary.newUsageEvents`); any
/// other write (an update, a delete, another kind of record, another process) leaves a version missing, and a reader
/// that finds one missing loads from the store as before. Only workspaces a reader holds a dataset of are recorded,
/// and a workspace whose entries pass `limit` events is dropped whole (its reader then loads from the store).
final class AppendJournal: Sendable {
    /// A save's events, with the row ids of the accounts their account indexes refer to.
    struct Entry: Sendable {
        let events: UsageLog
        let accountRows: [Int64]
    }

    private struct Workspace {
        var entries: [Int64: Entry] = [:]
        var events = 0
    }

    private let state = Mutex<[Int64: Workspace]>([:])
    /// Held by the writer from the start of a commit until its saves are recorded, so that a reader who takes it sees
    /// every committed version recorded or knows it never will be.
    private let commit = Mutex(())
    let limit: Int

    init(limit: Int = 5_000_000) { self.limit = limit }

    /// Starts recording saves of `workspace` (a reader now holds a dataset of it).
    func track(_ workspace: Int64) {
        state.withLock { if $0[workspace] == nil { $0[workspace] = Workspace() } }
    }

    /// Stops recording saves of `workspace` and forgets those recorded.
    func untrack(_ workspace: Int64) {
        _ = state.withLock { $0.removeValue(forKey: workspace) }
    }

    /// Records that the save to `version` of `workspace` appended `entry.events`.
    func record(_ workspace: Int64, version: Int64, _ entry: Entry) {
        state.withLock { all in
            guard var w = all[workspace] else { return }
            w.entries[version] = entry
            w.events += entry.events.count
            // Beyond the limit the reader loads from the store anyway: the memory is not worth holding.
            all[workspace] = w.events > limit ? nil : w
        }
    }

    /// The entries of the versions after `version` up to `through`, in order; nil when one is missing.
    func entries(_ workspace: Int64, after version: Int64, through last: Int64) -> [Entry]? {
        guard last > version else { return last == version ? [] : nil }
        return state.withLock { all in
            guard let w = all[workspace] else { return nil }
            var found: [Entry] = []
            for v in (version + 1)...last {
                guard let entry = w.entries[v] else { return nil }
                found.append(entry)
            }
            return found
        }
    }

    /// Forgets the entries of `workspace` up to `version` (folded into a reader's dataset).
    func forget(_ workspace: Int64, through version: Int64) {
        state.withLock { all in
            guard var w = all[workspace] else { return }
            for (v, entry) in w.entries where v <= version {
                w.entries[v] = nil
                w.events -= entry.events.count
            }
            all[workspace] = w
        }
    }

    /// Runs a commit and the recording of its saves as one step for `settled` readers.
    func committing<T>(_ body: () -> T) -> T {
        commit.withLock { _ in body() }
    }

    /// Runs `body` when no commit is between its end and its recording.
    func settled<T>(_ body: () throws -> T) throws -> T {
        try commit.withLock { _ in try body() }
    }
}
