import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Notes in the audit log what the server changes outside the access store, which notes its own (docs/security.md,
/// "Audit log"): goals created, edited, archived and restored, target reviews, tasks closed.
struct AuditTrail: Sendable {
    let store: any VitalsStorage

    func note(_ workspace: Int64, actor: String, _ action: String, target: String, change: String, at now: Timestamp) throws {
        do {
            try store.recordAudit(
                AuditEvent(actor: actor, action: action, target: target, change: change), workspace: workspace,
                at: Date(timeIntervalSince1970: TimeInterval(now.seconds)))
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
    }

    /// Notes a goal change (`goal.create`, `goal.edit`, `goal.archive`, `goal.restore`) with what the goal's own
    /// history says changed in it.
    func goal(_ goal: StoredGoal, _ action: String, workspace: Int64, actor: String, at now: Timestamp) throws {
        let latest = (try? store.goalHistory(goal.id, workspace: workspace))?.last
        let change = latest.map { $0.changes.isEmpty ? $0.action : $0.changes.joined(separator: "; ") } ?? action
        try note(workspace, actor: actor, action, target: "goal \(goal.id) (\(goal.definition.name))", change: String(change.prefix(1000)), at: now)
    }

    /// Notes a task closed (done or dismissed) and by whom.
    func task(_ task: StoredTask, workspace: Int64, actor: String, at now: Timestamp) throws {
        try note(
            workspace, actor: actor, "task.close", target: "task \(task.id) (\(task.account.rawValue))",
            change: "open -> \(task.status.rawValue)" + (task.note.map { "; note: \($0.prefix(200))" } ?? ""), at: now)
    }

    /// Notes a task reassigned (`task.reassign`, to `owner`) or snoozed (`task.snooze`, until the instant or woken).
    func taskUpdate(
        _ task: StoredTask, owner: String?, snoozed: Timestamp??, workspace: Int64, actor: String, at now: Timestamp
    ) throws {
        let target = "task \(task.id) (\(task.account.rawValue))"
        if let owner { try note(workspace, actor: actor, "task.reassign", target: target, change: "owner -> \(owner)", at: now) }
        if case .some(let until) = snoozed {
            try note(
                workspace, actor: actor, "task.snooze", target: target,
                change: until.map { "snoozed until \($0.date)" } ?? "woken", at: now)
        }
    }
    /// Notes an alert acknowledged (`alert.acknowledge`) or snoozed (`alert.snooze`, until the instant or woken).
    func alertUpdate(_ alert: StoredAlert, acknowledged: Bool, snoozed: Timestamp??, workspace: Int64, actor: String, at now: Timestamp) throws {
        let target = "alert \(alert.id) (\(alert.rule) \(alert.subject))"
        if acknowledged {
            try note(workspace, actor: actor, "alert.acknowledge", target: target, change: "acknowledged by \(alert.acknowledgedBy ?? actor)", at: now)
        }
        if case .some(let until) = snoozed {
            try note(
                workspace, actor: actor, "alert.snooze", target: target,
                change: until.map { "snoozed until \($0.date)" } ?? "woken", at: now)
        }
    }
}

/// `GET /api/v1/audit`: the audit log, newest first, filtered by `actor`, `action` (exact, or a prefix ending with a
/// dot: `user.`) and `since` (a date or an ISO 8601 instant), paged by `limit` (1-1000, default 100) and `offset`,
/// with the `total` that match.
struct AuditController: Sendable {
    let store: any VitalsStorage

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("audit") { request, context in
            let caller = try context.requireCaller()
            let query = try Self.query(request.uri.queryParameters, defaultLimit: 100)
            return Response.json(Self.json(try store.auditLog(workspace: caller.workspace, query: query), query: query))
        }
    }

    /// The query of the API route and of the audit page.
    static func query(_ q: Parameters, defaultLimit: Int) throws -> AuditQuery {
        func number(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = q.get(name) else { return fallback }
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest("\(name): '\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        var since: Date?
        if let text = q.get("since"), !text.isEmpty {
            do {
                since = Date(timeIntervalSince1970: TimeInterval(try Timestamp.parse(text).seconds))
            } catch {
                throw APIError.badRequest("since: \(error.description)")
            }
        }
        func text(_ name: String) -> String? { q.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        return AuditQuery(
            actor: text("actor"), action: text("action"), since: since, limit: try number("limit", defaultLimit, 1...1000),
            offset: try number("offset", 0, 0...1_000_000_000))
    }

    static func json(_ page: AuditPage, query: AuditQuery) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("total", page.total)
        json.field("limit", query.limit)
        json.field("offset", query.offset)
        json.key("entries")
        json.beginArray()
        for entry in page.entries {
            json.beginObject()
            json.field("id", Int(entry.id))
            json.field("at", Timestamp(seconds: Int64(entry.at.timeIntervalSince1970)).isoText)
            json.field("actor", entry.event.actor)
            json.field("action", entry.event.action)
            json.field("target", entry.event.target)
            json.field("change", entry.event.change)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}

extension Timestamp {
    /// `2026-12-07T23:09:00Z`.
    var isoText: String {
        let day = (seconds % 86_400 + 86_400) % 86_400
        func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date)T\(pad(day / 3600)):\(pad(day / 60 % 60)):\(pad(day % 60))Z"
    }
}
