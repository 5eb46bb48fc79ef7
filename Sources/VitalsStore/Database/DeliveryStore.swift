import GRDB
import VitalsCore

extension Store {
    private static let deliveryColumns = """
        SELECT id, workspace_id, webhook, kind, alert_id, digest_id, payload, status, attempts, next_attempt_at,
               last_error, delivered_at, evaluation_id FROM delivery
        """

    private static func delivery(_ r: Row) -> StoredDelivery {
        let delivered: Int64? = r[11]
        return StoredDelivery(
            id: r[0], workspace: r[1], webhook: r[2], kind: r[3], alertID: r[4], digestID: r[5], payload: r[6], status: r[7],
            attempts: r[8], nextAttemptAt: Timestamp(seconds: r[9]), lastError: r[10],
            deliveredAt: delivered.map { Timestamp(seconds: $0) }, evaluationID: r[12])
    }

    /// Pending deliveries (of every workspace) due at `now`, oldest first.
    public func dueDeliveries(at now: Timestamp, limit: Int = 100) throws(StoreError) -> [StoredDelivery] {
        try read("reading deliveries") { db in
            try Row.fetchAll(
                db, sql: Store.deliveryColumns + " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                arguments: [now.seconds, limit]
            ).map(Store.delivery)
        }
    }

    /// The earliest next attempt of a pending delivery, if any.
    public func nextDeliveryAttempt() throws(StoreError) -> Timestamp? {
        try read("reading deliveries") { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM delivery WHERE status = 'pending'")
                .map { Timestamp(seconds: $0) }
        }
    }

    /// The deliveries of `workspace`, newest first.
    public func deliveries(workspace: Int64, limit: Int = 100) throws(StoreError) -> [StoredDelivery] {
        try read("reading deliveries") { db in
            try Row.fetchAll(
                db, sql: Store.deliveryColumns + " WHERE workspace_id = ? ORDER BY id DESC LIMIT ?", arguments: [workspace, limit]
            ).map(Store.delivery)
        }
    }

    /// Records an attempt of delivery `id` made at `now`.
    public func recordAttempt(_ id: Int64, at now: Timestamp, outcome: DeliveryOutcome) throws(StoreError) {
        try write("recording a delivery attempt") { db in
            switch outcome {
            case .delivered:
                try db.execute(
                    sql: "UPDATE delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
                    arguments: [now.seconds, id])
            case .retry(let next, let error):
                try db.execute(
                    sql: "UPDATE delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [next.seconds, error, id])
            case .failed(let error):
                try db.execute(
                    sql: "UPDATE delivery SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                    arguments: [error, id])
            }
        }
    }

    /// Stores a digest and queues its deliveries (`payload` makes each webhook's body from the digest id), in one
    /// transaction; `nil` when the digest of that grain and period is already stored.
    public func saveDigest(
        workspace: Int64, grain: Grain, period: Period, at now: Timestamp, body: String, text: String,
        deliveries: (Int64) -> [NewDelivery]
    ) throws(StoreError) -> StoredDigest? {
        try write("saving a digest") { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO digest (workspace_id, grain, period_start, period_end, created_at, body, text)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [workspace, grain.rawValue, period.start.seconds, period.end.seconds, now.seconds, body, text])
            guard db.changesCount == 1 else { return nil }
            let id = db.lastInsertedRowID
            for d in deliveries(id) {
                try db.execute(
                    sql: """
                        INSERT INTO delivery (workspace_id, webhook, kind, digest_id, payload, next_attempt_at, created_at)
                        VALUES (?, ?, 'digest', ?, ?, ?, ?)
                        """, arguments: [workspace, d.webhook, id, d.payload, now.seconds, now.seconds])
            }
            return StoredDigest(
                id: id, grain: grain.rawValue, periodStart: period.start, periodEnd: period.end, createdAt: now, body: body,
                text: text)
        }
    }

    /// The digests of `workspace`, newest first.
    public func digests(workspace: Int64, limit: Int = 20) throws(StoreError) -> [StoredDigest] {
        try read("reading digests") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, grain, period_start, period_end, created_at, body, text FROM digest WHERE workspace_id = ?
                    ORDER BY period_start DESC, id DESC LIMIT ?
                    """, arguments: [workspace, limit]
            ).map { r in
                StoredDigest(
                    id: r[0], grain: r[1], periodStart: Timestamp(seconds: r[2]), periodEnd: Timestamp(seconds: r[3]),
                    createdAt: Timestamp(seconds: r[4]), body: r[5], text: r[6])
            }
        }
    }
}
