import Foundation
import GRDB
import VitalsCore

/// How many records an import wrote, per kind.
public struct SaveSummary: Sendable, Equatable {
    public var counts: [(kind: String, rows: Int)] = []
    /// The workspace's data version (`Store.dataVersion`) this save moved it to.
    public var dataVersion: Int64 = 0
    /// How many of the saved usage events were new rows (the others replaced a stored event with the same id): when
    /// all were, the workspace's events are exactly the ones it had followed by these, and a reader holding the
    /// former can append them instead of reading everything again.
    public var newUsageEvents = 0

    public static func == (a: SaveSummary, b: SaveSummary) -> Bool {
        a.counts.map(\.kind) == b.counts.map(\.kind) && a.counts.map(\.rows) == b.counts.map(\.rows)
    }

    public var total: Int { counts.reduce(0) { $0 + $1.rows } }
}

extension Store {
    /// Upserts every record of `dataset` into `workspace` by its external id, in one transaction: a second save of
    /// the same records changes nothing, and a failure stores nothing.
    /// - Parameter storedAccounts: the row ids of `dataset.accounts`, when they are exactly the workspace's stored
    ///   accounts (records sent over HTTP refer to them): the accounts are then not written again.
    /// - Parameter progress: called now and then with the records written so far and the total.
    @discardableResult
    public func save(
        _ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]? = nil,
        progress: ((_ written: Int, _ total: Int) -> Void)? = nil
    ) throws(StoreError) -> SaveSummary {
        let threshold = rebuildThreshold
        let body = { (db: Database) in
            try Store.save(
                dataset, workspace: workspace, storedAccounts: storedAccounts, rebuildThreshold: threshold,
                progress: progress, db)
        }
        if dataset.recordCount >= largeSave {
            // Without `storedAccounts`, every reference to an account is a row id `saveAccounts` returns in the same
            // transaction, and the workspace is the one being written: SQLite need not look each up again.
            return try writeLarge("saving the records", checkingForeignKeys: storedAccounts != nil, body)
        }
        return try write("saving the records", body)
    }

    /// From this many records on, a save keeps every page it writes in memory until its commit (`writeLarge`).
    static let largeSave = 1_000_000

    /// What `save` does inside its transaction (or a savepoint of a larger one).
    static func save(
        _ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]?, rebuildThreshold: Int,
        progress: ((_ written: Int, _ total: Int) -> Void)?, _ db: Database
    ) throws -> SaveSummary {
        var summary = SaveSummary()
        summary.dataVersion = try Store.bumpDataVersion(db, workspace: workspace)
        let total = dataset.recordCount
        var written = 0
        let report = progress.map { report in { (rows: Int) in
            written += rows
            report(written, total)
        } }
        let accountRows =
            if let storedAccounts, storedAccounts.count == dataset.accounts.count { storedAccounts } else {
                try saveAccounts(dataset.accounts, workspace: workspace, db)
            }
        summary.counts.append((RecordKind.accounts.label, accountRows.count))
        report?(accountRows.count)
        for kind in RecordKind.all where kind.id != .accounts {
            if kind.id == .usageEvents {
                let events = try saveUsageEvents(
                    dataset.usageEvents, accountRows: accountRows, workspace: workspace,
                    rebuildThreshold: rebuildThreshold, db, progress: report)
                if events.rows > 0 { summary.counts.append((kind.label, events.rows)) }
                summary.newUsageEvents = events.new
            } else {
                try saveRecords(
                    kind.layout, of: kind, in: dataset, accountRows: accountRows, workspace: workspace, db, &summary,
                    progress: report)
            }
        }
        return summary
    }

    /// Upserts the accounts, their custom attributes as one JSON object; returns each one's row id, by
    /// `AccountIndex`.
    private static func saveAccounts(_ accounts: [Account], workspace: Int64, _ db: Database) throws -> [Int64] {
        let table = RecordTable(.accounts)
        let fields = Account.layout.fields
        let statement = try db.makeStatement(sql: table.upsertSQL(extra: ["attributes"], returning: true))
        return try accounts.map { a in
            var values: [DatabaseValue] = [workspace.databaseValue]
            for (i, field) in fields.enumerated() {
                values.append(table.databaseValue(field.get(a), at: i, accountRows: []))
            }
            values.append(Store.json(a.attributes).databaseValue)
            guard let id = try Int64.fetchOne(statement, arguments: StatementArguments(values)) else {
                throw StoreError.failed("saving account '\(a.id)'", reason: "no row id returned")
            }
            return id
        }
    }

    /// A string map as a JSON object with sorted keys (stable, so re-saving the same values changes nothing).
    package static func json(_ map: [String: String]) -> String {
        guard !map.isEmpty,
            let data = try? JSONSerialization.data(withJSONObject: map, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func map(json: String?) -> [String: String] {
        guard let json, json != "{}",
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        else { return [:] }
        return object
    }
}

extension Store {
    /// The column of `kind`'s table that holds the id it is deleted by.
    static func idColumn(_ kind: RecordKind) -> String { kind.id == .subscriptions ? "subscription_id" : "external_id" }

    /// Deletes the record `id` of `kind` (an account with everything that belongs to it; a subscription with all its
    /// versions) from `workspace`. Returns the rows deleted; `nil` for a kind named by several fields, not an id.
    public func delete(kind: RecordKind, id: String, workspace: Int64) throws(StoreError) -> Int? {
        guard kind.idColumn != nil else { return nil }
        return try write("deleting \(kind.name) '\(id)'") { db in
            try Store.bumpDataVersion(db, workspace: workspace)
            try db.execute(
                sql: "DELETE FROM \(kind.table) WHERE workspace_id = ? AND \(Store.idColumn(kind)) = ?",
                arguments: [workspace, id])
            return db.changesCount
        }
    }

    /// Deletes the record of a kind named by several fields (`RecordKind.Key.fields`), given as in the canonical CSV.
    /// Returns the rows deleted.
    public func delete(kind: RecordKind, fields: [String: String], workspace: Int64) throws(StoreError) -> Int {
        guard case .fields(let keys, let optional) = kind.key else {
            throw .failed("deleting \(kind.name)", reason: "\(kind.name) are deleted by id")
        }
        var clauses = ["workspace_id = ?"]
        var arguments: StatementArguments = [workspace]
        for key in keys {
            let value = fields[key] ?? ""
            guard !value.isEmpty || optional.contains(key) else {
                throw .failed("deleting \(kind.name)", reason: "\(key) is required")
            }
            switch kind.column(key)?.type {
            case .account:
                clauses.append("\(key) = (SELECT id FROM account WHERE workspace_id = ? AND external_id = ?)")
                arguments += [workspace, value]
            case .timestamp, .date:
                guard let t = try? Timestamp.parse(value) else {
                    throw .failed("deleting \(kind.name)", reason: "\(key) must be an ISO 8601 date or timestamp")
                }
                clauses.append("\(key) = ?")
                arguments += [t.seconds]
            default:
                clauses.append("\(key) = ?")
                arguments += [value]
            }
        }
        return try write("deleting \(kind.name)") { db in
            try Store.bumpDataVersion(db, workspace: workspace)
            try db.execute(sql: "DELETE FROM \(kind.table) WHERE " + clauses.joined(separator: " AND "), arguments: arguments)
            return db.changesCount
        }
    }
}
