import Foundation
import GRDB
import GRDBSQLite
import VitalsCore

extension Store {
    public static let snapshotPartSize = 64 << 20

    /// Everything `workspace` holds: from its snapshot when that is current, else from the rows (`rowDataset`), in
    /// one read transaction either way. The usage events come without their ids (`UsageLog.hasIDs`): nothing computed
    /// needs them, and they would be a third of the events' memory.
    public func load(workspace: Int64) throws(StoreError) -> LoadedDataset {
        try read("reading the workspace") { db in
            let version = try Int64.fetchOne(
                db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace]) ?? 0
            let rows = try Store.accountRowIDs(db, workspace: workspace)
            if let dataset = try Store.snapshot(db, workspace: workspace, version: version) {
                return LoadedDataset(dataset: dataset, dataVersion: version, fromSnapshot: true, accountRows: rows)
            }
            return LoadedDataset(
                dataset: try Store.rowDataset(db, workspace: workspace), dataVersion: version, fromSnapshot: false,
                accountRows: rows)
        }
    }

    /// Everything `workspace` holds, as the dataset the KPIs are computed from: the same dataset `DatasetLoader`
    /// reads from the folder the records were imported from (less the usage events' ids, as `load`).
    public func dataset(workspace: Int64) throws(StoreError) -> Dataset { try load(workspace: workspace).dataset }

    /// Stores `dataset` as the snapshot of `workspace`'s records at `dataVersion`, replacing any older one: first the
    /// old one goes, then each part is written in a transaction of its own, then the `dataset_snapshot` row that makes
    /// it readable. Stops, and returns false, as soon as the records move on (another write came first); the parts
    /// written so far are then unreadable leftovers that the next snapshot replaces.
    /// - Parameter partSize: the most bytes one row holds (tests make it small to exercise several parts).
    @discardableResult
    public func writeSnapshot(_ dataset: Dataset, workspace: Int64, dataVersion: Int64) throws(StoreError) -> Bool {
        try writeSnapshot(dataset, workspace: workspace, dataVersion: dataVersion, partSize: Store.snapshotPartSize)
    }

    /// `writeSnapshot` with parts of at most `partSize` bytes (tests make it small to exercise several parts).
    @discardableResult
    public func writeSnapshot(
        _ dataset: Dataset, workspace: Int64, dataVersion: Int64, partSize: Int
    ) throws(StoreError) -> Bool {
        let (bytes, boundaries) = DatasetSnapshot.encodeWithBoundaries(dataset)
        /// Runs `body` in a transaction of its own, committed if it returns true.
        func transaction(_ db: Database, _ body: () throws -> Bool) throws -> Bool {
            var done = false
            try db.inTransaction {
                done = try body()
                return done ? .commit : .rollback
            }
            return done
        }
        func current(_ db: Database) throws -> Bool {
            try Int64.fetchOne(db, sql: "SELECT data_version FROM workspace WHERE id = ?", arguments: [workspace])
                == dataVersion
        }
        return try writeReplacingSnapshot("writing the dataset snapshot") { db in
            guard try transaction(db, {
                guard try current(db) else { return false }
                try db.execute(sql: "DELETE FROM dataset_snapshot WHERE workspace_id = ?", arguments: [workspace])
                try db.execute(sql: "DELETE FROM dataset_snapshot_part WHERE workspace_id = ?", arguments: [workspace])
                return true
            }) else { return false }
            let statement = try db.makeStatement(
                sql: "INSERT INTO dataset_snapshot_part (workspace_id, part, bytes) VALUES (?, ?, ?)")
            let s = statement.sqliteStatement
            defer {
                sqlite3_reset(s)
                sqlite3_clear_bindings(s)
            }
            let starts = Store.partStarts(byteCount: bytes.count, boundaries: boundaries, partSize: partSize)
            for (part, start) in starts.enumerated() {
                let written = try transaction(db) {
                    guard try current(db) else { return false }
                    try bytes.withUnsafeBytes { all in
                        let end = part + 1 < starts.count ? starts[part + 1] : all.count
                        let slice = UnsafeRawBufferPointer(rebasing: all[start..<end])
                        sqlite3_reset(s)
                        sqlite3_bind_int64(s, 1, workspace)
                        sqlite3_bind_int64(s, 2, Int64(part))
                        // SQLITE_STATIC: the bytes outlive the statement's step.
                        sqlite3_bind_blob64(s, 3, slice.baseAddress, sqlite3_uint64(slice.count), nil)
                        let code = sqlite3_step(s)
                        guard code == SQLITE_DONE else { throw Store.sqliteError(db, code) }
                    }
                    return true
                }
                guard written else { return false }
            }
            return try transaction(db) {
                guard try current(db) else { return false }
                try db.execute(
                    sql: "INSERT INTO dataset_snapshot (workspace_id, data_version, parts, byte_count) VALUES (?, ?, ?, ?)",
                    arguments: [workspace, dataVersion, starts.count, bytes.count])
                return true
            }
        }
    }

    /// Where each part of a snapshot of `byteCount` bytes starts: at every boundary (the front of a section or of a
    /// usage column, where a reader starts on its own) and every `partSize` bytes after it. A reader then opens each
    /// part at its front: SQLite finds a place inside a large value only by reading every page before it.
    static func partStarts(byteCount: Int, boundaries: [Int], partSize: Int) -> [Int] {
        let fronts = ([0] + boundaries.filter { $0 > 0 && $0 < byteCount }).sorted()
        var starts: [Int] = []
        for (k, front) in fronts.enumerated() {
            let end = k + 1 < fronts.count ? fronts[k + 1] : byteCount
            starts.append(contentsOf: stride(from: front, to: end, by: partSize))
        }
        return starts.isEmpty ? [0] : starts
    }

    /// Runs `body` (which makes its own transactions) with secure deletion relaxed to FAST: the system SQLite here
    /// overwrites every freed page with zeros (SECURE_DELETE), which for a replaced snapshot of a large workspace
    /// means writing a gigabyte of zeros through the log. FAST still clears freed content inside b-tree pages; the
    /// old snapshot's overflow pages are left free, and the new snapshot, written next, reuses them.
    private func writeReplacingSnapshot<T>(_ what: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        try writeWithoutTransaction(what) { db in
            let previous = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 1
            try db.execute(sql: "PRAGMA secure_delete = FAST")
            defer { try? db.execute(sql: "PRAGMA secure_delete = \(previous == 0 ? "OFF" : previous == 2 ? "FAST" : "ON")") }
            return try body(db)
        }
    }

    /// The snapshot of `workspace` when every part of it is at `version`; nil when there is none, it is older, or it
    /// does not decode (a part missing or cut short, another format): the rows are then read instead. The bytes are
    /// trusted as the rows are (no checksum: SQLite keeps none for rows either); decoding checks every length and
    /// every index, so damage can mislead but never crash.
    static func snapshot(_ db: Database, workspace: Int64, version: Int64) throws -> Dataset? {
        guard let head = try Row.fetchOne(
            db, sql: "SELECT data_version, parts, byte_count FROM dataset_snapshot WHERE workspace_id = ?",
            arguments: [workspace]), head[0] as Int64 == version
        else { return nil }
        let parts = try Row.fetchAll(
            db,
            sql: "SELECT id, part, length(bytes) FROM dataset_snapshot_part WHERE workspace_id = ? ORDER BY part",
            arguments: [workspace])
        guard parts.count == head[1] as Int, parts.enumerated().allSatisfy({ k, row in row[1] as Int == k }),
            parts.reduce(0, { $0 + ($1[2] as Int) }) == head[2] as Int
        else { return nil }
        guard let connection = db.sqliteConnection else { return nil }
        // The blob reads pass through SQLite's page cache, which would otherwise grow to the connection's 256 MB
        // (sized for imports) with pages read once: a quarter of a gigabyte of new memory to fill for nothing.
        try db.execute(sql: "PRAGMA cache_size = -2048")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(Store.cacheSize)") }
        let storage = BlobStorage(connection: connection, parts: parts.map { (rowID: $0[0], length: $0[2]) })
        defer { storage.close() }
        return try? DatasetSnapshot.decode(storage)
    }

    /// The parts of a snapshot as one range of bytes, read with SQLite's incremental blob reads from any thread: the
    /// reads take turns on the connection (one read of a megabyte or less at a time), while the threads that asked
    /// for them decode side by side. Lives inside the read transaction that found the parts.
    final class BlobStorage: SnapshotStorage, @unchecked Sendable {
        private let connection: OpaquePointer
        /// Part `k` is bytes `starts[k] ..< starts[k + 1]`, in row `rowIDs[k]`.
        private let starts: [Int]
        private let rowIDs: [Int64]
        /// Each part's blob handle, opened at its first read. Guarded by `lock`, as is every use of the connection.
        private var blobs: [OpaquePointer?]
        private let lock = NSLock()
        let count: Int

        init(connection: OpaquePointer, parts: [(rowID: Int64, length: Int)]) {
            self.connection = connection
            rowIDs = parts.map(\.rowID)
            var starts = [0]
            for part in parts { starts.append(starts.last! + part.length) }
            self.starts = starts
            count = starts.last!
            blobs = Array(repeating: nil, count: parts.count)
        }

        var contiguous: UnsafeRawBufferPointer? { nil }

        func read(into destination: UnsafeMutableRawPointer, count n: Int, at offset: Int) throws(SnapshotReader.Damaged) {
            guard n >= 0, offset >= 0, n <= count - offset else {
                throw SnapshotReader.Damaged(description: "the snapshot ends early")
            }
            lock.lock()
            defer { lock.unlock() }
            var done = 0
            // The last part that starts at or before `offset`.
            var part = max(0, (starts.firstIndex { $0 > offset } ?? starts.count) - 1)
            while done < n {
                let at = offset + done - starts[part]
                let length = starts[part + 1] - starts[part]
                if at >= length {
                    part += 1
                    continue
                }
                if blobs[part] == nil {
                    guard sqlite3_blob_open(connection, "main", "dataset_snapshot_part", "bytes", rowIDs[part], 0, &blobs[part])
                        == SQLITE_OK
                    else { throw SnapshotReader.Damaged(description: String(cString: sqlite3_errmsg(connection))) }
                }
                let k = min(n - done, length - at)
                guard sqlite3_blob_read(blobs[part], destination + done, Int32(k), Int32(at)) == SQLITE_OK else {
                    throw SnapshotReader.Damaged(description: String(cString: sqlite3_errmsg(connection)))
                }
                done += k
            }
        }

        /// Closes the blob handles (before the read transaction ends).
        func close() {
            lock.lock()
            defer { lock.unlock() }
            for case let blob? in blobs { sqlite3_blob_close(blob) }
            blobs = Array(repeating: nil, count: blobs.count)
        }
    }

    static func sqliteError(_ db: Database, _ code: Int32) -> DatabaseError { sqliteError(db.sqliteConnection, code) }

    /// The error of a raw SQLite call that returned `code`, with the connection's message.
    static func sqliteError(_ connection: SQLiteConnection?, _ code: Int32) -> DatabaseError {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(code)"
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
