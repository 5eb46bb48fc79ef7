import Synchronization
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// The writes this server's ingest writer committed, by the data version each moved its workspace to: what a reader
/// needs to follow them without reading the workspace again.
///
/// - A save of new usage events only (`SaveSummary.newUsageEvents`) keeps its events, so that the dataset a reader
///   holds takes them by appending (at 100,000 accounts a load from the store takes seconds; appending is a copy of
///   the columns). Only workspaces a reader holds a dataset of keep events (`holdEvents`), and a workspace whose kept
///   events pass `limit` loses its entries (its reader then loads from the store).
/// - Every other save says only whether it changed the accounts or rates (what checking new records needs).
///
/// A version missing here was written by something else (another process, a delete, a connector): its reader reads
/// from the store.
package final class AppendJournal: Sendable {
    /// One committed save.
    package struct Entry: Sendable {
        /// The save's usage events, when they were all it wrote and all were new rows (and events are held).
        let events: UsageLog?
        /// The row ids of the accounts the events' account indexes refer to.
        let accountRows: [Int64]
        /// Whether the save wrote accounts or exchange rates.
        let changesReferences: Bool
    }

    private struct Workspace {
        var entries: [Int64: Entry] = [:]
        var holdEvents = false
        var events = 0
    }

    private let state = Mutex<[Int64: Workspace]>([:])
    /// Held by the writer from the start of a commit until its saves are recorded, so that a reader who takes it sees
    /// every committed version recorded or knows it never will be.
    private let commit = Mutex(())
    package let limit: Int

    package init(limit: Int = 5_000_000) { self.limit = limit }

    /// Starts recording the saves of `workspace` from now on, keeping their events if `holdEvents`.
    package func track(_ workspace: Int64, holdEvents: Bool = false) {
        state.withLock { all in
            var w = all[workspace] ?? Workspace()
            w.holdEvents = w.holdEvents || holdEvents
            all[workspace] = w
        }
    }

    /// Stops keeping the events of `workspace`'s saves, and forgets those kept.
    package func dropEvents(_ workspace: Int64) {
        state.withLock { all in
            guard var w = all[workspace] else { return }
            w.holdEvents = false
            w.events = 0
            w.entries = w.entries.mapValues {
                Entry(events: nil, accountRows: $0.accountRows, changesReferences: $0.changesReferences)
            }
            all[workspace] = w
        }
    }

    /// Records the save that moved `workspace` to `version`; `events` are kept only if the workspace holds them.
    package func record(_ workspace: Int64, version: Int64, events: UsageLog?, accountRows: [Int64], changesReferences: Bool) {
        state.withLock { all in
            guard var w = all[workspace] else { return }
            let kept = w.holdEvents ? events : nil
            w.entries[version] = Entry(events: kept, accountRows: accountRows, changesReferences: changesReferences)
            w.events += kept?.count ?? 0
            if w.events > limit {
                // Beyond the limit the reader loads from the store anyway: the memory is not worth holding.
                w = Workspace()
            }
            all[workspace] = w
        }
    }

    /// The entries of the versions after `version` up to `through`, in order; nil when one is missing.
    package func entries(_ workspace: Int64, after version: Int64, through last: Int64) -> [Entry]? {
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

    /// Forgets the entries of `workspace` up to `version` (followed by every reader).
    package func forget(_ workspace: Int64, through version: Int64) {
        state.withLock { all in
            guard var w = all[workspace] else { return }
            for (v, entry) in w.entries where v <= version {
                w.entries[v] = nil
                w.events -= entry.events?.count ?? 0
            }
            all[workspace] = w
        }
    }

    /// Runs a commit and the recording of its saves as one step for `settled` readers.
    package func committing<T>(_ body: () -> T) -> T {
        commit.withLock { _ in body() }
    }

    /// Runs `body` when no commit is between its end and its recording.
    package func settled<T>(_ body: () throws -> T) throws -> T {
        try commit.withLock { _ in try body() }
    }
}
