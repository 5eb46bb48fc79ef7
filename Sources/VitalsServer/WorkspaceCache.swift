import Foundation
import VitalsCore
import VitalsStore

/// What the read routes of one workspace compute from: its dataset and a calculator built once over it.
public struct WorkspaceView: Sendable {
    public let dataset: Dataset
    public let calculator: KPICalculator
    public let knownAttributes: Set<String>
    /// The last instant any record speaks of (see `Dataset.latestActivity`), found once per view.
    public let latestActivity: Timestamp?
    /// Health scoring over the same dataset (accounts tagged with their touch tier as of `builtAt`).
    public let health: HealthEngine
    public let builtAt: Timestamp

    init(dataset: Dataset, settings: ReportSettings, health: HealthSettings = HealthSettings(), now: Timestamp = .now) {
        // The touch tier is an attribute like any other: segment filters, --by and the account JSON see it.
        let dataset = TouchModel.tagged(dataset, settings: health, at: now)
        self.dataset = dataset
        builtAt = now
        calculator = KPICalculator(dataset: dataset, settings: settings)
        knownAttributes = Set(Account.builtInAttributes).union(dataset.accounts.flatMap { $0.attributes.keys })
        latestActivity = dataset.latestActivity
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
actor WorkspaceCache {
    private let store: Store
    private let settings: ReportSettings
    private let health: HealthSettings
    private let clock: @Sendable () -> Timestamp
    private var views: [Int64: Task<WorkspaceView, any Error>] = [:]
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

    /// Drops the caches of `workspace` when its records changed since they were built, by this process or another
    /// (`vitals import` or `vitals connect` while the server runs). One indexed read per request.
    private func refresh(_ workspace: Int64) throws {
        let current = try store.dataVersion(workspace: workspace)
        if let known = versions[workspace], known != current { invalidate(workspace) }
        versions[workspace] = current
    }

    /// The workspaces written to since the last call, forgetting them.
    func takeWritten() -> Set<Int64> {
        defer { written = [] }
        return written
    }

    init(store: Store, settings: ReportSettings, health: HealthSettings = HealthSettings(),
         clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.store = store
        self.settings = settings
        self.health = health
        self.clock = clock
    }

    /// The current view of `workspace`, built from the store if there is none.
    func view(_ workspace: Int64) async throws -> WorkspaceView {
        try refresh(workspace)
        if let pending = views[workspace] { return try await pending.value }
        let store = self.store
        let settings = self.settings
        let health = self.health
        let now = clock()
        // Concurrent readers of a cold workspace share one build.
        // Read from the rows, a workspace gets a snapshot that makes the next start (or a reader in another process)
        // fast; at most one per workspace every `snapshotInterval`, so that a stream of ingests does not rewrite it
        // after every batch. Written after the view is served; the store skips it if records changed meanwhile.
        let snapshotDue = (lastSnapshot[workspace].map { now.seconds - $0.seconds >= Self.snapshotInterval } ?? true)
        let task = Task {
            let loaded = try store.load(workspace: workspace)
            let view = try WorkspaceView(dataset: loaded.dataset, settings: settings, health: health, now: now)
            if !loaded.fromSnapshot && snapshotDue {
                Task.detached(priority: .background) {
                    try? store.writeSnapshot(loaded.dataset, workspace: workspace, dataVersion: loaded.dataVersion)
                }
            }
            return view
        }
        if snapshotDue { lastSnapshot[workspace] = now }
        views[workspace] = task
        do {
            return try await task.value
        } catch {
            views[workspace] = nil
            throw error
        }
    }

    /// The report JSON for `query` (the period, grain and segment, normalised by the caller), computed by `make`
    /// from the current view unless an identical report was asked for since the last write.
    func report(_ workspace: Int64, query: String, make: @Sendable (WorkspaceView) throws -> String) async throws -> String {
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
    func derived<T: Sendable>(_ workspace: Int64, key: String, make: @Sendable (WorkspaceView) throws -> T) async throws -> T {
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
    func references(_ workspace: Int64) throws -> References {
        try refresh(workspace)
        if let known = references[workspace] { return known }
        let loaded = References(
            accounts: try store.accounts(workspace: workspace), rows: try store.accountRowIDs(workspace: workspace),
            rated: try store.ratedCurrencies(workspace: workspace))
        references[workspace] = loaded
        return loaded
    }

    /// Forgets the view and reports of `workspace` after a write, and its references too when the write changed
    /// accounts or rates.
    func invalidate(_ workspace: Int64, references changed: Bool = true) {
        written.insert(workspace)
        views[workspace] = nil
        reports[workspace] = nil
        derived[workspace] = nil
        if changed { references[workspace] = nil }
        // This process's own write is accounted for here, so that `refresh` does not drop the references again.
        if let current = try? store.dataVersion(workspace: workspace) { versions[workspace] = current }
    }
}

/// The stored accounts (with their row ids, in the same order) and rated currencies of a workspace.
struct References: Sendable {
    var accounts: [Account]
    var rows: [Int64]
    var rated: Set<CurrencyCode>
}
