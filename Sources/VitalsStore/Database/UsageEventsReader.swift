import GRDB
import GRDBSQLite
import VitalsCore

extension Store {
    /// Reads a workspace's usage events straight from SQLite's column buffers into the columnar `UsageLog`: ids, users
    /// and event names are interned from their bytes without a Swift string per row, and no row values are boxed. A
    /// store of millions of events loads several times faster than through `Row` cursors.
    static func readUsageEvents(
        _ db: Database, workspace: Int64, accountIndex: (Int64) -> AccountIndex?, into log: inout UsageLog
    ) throws {
        let statement = try db.makeStatement(
            sql: """
                SELECT account_id, external_id, user_id, event, occurred_at, duration_seconds, properties
                FROM usage_event WHERE +workspace_id = ? ORDER BY id
                """)
        try statement.setArguments([workspace])
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
            // sqlite3_column_text before sqlite3_column_bytes, as SQLite documents, so the length is the text's.
            guard let text = sqlite3_column_text(s, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(s, column)))
        }
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw Store.sqliteError(db, code)
            }
            let row = sqlite3_column_int64(s, 0)
            guard let account = accountIndex(row) else {
                throw StoreError.failed("reading usage events", reason: "row refers to a missing account \(row)")
            }
            let duration: Double? = sqlite3_column_type(s, 5) == SQLITE_NULL ? nil : sqlite3_column_double(s, 5)
            var properties: [String: String] = [:]
            if sqlite3_column_type(s, 6) != SQLITE_NULL {
                let json = bytes(6)
                // "{}" (no properties) is by far the most common value: skip decoding it.
                if json.count > 2 { properties = Store.map(json: String(decoding: json, as: UTF8.self)) }
            }
            log.append(
                id: bytes(1), account: account, user: bytes(2), event: bytes(3),
                occurredAt: Timestamp(seconds: sqlite3_column_int64(s, 4)), durationSeconds: duration, properties: properties)
        }
    }
}
