import Foundation
import VitalsCore
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// What the read routes of one workspace compute from: its dataset and a calculator built once over it.
public struct WorkspaceView: Sendable {
    public let dataset: Dataset
    public let calculator: KPICalculator
    public let knownAttributes: Set<String>
    /// The last instant any record speaks of (see `Dataset.latestActivity`), found once per view.
    public let latestActivity: Timestamp?
    /// The last instant any record speaks of for health (`HealthInstant.latestRecord`: pulses and milestones too).
    public let latestRecord: Timestamp?

    /// The instant health is read as of by default (`HealthInstant`), with the clock at `now`.
    public func healthInstant(now: Timestamp) -> Timestamp { HealthInstant.asOf(now: now, latestActivity: latestRecord) }
    /// Health scoring over the same dataset (accounts tagged with their touch tier as of
    /// `HealthInstant.asOf(now: builtAt, latestActivity: latestActivity)`).
    public let health: HealthEngine
    public let builtAt: Timestamp

    package init(dataset: Dataset, settings: ReportSettings, health: HealthSettings = HealthSettings(), now: Timestamp = .now) {
        // The touch tier is an attribute like any other: segment filters, --by and the account JSON see it. Tagged as
        // of the health instant (HealthInstant), like the scores; KPI reports segmented by it use each period's
        // start tiers (KPICalculator, docs/metrics.md segments).
        let latest = dataset.latestActivity
        let latestRecord = HealthInstant.latestRecord(of: dataset, latestActivity: latest)
        calculator = KPICalculator(
            dataset: dataset, settings: settings, touchTiers: health, at: HealthInstant.asOf(now: now, latestActivity: latestRecord))
        let dataset = calculator.dataset
        self.dataset = dataset
        builtAt = now
        knownAttributes = dataset.knownAttributes
        latestActivity = latest
        self.latestRecord = latestRecord
        self.health = HealthEngine(index: HealthIndex(calculator: calculator, settings: health), accounts: dataset.accounts)
    }

    /// The instant the dashboard reports as of: now, or the end of the data if it stops earlier (an archive or a
    /// demo), so that a page never shows only empty periods.
    public func asOf(now: Date) -> Timestamp {
        let clock = Timestamp(seconds: Int64(now.timeIntervalSince1970))
        guard let latestActivity else { return clock }
        return min(clock, latestActivity)
    }
}

