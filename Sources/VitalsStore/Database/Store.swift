import Foundation
import GRDB
import VitalsCore

/// The embedded store: one SQLite file in WAL mode holding every workspace's records, with full synchronous commits
/// so that a write reported as done survives a crash or a power cut.
///
/// Nothing reads across workspaces: every query names the workspace it serves.
public final class Store: Sendable {
    /// The default file name, in the working directory.
    public static let defaultPath = "vitals.sqlite"
    /// The workspace the embedded default creates.
    public static let defaultWorkspace = "default"

    package let pool: DatabasePool
    public let path: String
    /// A save of at least this many rows of a kind into an empty table rebuilds its indexes (`LoadPath.rebuild`).
    let rebuildThreshold: Int
    /// A save of at least this many records is written by `writeLarge`.
    let largeSave: Int

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public convenience init(path: String) throws(StoreError) {
        try self.init(path: path, rebuildThreshold: LoadPath.rebuildThreshold)
    }

    /// Each connection's page cache, as `PRAGMA cache_size` takes it (negative: kibibytes): 256 MB.
    static let cacheSize = -262_144

    /// As `init(path:)`, with the size from which a save into an empty table rebuilds its indexes and the size of a
    /// large save (small in tests).
    init(path: String, rebuildThreshold: Int, largeSave: Int = Store.largeSave) throws(StoreError) {
        self.rebuildThreshold = rebuildThreshold
        self.largeSave = largeSave
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Up to 256 MB of pages per connection: a large import then writes each page to the log once, at commit,
            // instead of spilling the cache to disk again and again mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = \(Store.cacheSize)")
        }
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path, reason: "\(error)")
        }
    }

    /// The id of the workspace `slug`, created (with `slug` as its name) if `create` and it does not exist.
    public func workspace(_ slug: String, create: Bool = true) throws(StoreError) -> Int64 {
        do {
            return try pool.write { db in
                if let id = try Int64.fetchOne(db, sql: "SELECT id FROM workspace WHERE slug = ?", arguments: [slug]) {
                    return id
                }
                guard create else { throw StoreError.unknownWorkspace(slug) }
                try db.execute(sql: "INSERT INTO workspace (slug, name) VALUES (?, ?)", arguments: [slug, slug])
                return db.lastInsertedRowID
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed("opening workspace '\(slug)'", reason: "\(error)")
        }
    }

    /// Runs `body` in one write transaction: all of it is stored, or none of it.
    package func write<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(what, reason: "\(error)")
        }
    }

    /// As `write`, for a transaction that writes so many pages that spilling them mid-transaction would cost more
    /// than keeping them: the connection keeps every page it changes in memory until the commit (which then writes
    /// each once, in file order), and gives the memory back afterwards.
    ///
    /// SQLite spills the pages it dirtied first, which in a long bulk transaction are the B-trees' hot inner and
    /// rightmost pages: they were written to the log again and again (on the 26-million-row benchmark, about 20 GB of
    /// writes for a 2.6 GB file).
    /// - Parameter checkingForeignKeys: false when `body` writes only references it made itself in the transaction
    ///   (row ids it just read or wrote), so that SQLite's look-up of the parent row for every row is redundant: it
    ///   was a third of the CPU of a 20-million-event import. Foreign keys are on again afterwards.
    package func writeLarge<T>(
        _ what: String, checkingForeignKeys: Bool = true, _ body: (Database) throws -> T
    ) throws(StoreError) -> T {
        try writeWithoutTransaction(what) { db in
            // Both settings apply to the connection, and foreign_keys only outside a transaction.
            try db.execute(sql: "PRAGMA cache_spill = OFF")
            if !checkingForeignKeys { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
            defer { try? db.execute(sql: "PRAGMA cache_spill = ON; PRAGMA foreign_keys = ON; PRAGMA shrink_memory") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Runs `body` on the writing connection outside a transaction: for writers that set connection settings around
    /// their transactions, or make several.
    package func writeWithoutTransaction<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(what, reason: "\(error)")
        }
    }

    package func read<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw .failed(what, reason: "\(error)")
        }
    }
}

public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(String, reason: String)
    case unknownWorkspace(String)
    case failed(String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the store \(path): \(reason)"
        case .unknownWorkspace(let slug): "no workspace '\(slug)' in the store"
        case .failed(let what, let reason): "\(what) failed: \(reason)"
        }
    }
}
