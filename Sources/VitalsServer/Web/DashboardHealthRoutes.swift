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
        let owner = page.parameters["owner"].flatMap { $0.isEmpty ? nil : $0 }
        let model: HealthPage
        do {
            let open = try store.tasks(workspace: workspace, status: .open)
            model = HealthPage(
                at: page.healthAt, currency: page.view.calculator.settings.reportingCurrency, accounts: page.view.dataset.accounts,
                scores: scores, risk: RevenueAtRisk.compute(scores, engine: page.view.health, at: page.healthAt),
                alerts: try store.alerts(workspace: workspace, openOnly: true, limit: 200),
                tasks: owner.map { o in open.filter { $0.owner == o } } ?? open, owner: owner,
                owners: Array(Set(open.map(\.owner))).sorted(), digests: try store.digests(workspace: workspace, limit: 5),
                csrfToken: page.session.csrfToken)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if let response = try csv(page, name: "health", tables: { model.tables() }) { return response }
        return .html(layout(page, title: "Health & alerts", section: .health).render(model.render()))
    }

    /// Closes a task from the health page (done or dismissed, with an optional note), recording who closed it.
    func closeTask(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let status: TaskStatus = form["status"] == "dismissed" ? .dismissed : .done
        let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let result: TaskClosing
        let at = Timestamp(seconds: Int64(now().timeIntervalSince1970))
        do {
            result = try store.closeTask(workspace: session.user.workspace, id: id, status: status, by: session.user.name, note: note, at: at)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .notFound = result { throw HTTPError(.notFound, message: "no such task in this workspace") }
        if case .closed(let task) = result {
            try AuditTrail(store: store).task(task, workspace: session.user.workspace, actor: session.user.email, at: at)
        }
        let owner = form["owner"].flatMap { $0.isEmpty ? nil : "?owner=" + URLQuery.escape($0) } ?? ""
        return .redirect(to: "/health" + owner, type: .normal)
    }
}
