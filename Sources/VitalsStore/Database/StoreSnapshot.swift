import Foundation
import GRDB
import GRDBSQLite
import VitalsCore

extension Schema {
    /// 0008: each workspace's dataset snapshot (`DatasetSnapshot`), in parts of at most `Store.snapshotPartSize`
    /// bytes (SQLite caps a value at 1 GB). The rows stay the truth: a snapshot is used only while every part carries
    /// the workspace's current `data_version`, and any write to the records moves that on.
    static func registerSnapshot(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0008 dataset snapshot") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_snapshot (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    data_version INTEGER NOT NULL,
                    part INTEGER NOT NULL CHECK (part >= 0),
                    bytes BLOB NOT NULL,
                    UNIQUE (workspace_id, part)
                ) STRICT;
                """)
        }
    }
}

extension Store {
    public static let snapshotPartSize = 64 << 20

    /// A workspace's records as loaded, and where they came from.
    public struct LoadedDataset: Sendable {
        public var dataset: Dataset
        /// The workspace's `dataVersion` the records are as of.
        public var dataVersion: Int64
        /// Whether they came from the snapshot (else from the rows, and a fresh snapshot would speed the next load).
        public var fromSnapshot: Bool
    }

    /// Everything `workspace` holds: from its snapshot when that is current, else from the rows (`rowDataset`), in
    /// one read transaction either way.
    public func load(workspace: Int64) throws(StoreError) -> LoadedDataset {
        try read("reading the workspace") { db in
            let version = try Int64.fetchOne(
                db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace]) ?? 0
            if let dataset = try Store.snapshot(db, workspace: workspace, version: version) {
                return LoadedDataset(dataset: dataset, dataVersion: version, fromSnapshot: true)
            }
            return LoadedDataset(
                dataset: try Store.rowDataset(db, workspace: workspace), dataVersion: version, fromSnapshot: false)
        }
    }

    /// Everything `workspace` holds, as the dataset the KPIs are computed from: the same dataset `DatasetLoader`
    /// reads from the folder the records were imported from.
    public func dataset(workspace: Int64) throws(StoreError) -> Dataset { try load(workspace: workspace).dataset }

    /// Stores `dataset` as the snapshot of `workspace`'s records at `dataVersion`, replacing any older one. Does
    /// nothing and returns false when the records have moved on since (another write came first).
    /// - Parameter partSize: the most bytes one row holds (tests make it small to exercise several parts).
    @discardableResult
    public func writeSnapshot(
        _ dataset: Dataset, workspace: Int64, dataVersion: Int64, partSize: Int = Store.snapshotPartSize
    ) throws(StoreError) -> Bool {
        let bytes = DatasetSnapshot.encode(dataset)
        return try writeReplacingSnapshot("writing the dataset snapshot") { db in
            let current = try Int64.fetchOne(
                db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace])
            guard current == dataVersion else { return false }
            try db.execute(sql: "DELETE FROM dataset_snapshot WHERE workspace_id = ?", arguments: [workspace])
            let statement = try db.makeStatement(
                sql: "INSERT INTO dataset_snapshot (workspace_id, data_version, part, bytes) VALUES (?, ?, ?, ?)")
            let s = statement.sqliteStatement
            try bytes.withUnsafeBytes { all in
                var part: Int64 = 0
                for start in stride(from: 0, to: max(all.count, 1), by: partSize) {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<min(all.count, start + partSize)])
                    sqlite3_reset(s)
                    sqlite3_bind_int64(s, 1, workspace)
                    sqlite3_bind_int64(s, 2, dataVersion)
                    sqlite3_bind_int64(s, 3, part)
                    // SQLITE_STATIC: the bytes outlive the statement's step.
                    sqlite3_bind_blob64(s, 4, slice.baseAddress, sqlite3_uint64(slice.count), nil)
                    let code = sqlite3_step(s)
                    guard code == SQLITE_DONE else { throw Store.sqliteError(db, code) }
                    part += 1
                }
                sqlite3_reset(s)
                sqlite3_clear_bindings(s)
            }
            return true
        }
    }

    /// Runs `body` in one write transaction with secure deletion relaxed to FAST: the system SQLite here overwrites
    /// every freed page with zeros (SECURE_DELETE), which for a replaced snapshot of a large workspace means writing
    /// a gigabyte of zeros through the log. FAST still clears freed content inside b-tree pages; the old snapshot's
    /// overflow pages are left to be reused by the new one, which is written at once into the same free pages.
    private func writeReplacingSnapshot<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                let previous = try String.fetchOne(db, sql: "PRAGMA secure_delete") ?? "1"
                try db.execute(sql: "PRAGMA secure_delete = FAST")
                defer { try? db.execute(sql: "PRAGMA secure_delete = \(previous == "0" ? "OFF" : previous == "2" ? "FAST" : "ON")") }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(what, reason: "\(error)")
        }
    }

    /// Drops `workspace`'s snapshot (the records are then read from the rows until a new one is written).
    public func dropSnapshot(workspace: Int64) throws(StoreError) {
        try write("dropping the dataset snapshot") { db in
            try db.execute(sql: "DELETE FROM dataset_snapshot WHERE workspace_id = ?", arguments: [workspace])
        }
    }

    /// The snapshot of `workspace` when every part of it is at `version`; nil when there is none, it is older, or it
    /// does not decode (a part missing or cut short, another format): the rows are then read instead. The bytes are
    /// trusted as the rows are (no checksum: SQLite keeps none for rows either); decoding checks every length and
    /// every index, so damage can mislead but never crash.
    static func snapshot(_ db: Database, workspace: Int64, version: Int64) throws -> Dataset? {
        let parts = try Row.fetchAll(
            db,
            sql: """
                SELECT id, data_version, part, length(bytes) FROM dataset_snapshot WHERE workspace_id = ? ORDER BY part
                """, arguments: [workspace])
        guard !parts.isEmpty,
            parts.enumerated().allSatisfy({ k, row in row[1] as Int64 == version && row[2] as Int64 == Int64(k) })
        else { return nil }
        guard let connection = db.sqliteConnection else { return nil }
        var source = BlobSource(
            connection: connection, parts: parts.map { (rowID: $0[0], length: $0[3]) })
        defer { source.close() }
        return try? DatasetSnapshot.decode(&source)
    }

    /// The parts of a snapshot as one stream of bytes, read with SQLite's incremental blob reads: each byte is
    /// copied once, from the database pages to where the caller wants it.
    struct BlobSource: SnapshotSource {
        let connection: OpaquePointer
        let parts: [(rowID: Int64, length: Int)]
        private var part = 0
        private var offset = 0
        private var blob: OpaquePointer?
        private(set) var remaining: Int

        init(connection: OpaquePointer, parts: [(rowID: Int64, length: Int)]) {
            self.connection = connection
            self.parts = parts
            remaining = parts.reduce(0) { $0 + $1.length }
        }

        mutating func read(into destination: UnsafeMutableRawPointer, count: Int) throws(SnapshotReader.Damaged) {
            guard count >= 0, count <= remaining else { throw SnapshotReader.Damaged(description: "the snapshot ends early") }
            var done = 0
            while done < count {
                if offset == parts[part].length {
                    close()
                    part += 1
                    offset = 0
                    continue
                }
                if blob == nil {
                    guard sqlite3_blob_open(connection, "main", "dataset_snapshot", "bytes", parts[part].rowID, 0, &blob)
                        == SQLITE_OK
                    else {
                        close()
                        throw SnapshotReader.Damaged(description: String(cString: sqlite3_errmsg(connection)))
                    }
                }
                let n = min(count - done, parts[part].length - offset)
                guard sqlite3_blob_read(blob, destination + done, Int32(n), Int32(offset)) == SQLITE_OK else {
                    throw SnapshotReader.Damaged(description: String(cString: sqlite3_errmsg(connection)))
                }
                done += n
                offset += n
                remaining -= n
            }
        }

        mutating func close() {
            if let blob { sqlite3_blob_close(blob) }
            blob = nil
        }
    }

    static func sqliteError(_ db: Database, _ code: Int32) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(code)"
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
