import GRDB

extension Store {
    /// The count of committed writes to the records of `workspace` (by any process). It changes with every import,
    /// ingest, delete, Stripe event and tracking batch, and with nothing else (sessions, alerts, tasks, goals).
    public func dataVersion(workspace: Int64) throws(StoreError) -> Int64 {
        try read("reading the data version") { db in
            try Int64.fetchOne(db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace]) ?? 0
        }
    }

    /// Counts a write to the records of `workspace`, inside the writing transaction; returns the new version.
    @discardableResult
    package static func bumpDataVersion(_ db: Database, workspace: Int64) throws -> Int64 {
        try Int64.fetchOne(
            db, sql: "UPDATE workspace SET data_version = data_version + 1 WHERE id = ? RETURNING data_version",
            arguments: [workspace]) ?? 0
    }
}
