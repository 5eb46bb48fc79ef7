import GRDB
import VitalsCore

extension Store {
    /// The keys of the open alerts of `workspace`: the de-duplication state.
    public func openAlertKeys(workspace: Int64) throws(StoreError) -> Set<AlertKey> {
        try read("reading open alerts") { db in
            Set(try Row.fetchAll(
                db, sql: "SELECT rule, subject FROM alert WHERE workspace_id = ? AND cleared_at IS NULL", arguments: [workspace]
            ).map { AlertKey(rule: $0[0], subject: $0[1]) })
        }
    }

    /// The champions who left accounts of `workspace` since `since` (noted by the store as contacts were deleted or
    /// changed role), oldest first.
    public func championDepartures(workspace: Int64, since: Timestamp) throws(StoreError) -> [ChampionDeparture] {
        try read("reading champion departures") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT account_external_id, contact_external_id, name, at, role_after FROM champion_departure
                    WHERE workspace_id = ? AND at >= ? ORDER BY at, id
                    """, arguments: [workspace, since.seconds]
            ).map { row in
                ChampionDeparture(
                    account: AccountID(row[0] as String), contact: ContactID(row[1] as String), name: row[2],
                    at: Timestamp(seconds: row[3]), roleAfter: (row[4] as String?).flatMap(ContactRole.init(rawValue:)))
            }
        }
    }

    /// Records one evaluation in one transaction: clears the alerts whose condition no longer holds, stores the new
    /// ones (an alert already open for the same rule and subject is not stored again, so two evaluators cannot fire
    /// it twice), the tasks their playbooks ask for, and the deliveries `deliveries` makes for the alerts stored, once
    /// per evaluation (it is not called when none was stored).
    ///
    /// The first evaluation of a workspace (none stored before it) is its baseline (docs/alerts.md): its alerts are
    /// stored open but silent (`baseline`), with no task and no delivery, and `fired` is empty.
    public func recordEvaluation(
        workspace: Int64, at now: Timestamp, fired: [NewAlert], cleared: [AlertKey], tasks: [NewTask],
        deliveries: ([StoredAlert]) -> [NewDelivery]
    ) throws(StoreError) -> RecordedEvaluation {
        try write("recording alerts") { db in
            let isBaseline = try !Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM evaluation WHERE workspace_id = ?)", arguments: [workspace])!
            try db.execute(
                sql: "INSERT INTO evaluation (workspace_id, at, baseline, alerts, cleared, tasks) VALUES (?, ?, ?, 0, 0, 0)",
                arguments: [workspace, now.seconds, isBaseline])
            let evaluation = db.lastInsertedRowID
            let accountRows = Dictionary(
                try Row.fetchAll(db, sql: "SELECT external_id, id FROM account WHERE workspace_id = ?", arguments: [workspace])
                    .map { (AccountID($0[0] as String), $0[1] as Int64) }, uniquingKeysWith: { a, _ in a })
            var clearedCount = 0
            for key in cleared {
                try db.execute(
                    sql: "UPDATE alert SET cleared_at = ? WHERE workspace_id = ? AND rule = ? AND subject = ? AND cleared_at IS NULL",
                    arguments: [now.seconds, workspace, key.rule, key.subject])
                clearedCount += db.changesCount
            }
            var stored: [StoredAlert] = []
            var alertIDs: [AlertKey: Int64] = [:]
            for alert in fired {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO alert (workspace_id, rule, kind, severity, subject, account_id, title, reason, fired_at, baseline)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        workspace, alert.rule, alert.kind.rawValue, alert.severity, alert.subject,
                        alert.account.flatMap { accountRows[$0] }, alert.title, alert.reason, now.seconds, isBaseline,
                    ])
                guard db.changesCount == 1 else { continue }
                let id = db.lastInsertedRowID
                stored.append(StoredAlert(
                    id: id, rule: alert.rule, kind: alert.kind, severity: alert.severity, subject: alert.subject,
                    account: alert.account, title: alert.title, reason: alert.reason, firedAt: now, clearedAt: nil,
                    baseline: isBaseline))
                alertIDs[alert.key] = id
            }
            var deliveryCount = 0
            var taskCount = 0
            if !isBaseline && !stored.isEmpty {
                for d in deliveries(stored) {
                    try db.execute(
                        sql: """
                            INSERT INTO delivery (workspace_id, webhook, kind, evaluation_id, payload, next_attempt_at, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [workspace, d.webhook, d.kind, evaluation, d.payload, now.seconds, now.seconds])
                    deliveryCount += 1
                }
                for task in tasks {
                    // Only for alerts stored now: an alert another evaluator fired has had its tasks created there.
                    guard let alertID = alertIDs[task.trigger], let account = accountRows[task.account] else { continue }
                    try db.execute(
                        sql: """
                            INSERT INTO task (workspace_id, account_id, alert_id, playbook, title, owner, created_at, due_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [workspace, account, alertID, task.playbook, task.title, task.owner, now.seconds, task.dueAt.seconds])
                    taskCount += 1
                }
            }
            try db.execute(
                sql: "UPDATE evaluation SET alerts = ?, cleared = ?, tasks = ? WHERE id = ?",
                arguments: [stored.count, clearedCount, taskCount, evaluation])
            return RecordedEvaluation(
                fired: isBaseline ? [] : stored, cleared: clearedCount, tasks: taskCount, deliveries: deliveryCount,
                isBaseline: isBaseline, baseline: isBaseline ? stored.count : 0)
        }
    }

    /// When the first evaluation of `workspace` was recorded (its baseline, docs/alerts.md), or `nil` before any.
    public func firstEvaluation(workspace: Int64) throws(StoreError) -> Timestamp? {
        try read("reading evaluations") { db in
            try Int64.fetchOne(db, sql: "SELECT min(at) FROM evaluation WHERE workspace_id = ?", arguments: [workspace])
                .map { Timestamp(seconds: $0) }
        }
    }

    /// Alerts of `workspace`, newest first: only open ones when `openOnly`, only of `account` when given.
    public func alerts(
        workspace: Int64, openOnly: Bool = false, account: AccountID? = nil, since: Timestamp? = nil, limit: Int = 100,
        offset: Int = 0
    ) throws(StoreError) -> [StoredAlert] {
        try read("reading alerts") { db in
            var sql = Store.alertColumns
            var arguments: StatementArguments = [workspace]
            if openOnly { sql += " AND al.cleared_at IS NULL" }
            if let account {
                sql += " AND a.external_id = ?"
                arguments += [account.rawValue]
            }
            if let since {
                sql += " AND al.fired_at >= ?"
                arguments += [since.seconds]
            }
            sql += " ORDER BY al.fired_at DESC, al.id DESC LIMIT ? OFFSET ?"
            arguments += [limit, offset]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Store.alert)
        }
    }

    /// Acknowledges an open alert: seen and in hand, by `by` at `now`.
    public func acknowledgeAlert(workspace: Int64, id: Int64, by: String, at now: Timestamp) throws(StoreError) -> AlertUpdate {
        try updateOpenAlert(
            workspace: workspace, id: id, "acknowledging an alert",
            sql: "UPDATE alert SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ?", arguments: [now.seconds, by, id]
        ) {
            $0.acknowledgedAt = now
            $0.acknowledgedBy = by
        }
    }

    /// Sets an open alert aside until `until` (nil: back at once).
    public func snoozeAlert(workspace: Int64, id: Int64, until: Timestamp?) throws(StoreError) -> AlertUpdate {
        try updateOpenAlert(
            workspace: workspace, id: id, "snoozing an alert", sql: "UPDATE alert SET snoozed_until = ? WHERE id = ?",
            arguments: [until?.seconds, id]) { $0.snoozedUntil = until }
    }

    private func updateOpenAlert(
        workspace: Int64, id: Int64, _ what: String, sql: String, arguments: StatementArguments, change: (inout StoredAlert) -> Void
    ) throws(StoreError) -> AlertUpdate {
        try write(what) { db in
            guard let row = try Row.fetchOne(db, sql: Store.alertColumns + " AND al.id = ?", arguments: [workspace, id])
            else { return .notFound }
            var alert = Store.alert(row)
            guard alert.clearedAt == nil else { return .alreadyCleared(alert) }
            try db.execute(sql: sql, arguments: arguments)
            change(&alert)
            return .updated(alert)
        }
    }

    /// The alert columns `alert(_:)` reads, of one workspace (the first argument).
    static let alertColumns = """
        SELECT al.id, al.rule, al.kind, al.severity, al.subject, a.external_id, al.title, al.reason, al.fired_at,
               al.cleared_at, al.acknowledged_at, al.acknowledged_by, al.snoozed_until, al.baseline
        FROM alert al LEFT JOIN account a ON a.id = al.account_id WHERE al.workspace_id = ?
        """

    static func alert(_ r: Row) -> StoredAlert {
        let account: String? = r[5]
        let cleared: Int64? = r[9]
        let acknowledged: Int64? = r[10]
        let snoozed: Int64? = r[12]
        return StoredAlert(
            id: r[0], rule: r[1], kind: AlertKind(rawValue: r[2]) ?? .external, severity: r[3], subject: r[4],
            account: account.map { AccountID($0) }, title: r[6], reason: r[7], firedAt: Timestamp(seconds: r[8]),
            clearedAt: cleared.map { Timestamp(seconds: $0) }, acknowledgedAt: acknowledged.map { Timestamp(seconds: $0) },
            acknowledgedBy: r[11], snoozedUntil: snoozed.map { Timestamp(seconds: $0) }, baseline: r[13])
    }
}
