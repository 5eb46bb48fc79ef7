import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The health, revenue-at-risk, alert, task and digest routes (`docs/health.md`, `docs/alerts.md`).
struct HealthController: Sendable {
    let service: HealthService
    let store: any VitalsStorage
    let clock: @Sendable () -> Timestamp

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("accounts/{id}/health") { request, context in
            let grant = try context.requireCaller()
            let id = try context.parameters.require("id")
            return try await accountHealth(id, request, workspace: grant.workspace)
        }
        group.get("health") { request, context in
            let grant = try context.requireCaller()
            return try await scores(request, workspace: grant.workspace)
        }
        group.get("revenue-at-risk") { request, context in
            let grant = try context.requireCaller()
            return try await revenueAtRisk(request, workspace: grant.workspace)
        }
        group.get("alerts") { request, context in
            let grant = try context.requireCaller()
            let q = request.uri.queryParameters
            let status = q.get("status") ?? "all"
            guard ["open", "all"].contains(status) else { throw APIError.badRequest("status: '\(status)' is not open or all") }
            let alerts = try store.alerts(
                workspace: grant.workspace, openOnly: status == "open", account: q.get("account").map { AccountID($0) }, since: nil,
                limit: try int(q.get("limit"), "limit", 100, 1...1000), offset: try int(q.get("offset"), "offset", 0, 0...Int.max))
            return Response.json(HealthJSON.alerts(alerts))
        }
        group.patch("alerts/{id}") { request, context in
            let grant = try context.requireCaller()
            let text = try context.parameters.require("id")
            guard let id = Int64(text) else { throw APIError(status: .notFound, message: "no alert '\(text)'") }
            let body = try await request.body.collect(upTo: 64 << 10)
            return try updateAlert(id, body: Data(buffer: body), workspace: grant.workspace, actor: grant.actor)
        }
        group.get("tasks") { request, context in
            let grant = try context.requireCaller()
            let q = request.uri.queryParameters
            var status: TaskStatus?
            if let text = q.get("status"), text != "all" {
                guard let s = TaskStatus(rawValue: text) else {
                    throw APIError.badRequest("status: '\(text)' is not open, done, dismissed or all")
                }
                status = s
            }
            let tasks = try store.tasks(
                workspace: grant.workspace, owner: q.get("owner"), status: status, account: q.get("account").map { AccountID($0) },
                limit: try int(q.get("limit"), "limit", 500, 1...5000))
            return Response.json(HealthJSON.tasks(tasks))
        }
        group.patch("tasks/{id}") { request, context in
            let grant = try context.requireCaller()
            let text = try context.parameters.require("id")
            guard let id = Int64(text) else { throw APIError(status: .notFound, message: "no task '\(text)'") }
            let body = try await request.body.collect(upTo: 64 << 10)
            return try close(id, body: Data(buffer: body), workspace: grant.workspace, actor: grant.actor)
        }
        group.get("digests") { request, context in
            let grant = try context.requireCaller()
            let limit = try int(request.uri.queryParameters.get("limit"), "limit", 20, 1...500)
            return Response.json(HealthJSON.digests(try store.digests(workspace: grant.workspace, limit: limit)))
        }
    }

    /// The instant of `at` (a date, YYYY-MM-DD: its start), else the one default of every health reading
    /// (`HealthInstant`: the start of today, or of the day after the last record).
    private func instant(_ request: Request, _ view: WorkspaceView) throws -> Timestamp {
        guard let text = request.uri.queryParameters.get("at") else {
            return view.healthInstant(now: clock())
        }
        guard text.count == 10, let date = try? CivilDate.parseBound(text).first else {
            throw APIError.badRequest("at: '\(text)' is not a date, YYYY-MM-DD")
        }
        return Timestamp(date)
    }

    func accountHealth(_ id: String, _ request: Request, workspace: Int64) async throws -> Response {
        let view = try await service.view(workspace: workspace)
        guard let index = view.dataset.index(of: AccountID(id)) else {
            throw APIError(status: .notFound, message: "no account '\(id)' in this workspace")
        }
        let at = try instant(request, view)
        guard let breakdown = view.health.breakdown(index, at: at) else {
            throw APIError(status: .notFound, message: "account '\(id)' has no health score as of \(at): no component has data")
        }
        let history = try store.healthHistory(workspace: workspace, account: AccountID(id), from: at.date.adding(days: -90))
        return .json(HealthJSON.breakdown(
            breakdown, account: view.dataset[index], currency: view.calculator.settings.reportingCurrency, history: history,
            periodDays: view.health.settings.periodDays))
    }

    func scores(_ request: Request, workspace: Int64) async throws -> Response {
        let view = try await service.view(workspace: workspace)
        let q = request.uri.queryParameters
        let at = try instant(request, view)
        let filter = try ReportQuery.segment(q.get("segment"), view: view)
        var band: HealthBand?
        if let text = q.get("band") {
            guard let b = HealthBand(rawValue: text) else { throw APIError.badRequest("band: '\(text)' is not red, yellow or green") }
            band = b
        }
        let engine = view.health
        var rows = engine.assessAll(at: at).filter { filter?.matches(engine.accounts[$0.account.int]) ?? true }
        var counts: [HealthBand: Int] = [:]
        for r in rows { counts[r.band, default: 0] += 1 }
        if let band { rows = rows.filter { $0.band == band } }
        switch q.get("sort") ?? "score" {
        case "score": rows.sort { ($0.score, $0.account) < ($1.score, $1.account) }
        case "-score": rows.sort { ($0.score, $1.account) > ($1.score, $0.account) }
        case "mrr": rows.sort { ($0.mrr, $0.account) < ($1.mrr, $1.account) }
        case "-mrr": rows.sort { ($0.mrr, $1.account) > ($1.mrr, $0.account) }
        case let other: throw APIError.badRequest("sort: '\(other)' is not one of score, mrr (- for descending)")
        }
        let limit = try int(q.get("limit"), "limit", 100, 1...10_000)
        let offset = try int(q.get("offset"), "offset", 0, 0...Int.max)
        let page = Array(rows.dropFirst(offset).prefix(limit))
        return .json(HealthJSON.scores(
            page, engine: engine, at: at, currency: view.calculator.settings.reportingCurrency, total: rows.count, counts: counts))
    }

    func revenueAtRisk(_ request: Request, workspace: Int64) async throws -> Response {
        let view = try await service.view(workspace: workspace)
        let q = request.uri.queryParameters
        let at = try instant(request, view)
        let by = q.get("by")
        if let by, !view.knownAttributes.contains(by) {
            throw APIError.badRequest("by: unknown attribute '\(by)' (known: \(view.knownAttributes.sorted().joined(separator: ", ")))")
        }
        let filter = try ReportQuery.segment(q.get("segment"), view: view)
        let engine = view.health
        let health = engine.assessAll(at: at).filter { filter?.matches(engine.accounts[$0.account.int]) ?? true }
        let risk = RevenueAtRisk.compute(health, engine: engine, at: at, by: by)
        return .json(HealthJSON.revenueAtRisk(
            risk, engine: engine, currency: view.calculator.settings.reportingCurrency,
            limit: try int(q.get("limit"), "limit", 100, 0...10_000)))
    }

    /// PATCH of a task: `owner` reassigns it, `snoozed_until` sets it aside (both may come together), anything else
    /// closes it.
    func close(_ id: Int64, body: Data, workspace: Int64, actor: String) throws -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object: {\"status\": \"done\", \"closed_by\": \"ana\"}")
        }
        if object["owner"] != nil || object.keys.contains("snoozed_until") {
            return try update(id, object, workspace: workspace, actor: actor)
        }
        let statusText = object["status"] as? String ?? "done"
        guard let status = TaskStatus(rawValue: statusText), status != .open else {
            throw APIError.badRequest("status: '\(statusText)' is not done or dismissed")
        }
        guard let by = object["closed_by"] as? String, !by.isEmpty else {
            throw APIError.badRequest("closed_by: required, who closed the task")
        }
        let note = object["note"] as? String
        let now = clock()
        switch try store.closeTask(workspace: workspace, id: id, status: status, by: by, note: note, at: now) {
        case .closed(let task):
            try AuditTrail(store: store).task(task, workspace: workspace, actor: actor, at: now)
            return .json(HealthJSON.task(task))
        case .notFound: throw APIError(status: .notFound, message: "no task \(id) in this workspace")
        case .alreadyClosed(let task):
            throw APIError(status: .conflict, message: "task \(id) was already closed (\(task.status.rawValue)) by \(task.closedBy ?? "?")")
        }
    }

    private func update(_ id: Int64, _ object: [String: Any], workspace: Int64, actor: String) throws -> Response {
        let owner = try Self.name(object, "owner")
        let snooze = try Self.snooze(object)
        var result: TaskUpdate = .notFound
        if let owner {
            result = try store.reassignTask(workspace: workspace, id: id, to: owner)
        }
        if case .some(let until) = snooze, owner == nil || result.isUpdated {
            result = try store.snoozeTask(workspace: workspace, id: id, until: until)
        }
        switch result {
        case .updated(let task):
            try AuditTrail(store: store).taskUpdate(task, owner: owner, snoozed: snooze, workspace: workspace, actor: actor, at: clock())
            return .json(HealthJSON.task(task))
        case .notFound: throw APIError(status: .notFound, message: "no task \(id) in this workspace")
        case .alreadyClosed(let task):
            throw APIError(status: .conflict, message: "task \(id) is closed (\(task.status.rawValue)): only open tasks are snoozed or reassigned")
        }
    }

    /// PATCH of an alert: `acknowledged_by` acknowledges it, `snoozed_until` (a date or instant, or null) sets it aside
    /// or wakes it; both may come together.
    func updateAlert(_ id: Int64, body: Data, workspace: Int64, actor: String) throws -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APIError.badRequest("the body must be a JSON object: {\"acknowledged_by\": \"ana\"} or {\"snoozed_until\": \"2026-12-20\"}")
        }
        let by = try Self.name(object, "acknowledged_by")
        let snooze = try Self.snooze(object)
        guard by != nil || snooze != nil else {
            throw APIError.badRequest("the body needs acknowledged_by or snoozed_until")
        }
        let now = clock()
        var result: AlertUpdate = .notFound
        if let by { result = try store.acknowledgeAlert(workspace: workspace, id: id, by: by, at: now) }
        if case .some(let until) = snooze, by == nil || { if case .updated = result { true } else { false } }() {
            result = try store.snoozeAlert(workspace: workspace, id: id, until: until)
        }
        switch result {
        case .updated(let alert):
            try AuditTrail(store: store).alertUpdate(alert, acknowledged: by != nil, snoozed: snooze, workspace: workspace, actor: actor, at: now)
            return .json(HealthJSON.alert(alert))
        case .notFound: throw APIError(status: .notFound, message: "no alert \(id) in this workspace")
        case .alreadyCleared(let alert):
            throw APIError(status: .conflict, message: "alert \(id) cleared at \(alert.clearedAt?.description ?? "?"): only open alerts are acknowledged or snoozed")
        }
    }

    /// A person's name given as `key` (trimmed, 1 to 200 characters), or nil when the body has none.
    static func name(_ object: [String: Any], _ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty, text.count <= 200 else {
            throw APIError.badRequest("\(key): a name of 1 to 200 characters")
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// `snoozed_until` of a PATCH body: the new instant, or nil to wake the task or alert at once; absent (the outer
    /// nil): no change.
    static func snooze(_ object: [String: Any]) throws -> Timestamp?? {
        guard object.keys.contains("snoozed_until") else { return nil }
        switch object["snoozed_until"] {
        case let text as String:
            do {
                return .some(try Timestamp.parse(text))
            } catch {
                throw APIError.badRequest("snoozed_until: \(error)")
            }
        case is NSNull: return .some(nil)
        default: throw APIError.badRequest("snoozed_until: a date, an instant or null")
        }
    }

    private func int(_ text: String?, _ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name): '\(text)' is not a whole number from \(range.lowerBound)")
        }
        return value
    }
}
