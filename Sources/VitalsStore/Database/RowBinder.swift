import GRDB
import GRDBSQLite

/// Binds one row's values straight into a prepared statement and runs it: no array of boxed values per row, which
/// matters when an import writes millions of usage events.
struct RowBinder {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection?
    private var index: Int32 = 1
    /// Told how many rows were written: every `progressEvery` rows, and the rest by `reportRest`.
    private let progress: ((Int) -> Void)?
    private var sinceReport = 0
    private static let progressEvery = 50_000
    /// SQLite copies text and blobs bound with this destructor, so Swift strings need not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement, _ db: Database, progress: ((Int) -> Void)? = nil) {
        self.statement = statement.sqliteStatement
        connection = db.sqliteConnection
        self.progress = progress
    }

    mutating func bind(_ value: Int64?) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        index += 1
    }

    mutating func bind(_ value: Int?) { bind(value.map(Int64.init)) }

    mutating func bind(_ value: Bool?) { bind(value.map { $0 ? Int64(1) : 0 }) }

    mutating func bind(_ value: Double?) {
        if let value, !value.isNaN { sqlite3_bind_double(statement, index, value) } else { sqlite3_bind_null(statement, index) }
        index += 1
    }

    mutating func bind(_ value: String?) {
        if var value {
            value.withUTF8 { bytes in
                _ = bytes.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), RowBinder.transient)
                }
            }
        } else {
            sqlite3_bind_null(statement, index)
        }
        index += 1
    }

    /// Binds `bytes` as text without SQLite copying them: they must stay valid and unchanged until `step` returns.
    mutating func bindUnretained(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(statement, index, $0, Int32(bytes.count), nil)
            }
        } else {
            // No address for no bytes: a null pointer would bind NULL, not the empty text.
            sqlite3_bind_text(statement, index, "", 0, RowBinder.transient)
        }
        index += 1
    }

    /// Runs the statement with the values bound, then makes it ready for the next row.
    mutating func step() throws {
        let code = sqlite3_step(statement)
        defer {
            sqlite3_reset(statement)
            index = 1
        }
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw Store.sqliteError(connection, code) }
        sinceReport += 1
        if sinceReport == RowBinder.progressEvery {
            progress?(sinceReport)
            sinceReport = 0
        }
    }

    /// Reports the rows written since the last report.
    mutating func reportRest() {
        progress?(sinceReport)
        sinceReport = 0
    }
}
