import Foundation
import VitalsCore
import VitalsStore

/// What the read routes of one workspace compute from: its dataset and a calculator built once over it.
public struct WorkspaceView: Sendable {
    public let dataset: Dataset
    public let calculator: KPICalculator
    public let knownAttributes: Set<String>

    init(dataset: Dataset, settings: ReportSettings) {
        self.dataset = dataset
        calculator = KPICalculator(dataset: dataset, settings: settings)
        knownAttributes = Set(Account.builtInAttributes).union(dataset.accounts.flatMap { $0.attributes.keys })
    }
}

/// Keeps each workspace's view between requests, and drops it when the workspace is written to, so that the next
/// read reflects the write: a view is built once per change, not once per request.
actor WorkspaceCache {
    private let store: Store
    private let settings: ReportSettings
    private var views: [Int64: Task<WorkspaceView, any Error>] = [:]
    /// Report JSON already computed from the current view, by workspace and normalised query.
    private var reports: [Int64: [String: String]] = [:]
    /// Reports kept per workspace; the oldest half is dropped when full.
    private let reportsKept = 256

    init(store: Store, settings: ReportSettings) {
        self.store = store
        self.settings = settings
    }

    /// The current view of `workspace`, built from the store if there is none.
    func view(_ workspace: Int64) async throws -> WorkspaceView {
        if let pending = views[workspace] { return try await pending.value }
        let store = self.store
        let settings = self.settings
        // Concurrent readers of a cold workspace share one build.
        let task = Task { try WorkspaceView(dataset: store.dataset(workspace: workspace), settings: settings) }
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
        if let known = reports[workspace]?[query] { return known }
        let view = try await view(workspace)
        let json = try make(view)
        var kept = reports[workspace] ?? [:]
        if kept.count >= reportsKept { kept = [:] }
        kept[query] = json
        reports[workspace] = kept
        return json
    }

    /// Forgets the view and reports of `workspace` after a write.
    func invalidate(_ workspace: Int64) {
        views[workspace] = nil
        reports[workspace] = nil
    }
}
