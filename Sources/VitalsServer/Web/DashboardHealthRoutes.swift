import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The health & alerts page, its task closing, and the scores the other pages show.
extension DashboardController {
    /// Every scored account's health as of the page's health instant, kept until the next write.
    func healthScores(_ page: Page) async throws -> [AccountHealth] {
        let at = page.healthAt
        return try await cache.derived(page.session.user.workspace, key: "health|\(at.seconds)") { view in view.health.assessAll(at: at) }
    }

    func health(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        let workspace = page.session.user.workspace
        let scores = try await healthScores(page)
        // The person's own tasks first, when they are linked to a CSM name; everyone's with `everyone=1`.
        let me = page.session.user.csm
        let owner = page.parameters["everyone"] == "1" ? nil : page.parameters["owner"].flatMap { $0.isEmpty ? nil : $0 } ?? me
        var model: HealthPage
        do {
            let open = try store.tasks(workspace: workspace, owner: nil, status: .open, account: nil, limit: .max)
            model = HealthPage(
                at: page.healthAt, currency: page.view.calculator.settings.reportingCurrency, accounts: page.view.dataset.accounts,
                scores: scores, risk: RevenueAtRisk.compute(scores, engine: page.view.health, at: page.healthAt),
                alerts: try store.alerts(workspace: workspace, openOnly: true, account: nil, since: nil, limit: .max, offset: 0),
                tasks: owner.map { o in open.filter { $0.owner == o } } ?? open, owner: owner,
                owners: Array(Set(open.map(\.owner))).sorted(), digests: try store.digests(workspace: workspace, limit: 5),
                csrfToken: page.session.csrfToken, now: clock)
            model.firstEvaluation = try store.firstEvaluation(workspace: workspace)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        model.me = me
        model.showSnoozed = page.parameters["snoozed"] == "1"
        model.alertList = AlertList(parameter: page.parameters["alerts"])
        model.alertPage = page.parameters["apage"].flatMap(Int.init) ?? 1
        model.riskPage = page.parameters["rpage"].flatMap(Int.init) ?? 1
        model.taskPage = page.parameters["tpage"].flatMap(Int.init) ?? 1
        if let response = try csv(page, name: "health", tables: { model.tables() }) { return response }
        return .html(layout(page, title: "Health & alerts", section: .health).render(model.render()))
    }

    /// Closes a task where it is listed (done or dismissed, with an optional note), recording who closed it.
    func closeTask(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let status: TaskStatus = form["status"] == "dismissed" ? .dismissed : .done
        let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let result: TaskClosing
        let at = clock
        do {
            result = try store.closeTask(workspace: session.user.workspace, id: id, status: status, by: session.user.name, note: note, at: at)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .notFound = result { throw HTTPError(.notFound, message: "no such task in this workspace") }
        if case .closed(let task) = result {
            try AuditTrail(store: store).task(task, workspace: session.user.workspace, actor: session.user.email, at: at)
        }
        return .redirect(to: Self.back(form), type: .normal)
    }

    /// Snoozes an open task until the date given (at its start, UTC), from where it is listed.
    func snoozeTask(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let until = try Self.snoozeDate(form)
        let result: TaskUpdate
        do {
            result = try store.snoozeTask(workspace: session.user.workspace, id: id, until: until)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .updated(let task) = result {
            try AuditTrail(store: store).taskUpdate(
                task, owner: nil, snoozed: .some(until), workspace: session.user.workspace, actor: session.user.email,
                at: clock)
        }
        return try Self.afterUpdate(result, form)
    }

    /// Gives an open task to someone else, from where it is listed.
    func reassignTask(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let owner = form["owner"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !owner.isEmpty, owner.count <= 200 else { throw HTTPError(.badRequest, message: "owner: a name of 1 to 200 characters") }
        let result: TaskUpdate
        do {
            result = try store.reassignTask(workspace: session.user.workspace, id: id, to: owner)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .updated(let task) = result {
            try AuditTrail(store: store).taskUpdate(
                task, owner: owner, snoozed: nil, workspace: session.user.workspace, actor: session.user.email,
                at: clock)
        }
        return try Self.afterUpdate(result, form)
    }

    static func afterUpdate(_ result: TaskUpdate, _ form: [String: String]) throws -> Response {
        switch result {
        case .updated: return .redirect(to: back(form), type: .normal)
        case .notFound: throw HTTPError(.notFound, message: "no such task in this workspace")
        case .alreadyClosed: throw HTTPError(.conflict, message: "the task is closed already")
        }
    }

    /// The day a task or alert is snoozed until (its start, UTC), from a form's `until`.
    static func snoozeDate(_ form: [String: String]) throws -> Timestamp {
        guard let text = form["until"], text.count == 10, let until = try? Timestamp.parse(text) else {
            throw HTTPError(.badRequest, message: "until: a date (YYYY-MM-DD) is required")
        }
        return until
    }

    /// The page a task form returns to: a same-site path only (never another site), else the health page.
    static func back(_ form: [String: String]) -> String {
        let back = LoginController.safeNext(form["back"])
        return back == "/" ? "/health" : back
    }
}
