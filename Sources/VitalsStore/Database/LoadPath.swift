import GRDB

/// How a save writes the rows of one table, chosen from what the table already holds.
///
/// Every path stores the same rows: the upsert replaces a row with the same key, and the other two run only when no
/// stored row can have the key of an incoming one. The loader has already refused two records with the same key in
/// one dataset, and the unique indexes still check it, so a path never stores a duplicate: it fails the transaction.
enum LoadPath: Equatable, Sendable {
    /// The workspace has rows of this kind: each row is inserted or, when its key is stored, updated.
    case upsert
    /// The workspace has none: plain inserts, without looking for a row to update.
    case insert
    /// The table is empty and many rows come: its named indexes are dropped, the rows inserted, and the indexes built
    /// again with `CREATE INDEX`, which sorts the keys once instead of inserting them into B-trees one by one. All in
    /// the save's transaction: another connection sees the table with its indexes before and after, never without.
    case rebuild

    /// Fewer rows than this go in by `insert` even into an empty table: rebuilding an index is not worth it.
    static let rebuildThreshold = 100_000

    /// The path for saving `rows` rows of `workspace` into `table` (which has a `workspace_id` column).
    static func choose(
        _ db: Database, table: String, workspace: Int64, rows: Int, rebuildThreshold: Int = rebuildThreshold
    ) throws -> LoadPath {
        let inWorkspace = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE workspace_id = ?)", arguments: [workspace]) ?? true
        if inWorkspace { return .upsert }
        guard rows >= rebuildThreshold else { return .insert }
        let anyRow = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") ?? true
        return anyRow ? .insert : .rebuild
    }

    /// Runs `insert` with the named indexes of `table` dropped, then builds them again (same SQL, same names).
    /// Indexes that come from a UNIQUE clause of the table cannot be dropped and stay.
    static func withIndexesRebuilt<T>(_ db: Database, table: String, _ insert: () throws -> T) throws -> T {
        let indexes = try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            arguments: [table]
        ).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
        for index in indexes { try db.execute(sql: "DROP INDEX \(index.name.quotedDatabaseIdentifier)") }
        let result = try insert()
        // SQLite's sorter may use a helper thread per core for the index builds.
        let threads = try Int.fetchOne(db, sql: "PRAGMA threads") ?? 0
        try db.execute(sql: "PRAGMA threads = 2")
        defer { try? db.execute(sql: "PRAGMA threads = \(threads)") }
        for index in indexes { try db.execute(sql: index.sql) }
        return result
    }
}
