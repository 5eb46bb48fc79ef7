import GRDB
import VitalsCore

/// The records of one write (an HTTP request), to be saved with others in one transaction.
public struct SaveRequest: Sendable {
    public var dataset: Dataset
    public var workspace: Int64
    /// As for `Store.save(_:workspace:storedAccounts:progress:)`.
    public var storedAccounts: [Int64]?

    public init(_ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]? = nil) {
        self.dataset = dataset
        self.workspace = workspace
        self.storedAccounts = storedAccounts
    }
}

extension Store {
    /// Saves several writes in one transaction with one commit, so one fsync makes them all durable (group commit).
    ///
    /// The writes run one after another in the transaction. If one fails, the transaction is rolled back and each
    /// write is saved again alone, in its own transaction: the one that failed stores nothing and the others are
    /// stored. (Savepoints per write would avoid the second pass, but SQLite then journals every page each statement
    /// touches: five times the writes of the whole ingest.) The results, in the writes' order, are known only once
    /// committed; each write is then exactly as if saved alone by `save(_:workspace:storedAccounts:progress:)`.
    public func save(_ requests: [SaveRequest]) -> [Result<SaveSummary, StoreError>] {
        guard requests.count > 1 else { return requests.map(saveAlone) }
        let threshold = rebuildThreshold
        do {
            let summaries = try pool.write { db in
                try requests.map { request in
                    try Store.save(
                        request.dataset, workspace: request.workspace, storedAccounts: request.storedAccounts,
                        rebuildThreshold: threshold, progress: nil, db)
                }
            }
            return summaries.map { .success($0) }
        } catch {
            return requests.map(saveAlone)
        }
    }

    private func saveAlone(_ request: SaveRequest) -> Result<SaveSummary, StoreError> {
        Result { () throws(StoreError) in
            try save(request.dataset, workspace: request.workspace, storedAccounts: request.storedAccounts)
        }
    }
}
