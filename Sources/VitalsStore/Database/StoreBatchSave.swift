import GRDB
import VitalsCore

/// The records of one write (an HTTP request), to be saved with others in one transaction.
public struct SaveRequest: Sendable {
    public var dataset: Dataset
    public var workspace: Int64
    /// As for `Store.save(_:workspace:storedAccounts:progress:)`.
    public var storedAccounts: [Int64]?
    /// Emails queued in the same transaction as the records that cause them (survey invitations), at `emailedAt`.
    public var emails: [NewEmail]
    public var emailedAt: Timestamp

    public init(
        _ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]? = nil, emails: [NewEmail] = [],
        emailedAt: Timestamp = Timestamp(seconds: 0)
    ) {
        self.dataset = dataset
        self.workspace = workspace
        self.storedAccounts = storedAccounts
        self.emails = emails
        self.emailedAt = emailedAt
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
                    try Store.save(request, rebuildThreshold: threshold, db)
                }
            }
            return summaries.map { .success($0) }
        } catch {
            return requests.map(saveAlone)
        }
    }

    /// One request inside the caller's transaction: its records, then its emails.
    private static func save(_ request: SaveRequest, rebuildThreshold: Int, _ db: Database) throws -> SaveSummary {
        let summary = try Store.save(
            request.dataset, workspace: request.workspace, storedAccounts: request.storedAccounts,
            rebuildThreshold: rebuildThreshold, progress: nil, db)
        if !request.emails.isEmpty {
            _ = try Store.insertEmails(request.emails, workspace: request.workspace, at: request.emailedAt, in: db)
        }
        return summary
    }

    private func saveAlone(_ request: SaveRequest) -> Result<SaveSummary, StoreError> {
        let threshold = rebuildThreshold
        if !request.emails.isEmpty {
            return Result { () throws(StoreError) in
                try write("saving the records and their emails") { db in try Store.save(request, rebuildThreshold: threshold, db) }
            }
        }
        return Result { () throws(StoreError) in
            try save(request.dataset, workspace: request.workspace, storedAccounts: request.storedAccounts)
        }
    }
}
