import Foundation
import GRDB
import VitalsCore


extension Store {
    /// Stores the scores of one day (replacing any already stored for the same account and day), in one transaction.
    /// Scores of accounts the workspace does not hold are skipped. Returns the rows written.
    @discardableResult
    public func saveHealth(_ records: [HealthRecord], workspace: Int64) throws(StoreError) -> Int {
        try write("saving health scores") { db in
            let rows = Dictionary(
                try Row.fetchAll(db, sql: "SELECT external_id, id FROM account WHERE workspace_id = ?", arguments: [workspace])
                    .map { (AccountID($0[0] as String), $0[1] as Int64) }, uniquingKeysWith: { a, _ in a })
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO health_score (workspace_id, account_id, day, score, band, model, components, mrr_minor)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, day) DO UPDATE SET score = excluded.score, band = excluded.band,
                        model = excluded.model, components = excluded.components, mrr_minor = excluded.mrr_minor
                    """)
            var written = 0
            for r in records {
                guard let row = rows[r.account] else { continue }
                let components = "{" + r.components.sorted { $0.key < $1.key }
                    .map { "\"\($0.key.rawValue)\":\(HealthComponent.format($0.value))" }.joined(separator: ",") + "}"
                try statement.execute(arguments: [
                    workspace, row, r.day.daysSinceEpoch, r.score, r.band.rawValue, r.model, components, r.mrr,
                ])
                written += 1
            }
            return written
        }
    }

    /// The stored scores of `account` from `from` on (all when `nil`), oldest first.
    public func healthHistory(workspace: Int64, account: AccountID, from: CivilDate? = nil) throws(StoreError) -> [HealthRecord] {
        try read("reading health history") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT h.day, h.score, h.band, h.model, h.components, h.mrr_minor FROM health_score h
                    JOIN account a ON a.id = h.account_id
                    WHERE h.workspace_id = ? AND a.external_id = ? AND h.day >= ? ORDER BY h.day
                    """, arguments: [workspace, account.rawValue, from?.daysSinceEpoch ?? Int.min]
            ).map { r in
                var components: [HealthComponent: Double] = [:]
                for (k, v) in Store.numbers(json: r[4]) { if let c = HealthComponent(rawValue: k) { components[c] = v } }
                return HealthRecord(
                    account: account, day: CivilDate(daysSinceEpoch: r[0]), score: r[1],
                    band: HealthBand(rawValue: r[2]) ?? .red, model: r[3], components: components, mrr: r[5])
            }
        }
    }

    /// The days with stored scores in `workspace`, newest first (up to `limit`).
    public func healthDays(workspace: Int64, limit: Int = 30) throws(StoreError) -> [CivilDate] {
        try read("reading health history") { db in
            try Int.fetchAll(
                db, sql: "SELECT DISTINCT day FROM health_score WHERE workspace_id = ? ORDER BY day DESC LIMIT ?",
                arguments: [workspace, limit]
            ).map { CivilDate(daysSinceEpoch: $0) }
        }
    }

    static func numbers(json: String) -> [String: Double] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}

extension Store {
    /// The ids of every workspace.
    public func workspaceIDs() throws(StoreError) -> [Int64] {
        try read("reading workspaces") { db in try Int64.fetchAll(db, sql: "SELECT id FROM workspace ORDER BY id") }
    }

    /// The slug of workspace `id`.
    public func workspaceSlug(_ id: Int64) throws(StoreError) -> String {
        try read("reading workspaces") { db in
            try String.fetchOne(db, sql: "SELECT slug FROM workspace WHERE id = ?", arguments: [id]) ?? String(id)
        }
    }
}
