import GRDB
import VitalsCore

/// How the records of a kind sit in its table (`RecordKind.table`), worked out from the kind's description so that
/// no column is named here: each column under its own name, but for the id (`external_id`, a subscription's
/// `subscription_id`), money (its minor units in `amount_minor`, beside the `currency` column) and accounts (their row
/// id). A table also has `id` (the row id, in the order records were first stored) and `workspace_id`.
struct RecordTable {
    let kind: RecordKind
    /// The table's column for each of the kind's columns, in order.
    let columns: [String]
    /// The columns an upsert replaces a stored record by (a unique index of the table).
    let conflictTarget: [String]
    /// Where the currency column is among the kind's columns, for kinds with money.
    let currencyPosition: Int?
    /// The columns whose empty value is stored as empty text: optional columns of the key, which SQLite's unique
    /// indexes would otherwise never find equal (NULL is distinct from NULL).
    let emptyAsText: [Bool]

    init(_ kind: RecordKind) {
        self.kind = kind
        func column(_ name: String) -> String {
            if name == kind.idColumn { return kind.id == .subscriptions ? "subscription_id" : "external_id" }
            if case .money = kind.column(name)?.type { return name + "_minor" }
            // Quoted, as a column may be named by an SQL keyword (a contact's `primary`).
            return "\"\(name)\""
        }
        columns = kind.columns.map { column($0.name) }
        let unique = kind.uniqueColumns.map(column)
        // A record of an account is one of its workspace already: the indexes by account leave the workspace out.
        conflictTarget = kind.uniqueColumns.contains { kind.column($0)?.type == .account } ? unique : ["workspace_id"] + unique
        currencyPosition = kind.columns.firstIndex { $0.type == .currency }
        let optionalKey: Set<String> =
            if case .fields(_, let optional) = kind.key { optional } else { [] }
        emptyAsText = kind.columns.map { optionalKey.contains($0.name) }
    }

    /// `INSERT ... ON CONFLICT DO UPDATE` of one record, its workspace first, then `extra` columns after the kind's.
    func upsertSQL(extra: [String] = [], returning: Bool = false) -> String {
        let all = ["workspace_id"] + columns + extra
        let updates = all.filter { !conflictTarget.contains($0) }.map { "\($0) = excluded.\($0)" }
        return """
            INSERT INTO \(kind.table) (\(all.joined(separator: ", ")))
            VALUES (\(all.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT (\(conflictTarget.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))
            """ + (returning ? " RETURNING id" : "")
    }

    /// The kind's columns of a workspace's rows (then `extra`), in the order they were first stored. `+workspace_id`
    /// makes SQLite scan the table in row-id order instead of reading the (workspace_id, external_id) index and then
    /// sorting millions of rows.
    func selectSQL(leading: [String] = [], extra: [String] = []) -> String {
        "SELECT \((leading + columns + extra).joined(separator: ", ")) FROM \(kind.table) WHERE +workspace_id = ? ORDER BY id"
    }

    /// Binds one value of the column at `position`; an account by the row id `accountRows` gives its index.
    func bind(_ value: FieldValue, at position: Int, _ b: inout RowBinder, accountRows: [Int64]) {
        switch value {
        case .null: if emptyAsText[position] { b.bind("") } else { b.bind(nil as Int64?) }
        case .text(let text): b.bind(text)
        case .integer(let n): b.bind(n)
        case .number(let x): b.bind(x)
        case .flag(let flag): b.bind(flag)
        case .time(let t): b.bind(t.seconds)
        case .account(let a): b.bind(accountRows[a.int])
        case .money(let m): b.bind(m.minorUnits)
        }
    }

    /// The same value as GRDB binds it in a statement's arguments.
    func databaseValue(_ value: FieldValue, at position: Int, accountRows: [Int64]) -> DatabaseValue {
        switch value {
        case .null: emptyAsText[position] ? "".databaseValue : .null
        case .text(let text): text.databaseValue
        case .integer(let n): n.databaseValue
        case .number(let x): x.isNaN ? .null : x.databaseValue
        case .flag(let flag): flag.databaseValue
        case .time(let t): t.seconds.databaseValue
        case .account(let a): accountRows[a.int].databaseValue
        case .money(let m): m.minorUnits.databaseValue
        }
    }

