import GRDB
import VitalsCore

extension Store {
    private static let taskColumns = """
        SELECT t.id, a.external_id, a.name, t.alert_id, t.playbook, t.title, t.owner, t.created_at, t.due_at, t.status,
               t.closed_at, t.closed_by, t.note, t.snoozed_until
        FROM task t JOIN account a ON a.id = t.account_id
        """

    private static func task(_ r: Row) -> StoredTask {
        let closed: Int64? = r[10]
        return StoredTask(
            id: r[0], account: AccountID(r[1] as String), accountName: r[2], alertID: r[3], playbook: r[4], title: r[5],
            owner: r[6], createdAt: Timestamp(seconds: r[7]), dueAt: Timestamp(seconds: r[8]),
            status: TaskStatus(rawValue: r[9]) ?? .open, closedAt: closed.map { Timestamp(seconds: $0) }, closedBy: r[11],
            note: r[12], snoozedUntil: (r[13] as Int64?).map { Timestamp(seconds: $0) })
    }

    /// Tasks of `workspace`, soonest due first, optionally only of one owner, status or account.
    public func tasks(
        workspace: Int64, owner: String? = nil, status: TaskStatus? = nil, account: AccountID? = nil, limit: Int = 500
    ) throws(StoreError) -> [StoredTask] {
        try read("reading tasks") { db in
            var sql = Store.taskColumns + " WHERE t.workspace_id = ?"
            var arguments: StatementArguments = [workspace]
            if let owner {
                sql += " AND t.owner = ?"
                arguments += [owner]
            }
            if let status {
                sql += " AND t.status = ?"
                arguments += [status.rawValue]
            }
            if let account {
                sql += " AND a.external_id = ?"
                arguments += [account.rawValue]
            }
            sql += " ORDER BY t.due_at, t.id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Store.task)
        }
    }

    /// Closes an open task as `done` or `dismissed`, recording when and by whom.
    public func closeTask(
        workspace: Int64, id: Int64, status: TaskStatus, by: String, note: String? = nil, at now: Timestamp
    ) throws(StoreError) -> TaskClosing {
        precondition(status != .open, "closing a task needs done or dismissed")
        return try write("closing a task") { db in
            guard let row = try Row.fetchOne(db, sql: Store.taskColumns + " WHERE t.workspace_id = ? AND t.id = ?", arguments: [workspace, id])
            else { return .notFound }
            let task = Store.task(row)
            guard task.status == .open else { return .alreadyClosed(task) }
            try db.execute(
                sql: "UPDATE task SET status = ?, closed_at = ?, closed_by = ?, note = coalesce(?, note) WHERE id = ?",
                arguments: [status.rawValue, now.seconds, by, note, id])
            var closed = task
            closed.status = status
            closed.closedAt = now
            closed.closedBy = by
            closed.note = note ?? task.note
            return .closed(closed)
        }
    }

    /// Sets an open task aside until `until` (nil: back at once).
    public func snoozeTask(workspace: Int64, id: Int64, until: Timestamp?) throws(StoreError) -> TaskUpdate {
        try updateOpenTask(workspace: workspace, id: id, "snoozing a task", sql: "UPDATE task SET snoozed_until = ? WHERE id = ?",
            arguments: [until?.seconds, id]) { $0.snoozedUntil = until }
    }

    /// Gives an open task to `owner`.
    public func reassignTask(workspace: Int64, id: Int64, to owner: String) throws(StoreError) -> TaskUpdate {
        try updateOpenTask(workspace: workspace, id: id, "reassigning a task", sql: "UPDATE task SET owner = ? WHERE id = ?",
            arguments: [owner, id]) { $0.owner = owner }
    }

    private func updateOpenTask(
        workspace: Int64, id: Int64, _ what: String, sql: String, arguments: StatementArguments, change: (inout StoredTask) -> Void
    ) throws(StoreError) -> TaskUpdate {
        try write(what) { db in
            guard let row = try Row.fetchOne(db, sql: Store.taskColumns + " WHERE t.workspace_id = ? AND t.id = ?", arguments: [workspace, id])
            else { return .notFound }
            var task = Store.task(row)
            guard task.status == .open else { return .alreadyClosed(task) }
            try db.execute(sql: sql, arguments: arguments)
            change(&task)
            return .updated(task)
        }
    }
}
