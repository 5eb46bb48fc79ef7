import Foundation
import GRDB
import VitalsCore

/// One change to note in the audit log: who made it (a person's email, `key vk_<prefix>`, or `cli`), the action
/// (`user.create`, `key.revoke`, `goal.edit`, ...; docs/security.md lists them), what it was done to, and a short
/// summary of what changed (before -> after where there was a before).
public struct AuditEvent: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var target: String
    public var change: String

    public init(actor: String, action: String, target: String, change: String) {
        self.actor = actor
        self.action = action
        self.target = target
        self.change = change
    }
}

/// A noted change, with when it was noted.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var event: AuditEvent
}

/// Which entries to list: filters (each optional, all applied) and a page of them, newest first.
public struct AuditQuery: Sendable, Equatable {
    /// Entries by exactly this actor.
    public var actor: String?
    /// Entries of exactly this action (`user.role`), or of every action under a prefix ending with a dot (`user.`).
    public var action: String?
    /// Entries at or after this instant.
    public var since: Date?
    public var limit: Int
    public var offset: Int

    public init(actor: String? = nil, action: String? = nil, since: Date? = nil, limit: Int = 100, offset: Int = 0) {
        self.actor = actor
        self.action = action
        self.since = since
        self.limit = limit
        self.offset = offset
    }
}

/// A page of the audit log and how many entries match in all.
public struct AuditPage: Sendable, Equatable {
    public var entries: [AuditEntry]
    public var total: Int
}

extension Store {
    public func recordAudit(_ event: AuditEvent, workspace: Int64, at now: Date) throws(StoreError) {
        try write("noting \(event.action) in the audit log") { db in try Store.insertAudit(db, workspace: workspace, at: now, event) }
    }

    public func auditLog(workspace: Int64, query: AuditQuery) throws(StoreError) -> AuditPage {
        var conditions = ["workspace_id = ?"]
        var arguments: StatementArguments = [workspace]
        if let actor = query.actor {
            conditions.append("actor = ?")
            arguments += [actor]
        }
        if let action = query.action {
            if action.hasSuffix(".") {
                conditions.append("substr(action, 1, ?) = ?")
                arguments += [action.count, action]
            } else {
                conditions.append("action = ?")
                arguments += [action]
            }
        }
        if let since = query.since {
            conditions.append("at >= ?")
            arguments += [Int64(since.timeIntervalSince1970)]
        }
        let filter = conditions.joined(separator: " AND ")
        let limit = max(0, query.limit), offset = max(0, query.offset)
        return try read("reading the audit log") { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE \(filter)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, at, actor, action, target, change FROM audit_log WHERE \(filter) ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset])
            let entries = rows.map { row in
                AuditEntry(
                    id: row[0], at: Date(timeIntervalSince1970: TimeInterval(row[1] as Int64)),
                    event: AuditEvent(actor: row[2], action: row[3], target: row[4], change: row[5]))
            }
            return AuditPage(entries: entries, total: total)
        }
    }

    /// Notes `event` in the transaction of the change it describes, so that the change and its note are stored
    /// together or not at all.
    static func insertAudit(_ db: Database, workspace: Int64, at now: Date, _ event: AuditEvent) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (workspace_id, at, actor, action, target, change) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [workspace, Int64(now.timeIntervalSince1970), event.actor, event.action, event.target, event.change])
    }
}