/// Keeps each workspace's view between requests, and drops it when the workspace is written to, so that the next
/// read reflects the write: a view is built once per change, not once per request.
///
/// The dataset a view was built from is kept too. When the writes since are all saves of new usage events by this
/// server (`AppendJournal`), the next view appends them to it; any other change loads the workspace from the store.
package actor WorkspaceCache {
    private let store: any VitalsStorage
    /// The server's settings; each workspace's own (`EffectiveSettings`) are made from them and its saved sections.
    package nonisolated let layers: SettingsLayers
    /// Each workspace's effective settings, kept until a section is saved or reset (`invalidateSettings`).
    private var effective: [Int64: EffectiveSettings] = [:]
    private let clock: @Sendable () -> Timestamp
    /// Saves of new usage events, recorded by the ingest writer as they commit.
    package nonisolated let journal = AppendJournal()
    private var views: [Int64: Task<WorkspaceView, any Error>] = [:]
    /// The records each workspace's current view was built from, as of a data version.
    private var bases: [Int64: Base] = [:]
    /// What checking new records needs (the accounts and the currencies with rates), kept apart from the views so
    /// that a stream of event batches does not rebuild a view per batch.
    private var references: [Int64: References] = [:]
    /// Report JSON already computed from the current view, by workspace and normalised query.
    private var reports: [Int64: [String: String]] = [:]
    /// Values derived from the current view (page models, summaries), by workspace and key.
    private var derived: [Int64: [String: any Sendable]] = [:]
    /// Reports kept per workspace; the oldest half is dropped when full.
    private let reportsKept = 256
    /// Workspaces written to since the health service last asked (it re-evaluates them after ingests).
    private var written: Set<Int64> = []
    /// The store's data version (`Store.dataVersion`) each workspace's caches were built from.
    private var versions: [Int64: Int64] = [:]
    /// When each workspace's snapshot was last due to be written (see `view`).
    private var lastSnapshot: [Int64: Timestamp] = [:]
    private static let snapshotInterval: Int64 = 600
    /// How many views were built from records loaded from the store (the others appended the journal's events).
    private(set) var storeLoads = 0
    /// How many times the references of a workspace were read from the store.
    private(set) var referenceLoads = 0
    /// The data version each view being built is built to (its base is out of `bases` meanwhile).
    private var building: [Int64: Int64] = [:]

    /// A workspace's records as of `version`, with the row ids of its accounts in the order of `dataset.accounts`.
    private struct Base: Sendable {
        var dataset: Dataset
        var version: Int64
        var accountRows: [Int64]
    }

    /// Drops the caches of `workspace` when its records changed since they were built, by this process or another
    /// (`vitals import` or `vitals connect` while the server runs). One indexed read per request.
    private func refresh(_ workspace: Int64) throws {
        let current = try store.dataVersion(workspace: workspace)
        guard let known = versions[workspace] else {
            versions[workspace] = current
            return
        }
        guard known != current else { return }
        dropViews(workspace)
        try follow(workspace, from: known, to: current, own: false)
    }

    /// Moves the known data version of `workspace` from `known` to `current`. What the journal shows of the versions
    /// between decides what stays: the references unless a write there changed accounts or rates (or, unless `own`,
    /// one is missing: another process wrote); the records of the last view if every write there appended events.
    /// - Parameter own: the caller made the last write and has dropped the references itself if it changed them.
    private func follow(_ workspace: Int64, from known: Int64, to current: Int64, own: Bool) throws {
        var current = current
        var entries = journal.entries(workspace, after: known, through: current)
        if entries == nil && !own {
            // A commit may be between its end and its recording: once it is recorded, look again.
            (current, entries) = try journal.settled {
                let settled = try store.dataVersion(workspace: workspace)
                return (settled, journal.entries(workspace, after: known, through: settled))
            }
        }
        versions[workspace] = current
        if entries.map({ $0.contains(where: \.changesReferences) }) ?? !own { references[workspace] = nil }
        if let base = bases[workspace] {
            let appendable = journal.entries(workspace, after: base.version, through: current)?.allSatisfy {
                $0.events != nil && $0.accountRows == base.accountRows
            } ?? false
            if !appendable {
                bases[workspace] = nil
                journal.dropEvents(workspace)
            }
        }
        // Entries are kept only as long as a view still has to take them.
        journal.forget(workspace, through: bases[workspace]?.version ?? building[workspace] ?? current)
    }

    /// The workspaces written to since the last call, forgetting them.
    package func takeWritten() -> Set<Int64> {
        defer { written = [] }
        return written
    }

    package init(store: any VitalsStorage, settings: ReportSettings, health: HealthSettings = HealthSettings(),
         clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.init(store: store, layers: SettingsLayers(report: settings, configuration: HealthConfiguration(health: health)), clock: clock)
    }

    package init(store: any VitalsStorage, layers: SettingsLayers, clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.store = store
        self.layers = layers
        self.clock = clock
    }

    /// The settings `workspace` runs with: the server's, with the sections its admins saved in place of the file's.
    package func settings(_ workspace: Int64) throws -> EffectiveSettings {
        if let known = effective[workspace] { return known }
        let made = layers.effective(saved: try store.settings(workspace: workspace))
        effective[workspace] = made
        return made
    }

    /// Forgets the settings of `workspace` and everything computed with them (after a section was saved or reset),
    /// so that the next page, API call and evaluation use the new ones. Other workspaces keep theirs.
    package func invalidateSettings(_ workspace: Int64) {
        effective[workspace] = nil
        dropViews(workspace)
    }

    /// The current view of `workspace`, built from the store if there is none.
    package func view(_ workspace: Int64) async throws -> WorkspaceView {
        try refresh(workspace)
        if let pending = views[workspace] { return try await pending.value }
        let store = self.store
        let effective = try self.settings(workspace)
        let settings = effective.report
        let health = effective.configuration.health
        let journal = self.journal
        let now = clock()
        // Taken, not copied: with the old view gone, the build below is then the only holder of the records and
        // appends to their columns in place instead of copying gigabytes of them first. (Captured by the task as it
        // is, the base would stay referenced by the closure while the build appends to its copy.)
        let handover = Handover(bases.removeValue(forKey: workspace))
        let target = versions[workspace] ?? 0
        building[workspace] = target
        // Read from the rows (or appended to), a workspace gets a snapshot that makes the next start (or a reader in
        // another process) fast; at most one per workspace every `snapshotInterval`, so that a stream of ingests does
        // not rewrite it after every batch. Written after the view is served; the store skips it if records changed
        // meanwhile.
        let snapshotDue = (lastSnapshot[workspace].map { now.seconds - $0.seconds >= Self.snapshotInterval } ?? true)
        let task = Task { () throws -> (WorkspaceView, Base, loaded: Bool) in
            let next: Base
            var fromSnapshot = false
            var loaded = false
            if var base = handover.take(), let appended = journal.entries(workspace, after: base.version, through: target),
                appended.allSatisfy({ $0.events != nil && $0.accountRows == base.accountRows })
            {
                for case let events? in appended.map(\.events) { base.dataset.usageEvents.append(contentsOf: events) }
                base.version = target
                next = base
            } else {
                journal.track(workspace, holdEvents: true)
                let stored = try store.load(workspace: workspace)
                next = Base(dataset: stored.dataset, version: stored.dataVersion, accountRows: stored.accountRows)
                fromSnapshot = stored.fromSnapshot
                loaded = true
            }
            journal.forget(workspace, through: next.version)
            let view = WorkspaceView(dataset: next.dataset, settings: settings, health: health, now: now)
            if !fromSnapshot && snapshotDue {
                Task.detached(priority: .background) {
                    try? store.writeSnapshot(next.dataset, workspace: workspace, dataVersion: next.version)
                }
            }
            return (view, next, loaded)
        }
        let viewTask = Task { try await task.value.0 }
        if snapshotDue { lastSnapshot[workspace] = now }
        views[workspace] = viewTask
        defer { if building[workspace] == target { building[workspace] = nil } }
        do {
            let (view, next, loaded) = try await task.value
            if loaded { storeLoads += 1 }
            // The records as of `next.version` are right whatever changed meanwhile: later changes are either in the
            // journal or found missing by the next `refresh`.
            if (bases[workspace]?.version ?? -1) < next.version { bases[workspace] = next }
            return view
        } catch {
            if views[workspace] == viewTask { views[workspace] = nil }
            throw error
        }
    }

    /// The report JSON for `query` (the period, grain and segment, normalised by the caller), computed by `make`
    /// from the current view unless an identical report was asked for since the last write.
    package func report(_ workspace: Int64, query: String, make: @Sendable (WorkspaceView) throws -> String) async throws -> String {
        try refresh(workspace)
        if let known = reports[workspace]?[query] { return known }
        let view = try await view(workspace)
        let json = try make(view)
        var kept = reports[workspace] ?? [:]
        if kept.count >= reportsKept { kept = [:] }
        kept[query] = json
        reports[workspace] = kept
        return json
    }

    /// A value derived from the current view by `make`, kept until the next write to the workspace.
    package func derived<T: Sendable>(_ workspace: Int64, key: String, make: @Sendable (WorkspaceView) throws -> T) async throws -> T {
        try refresh(workspace)
        if let known = derived[workspace]?[key] as? T { return known }
        let view = try await view(workspace)
        let value = try make(view)
        var kept = derived[workspace] ?? [:]
        if kept.count >= reportsKept { kept = [:] }
        kept[key] = value
        derived[workspace] = kept
        return value
    }

    /// The accounts of `workspace` and the currencies it has rates for.
    package func references(_ workspace: Int64) throws -> References {
        try refresh(workspace)
        if let known = references[workspace] { return known }
        journal.track(workspace)
        referenceLoads += 1
        let loaded = References(
            accounts: try store.accounts(workspace: workspace), rows: try store.accountRowIDs(workspace: workspace),
            rated: try store.ratedCurrencies(workspace: workspace))
        references[workspace] = loaded
        return loaded
    }

    /// The account of each stored contact of `workspace`, for checking the contacts activities name.
    package func contactOwners(_ workspace: Int64) throws -> [ContactID: AccountID] {
        try store.contactOwners(workspace: workspace)
    }

    /// Forgets the view and reports of `workspace` after a write, and its references too when the write changed
    /// accounts or rates. The view's records stay when the journal holds the write (see `refresh`).
    package func invalidate(_ workspace: Int64, references changed: Bool = true) {
        dropViews(workspace)
        if changed { references[workspace] = nil }
        // This process's own write is accounted for here, so that `refresh` does not drop the references again.
        guard let current = try? store.dataVersion(workspace: workspace) else { return }
        if let known = versions[workspace], known != current {
            try? follow(workspace, from: known, to: current, own: true)
        } else {
            versions[workspace] = current
        }
    }

    /// Forgets what was computed from the current view of `workspace`.
    private func dropViews(_ workspace: Int64) {
        written.insert(workspace)
        views[workspace] = nil
        reports[workspace] = nil
        derived[workspace] = nil
    }
}

/// A value handed to a task that takes it once, leaving no reference behind (a closure's captured constant would
/// keep one for the closure's lifetime).
private final class Handover<Value>: @unchecked Sendable {
    // Read and cleared once, by the one task it is handed to.
    private var value: Value?

    package init(_ value: Value?) { self.value = value }

    package func take() -> Value? {
        defer { value = nil }
        return value
    }
}

/// The stored accounts (with their row ids, in the same order) and rated currencies of a workspace.
package struct References: Sendable {
    package let accounts: [Account]
    package let rows: [Int64]
    package let rated: Set<CurrencyCode>
    /// The index of each account in `accounts`, by its external id.
    package let indexes: [String: Int]

    package init(accounts: [Account], rows: [Int64], rated: Set<CurrencyCode>) {
        self.accounts = accounts
        self.rows = rows
        self.rated = rated
        indexes = Dictionary(accounts.enumerated().map { ($1.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
