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

    /// Forgets the view of `workspace` after a write.
    func invalidate(_ workspace: Int64) {
        views[workspace] = nil
    }
}