    /// The values of one row's kind columns, read from `row` from column `offset` on, as `storage` says each is kept.
    func values(
        _ row: Row, offset: Int = 0, storage: [FieldStorage], account: (Int64) throws -> AccountIndex
    ) throws -> [FieldValue] {
        var currency: CurrencyCode?
        if let currencyPosition, let code = row[offset + currencyPosition] as String?, !code.isEmpty {
            guard let parsed = CurrencyCode(code) else {
                throw StoreError.failed("reading \(kind.label)", reason: "unknown currency '\(code)' in the store")
            }
            currency = parsed
        }
        var values: [FieldValue] = []
        values.reserveCapacity(storage.count)
        for (i, kept) in storage.enumerated() {
            let stored = row[offset + i] as DatabaseValue
            if stored.isNull {
                values.append(.null)
                continue
            }
            switch kept {
            case .text:
                let text = String.fromDatabaseValue(stored) ?? ""
                values.append(text.isEmpty && emptyAsText[i] ? .null : .text(text))
            case .integer: values.append(.integer(Int64.fromDatabaseValue(stored) ?? 0))
            case .number: values.append(.number(Double.fromDatabaseValue(stored) ?? 0))
            case .flag: values.append(.flag(Bool.fromDatabaseValue(stored) ?? false))
            case .time: values.append(.time(Timestamp(seconds: Int64.fromDatabaseValue(stored) ?? 0)))
            case .account: values.append(.account(try account(Int64.fromDatabaseValue(stored) ?? 0)))
            case .money:
                guard let currency else {
                    throw StoreError.failed("reading \(kind.label)", reason: "an amount without a currency")
                }
                values.append(.money(Money(minorUnits: Int64.fromDatabaseValue(stored) ?? 0, currency: currency)))
            }
        }
        return values
    }
}

extension Store {
    /// Upserts the records of `layout`'s kind in `dataset` (for a kind a dataset keeps in an array).
    static func saveRecords<Layout: RecordLayoutProtocol>(
        _ layout: Layout, of kind: RecordKind, in dataset: Dataset, accountRows: [Int64], workspace: Int64,
        _ db: Database, _ summary: inout SaveSummary, progress: ((Int) -> Void)?
    ) throws {
        guard let records = layout.records else { return }
        let rows = dataset[keyPath: records]
        guard !rows.isEmpty else { return }
        let table = RecordTable(kind)
        let statement = try db.makeStatement(sql: table.upsertSQL())
        var binder = RowBinder(statement, db, progress: progress)
        let last = layout.fields.count - 1
        try layout.forEachValue(of: rows) { _, field, value in
            if field == 0 { binder.bind(workspace) }
            table.bind(value, at: field, &binder, accountRows: accountRows)
            if field == last { try binder.step() }
        }
        binder.reportRest()
        summary.counts.append((kind.label, rows.count))
    }

    /// Reads the records of `layout`'s kind in `workspace` into `dataset`, in the order they were first stored.
    static func loadRecords<Layout: RecordLayoutProtocol>(
        _ layout: Layout, of kind: RecordKind, _ db: Database, workspace: Int64,
        account: (Int64) throws -> AccountIndex, into dataset: inout Dataset
    ) throws {
        guard let records = layout.records else { return }
        let table = RecordTable(kind)
        let storage = layout.fields.map(\.storage)
        let rows = try Row.fetchCursor(db, sql: table.selectSQL(), arguments: [workspace])
        var values: [FieldValue] = []
        do {
            dataset[keyPath: records] = try layout.makeRecords(
                expected: 0,
                next: {
                    guard let row = try rows.next() else { return false }
                    values = try table.values(row, storage: storage, account: account)
                    return true
                }
            ) { field in values[field] }
        } catch let mismatch as FieldMismatch {
            throw StoreError.failed("reading \(kind.label)", reason: mismatch.description)
        }
    }
}
