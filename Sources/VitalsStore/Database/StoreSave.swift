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
        if Store.recordCount(dataset) >= largeSave {
            // Without `storedAccounts`, every reference to an account is a row id `saveAccounts` returns in the same
            // transaction, and the workspace is the one being written: SQLite need not look each up again.
            return try writeLarge("saving the records", checkingForeignKeys: storedAccounts != nil, body)
        }
        return try write("saving the records", body)
    }

    /// The records of every kind in `dataset`.
    static func recordCount(_ dataset: Dataset) -> Int {
        dataset.accounts.count + dataset.fxRates.count + dataset.subscriptions.count + dataset.orders.count
            + dataset.trials.count + dataset.acquisitionCosts.count + dataset.surveyResponses.count
            + dataset.tickets.count + dataset.usageEvents.count + dataset.onboarding.count + dataset.leads.count
            + dataset.successGoals.count + dataset.csmPulses.count
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
        let total = recordCount(dataset)
        var written = 0
        let report = progress.map { report in { (rows: Int) in
            written += rows
            report(written, total)
        } }
        let accountRows =
            if let storedAccounts, storedAccounts.count == dataset.accounts.count { storedAccounts } else {
                try saveAccounts(dataset.accounts, workspace: workspace, db)
            }
        summary.counts.append(("accounts", accountRows.count))
        report?(accountRows.count)
        func row(_ index: AccountIndex) -> Int64 { accountRows[index.int] }
        func time(_ t: Timestamp?) -> Int64? { t?.seconds }

        try upsert(db, "fx_rate", ["workspace_id", "date", "currency", "rate"], key: ["workspace_id", "currency", "date"],
                   dataset.fxRates, &summary, "fx rates", progress: report) { r, b in
            b.bind(workspace)
            b.bind(r.date.seconds)
            b.bind(r.currency.code)
            b.bind(r.rate)
        }
        try upsert(
            db, "subscription_version",
            ["workspace_id", "account_id", "subscription_id", "product", "plan", "amount_minor", "currency",
             "interval", "interval_count", "quantity", "discount_percent", "discount_amount_minor", "status",
             "valid_from", "valid_to"],
            key: ["workspace_id", "subscription_id", "product", "valid_from"], dataset.subscriptions, &summary,
            "subscription versions", progress: report) { s, b in
            b.bind(workspace)
            b.bind(row(s.account))
            b.bind(s.subscriptionID.rawValue)
            b.bind(s.product)
            b.bind(s.plan)
            b.bind(s.amount.minorUnits)
            b.bind(s.amount.currency.code)
            b.bind(s.interval.rawValue)
            b.bind(s.intervalCount)
            b.bind(s.quantity)
            b.bind(s.discountPercent)
            b.bind(s.discountAmount)
            b.bind(s.status.rawValue)
            b.bind(s.validFrom.seconds)
            b.bind(time(s.validTo))
        }
        try upsert(
            db, "purchase_order", ["workspace_id", "account_id", "external_id", "ordered_at", "amount_minor", "currency"],
            dataset.orders, &summary, "orders", progress: report) { o, b in
            b.bind(workspace)
            b.bind(row(o.account))
            b.bind(o.id.rawValue)
            b.bind(o.orderedAt.seconds)
            b.bind(o.amount.minorUnits)
            b.bind(o.amount.currency.code)
        }
        try upsert(
            db, "trial", ["workspace_id", "account_id", "external_id", "started_at", "ends_at", "converted_at", "canceled_at"],
            dataset.trials, &summary, "trials", progress: report) { t, b in
            b.bind(workspace)
            b.bind(row(t.account))
            b.bind(t.id.rawValue)
            b.bind(t.startedAt.seconds)
            b.bind(t.endsAt.seconds)
            b.bind(time(t.convertedAt))
            b.bind(time(t.canceledAt))
        }
        try upsert(
            db, "acquisition_cost", ["workspace_id", "period_start", "period_end", "amount_minor", "currency", "channel"],
            key: ["workspace_id", "period_start", "period_end", "channel"], dataset.acquisitionCosts, &summary,
            "acquisition costs", progress: report) { c, b in
            b.bind(workspace)
            b.bind(c.periodStart.seconds)
            b.bind(c.periodEnd.seconds)
            b.bind(c.amount.minorUnits)
            b.bind(c.amount.currency.code)
            b.bind(c.channel ?? "")
        }
        try upsert(
            db, "survey_response",
            ["workspace_id", "account_id", "external_id", "survey", "score", "scale_min", "scale_max", "responded_at",
             "contact", "comment"],
            dataset.surveyResponses, &summary, "survey responses", progress: report) { r, b in
            b.bind(workspace)
            b.bind(row(r.account))
            b.bind(r.id.rawValue)
            b.bind(r.survey.rawValue)
            b.bind(r.score)
            b.bind(r.scaleMin)
            b.bind(r.scaleMax)
            b.bind(r.respondedAt.seconds)
            b.bind(r.contact)
            b.bind(r.comment)
        }
        try upsert(
            db, "ticket",
            ["workspace_id", "account_id", "external_id", "opened_at", "resolved_at", "agent_replies", "reopens",
             "first_contact_resolution", "channel"],
            dataset.tickets, &summary, "tickets", progress: report) { t, b in
            b.bind(workspace)
            b.bind(row(t.account))
            b.bind(t.id.rawValue)
            b.bind(t.openedAt.seconds)
            b.bind(time(t.resolvedAt))
            b.bind(t.agentReplies)
            b.bind(t.reopens)
            b.bind(t.firstContactResolution)
            b.bind(t.channel)
        }
        let events = try saveUsageEvents(
            dataset.usageEvents, accountRows: accountRows, workspace: workspace, rebuildThreshold: rebuildThreshold, db,
            progress: report)
        if events.rows > 0 { summary.counts.append(("usage events", events.rows)) }
        summary.newUsageEvents = events.new
        try upsert(
            db, "onboarding_milestone",
            ["workspace_id", "account_id", "milestone", "required", "started_at", "due_at", "completed_at"],
            key: ["account_id", "milestone"], dataset.onboarding, &summary, "onboarding milestones", progress: report) { m, b in
            b.bind(workspace)
            b.bind(row(m.account))
            b.bind(m.milestone)
            b.bind(m.required)
            b.bind(time(m.startedAt))
            b.bind(time(m.dueAt))
            b.bind(time(m.completedAt))
        }
        try upsert(
            db, "lead",
            ["workspace_id", "account_id", "external_id", "source", "created_at", "status", "closed_at", "amount_minor",
             "currency"],
            dataset.leads, &summary, "leads", progress: report) { l, b in
            b.bind(workspace)
            b.bind(l.account.map(row))
            b.bind(l.id.rawValue)
            b.bind(l.source.rawValue)
            b.bind(l.createdAt.seconds)
            b.bind(l.status.rawValue)
            b.bind(time(l.closedAt))
            b.bind(l.amount?.minorUnits)
            b.bind(l.amount?.currency.code)
        }
        try upsert(
            db, "success_goal", ["workspace_id", "account_id", "external_id", "name", "target_date", "achieved_at"],
            dataset.successGoals, &summary, "success goals", progress: report) { g, b in
            b.bind(workspace)
            b.bind(row(g.account))
            b.bind(g.id.rawValue)
            b.bind(g.name)
            b.bind(time(g.targetDate))
            b.bind(time(g.achievedAt))
        }
        try upsert(
            db, "csm_pulse", ["workspace_id", "account_id", "recorded_at", "rating", "note"],
            key: ["account_id", "recorded_at"], dataset.csmPulses, &summary, "CSM pulses", progress: report) { p, b in
            b.bind(workspace)
            b.bind(row(p.account))
            b.bind(p.recordedAt.seconds)
            b.bind(p.rating)
            b.bind(p.note)
        }
        return summary
    }

    /// Upserts the accounts; returns each one's row id, by `AccountIndex`.
    private static func saveAccounts(_ accounts: [Account], workspace: Int64, _ db: Database) throws -> [Int64] {
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO account (workspace_id, external_id, name, created_at, csm, industry, country, referred_by,
                                     attributes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, external_id) DO UPDATE SET
                    name = excluded.name, created_at = excluded.created_at, csm = excluded.csm,
                    industry = excluded.industry, country = excluded.country, referred_by = excluded.referred_by,
                    attributes = excluded.attributes
                RETURNING id
                """)
        return try accounts.map { a in
            let values: [(any DatabaseValueConvertible)?] = [
                workspace, a.id.rawValue, a.name, a.createdAt?.seconds, a.csm, a.industry, a.country,
                a.referredBy?.rawValue, Store.json(a.attributes),
            ]
            guard let id = try Int64.fetchOne(statement, arguments: StatementArguments(values)) else {
                throw StoreError.failed("saving account '\(a.id)'", reason: "no row id returned")
            }
            return id
        }
    }

    /// Inserts `rows` into `table`, replacing the row with the same `key` (by default the workspace and external id).
    private static func upsert<Row>(
        _ db: Database, _ table: String, _ columns: [String], key: [String] = ["workspace_id", "external_id"],
        _ rows: [Row], _ summary: inout SaveSummary, _ kind: String, progress: ((Int) -> Void)? = nil,
        values: (Row, inout RowBinder) -> Void
    ) throws {
        guard !rows.isEmpty else { return }
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO \(table) (\(columns.joined(separator: ", ")))
                VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))
                """)
        var binder = RowBinder(statement, db, progress: progress)
        for row in rows {
            values(row, &binder)
            try binder.step()
        }
        binder.reportRest()
        summary.counts.append((kind, rows.count))
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
