import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The goals page and its review form.
extension DashboardController {
    /// The workspace's goals evaluated as of the page's instant (the store's goals change without a data write, so
    /// they are read each time; the KPI series behind them are cached).
    func evaluatedGoals(_ page: Page) async throws -> [GoalEvaluation] {
        let workspace = page.session.user.workspace
        let stored: [StoredGoal]
        do { stored = try store.goals(workspace: workspace) } catch { throw HTTPError(.internalServerError, message: "\(error)") }
        return try await goalsController.evaluate(stored, workspace: workspace, asOf: page.asOf)
    }

    func goals(_ request: Request, _ context: VitalsContext, notice: String?) async throws -> Response {
        let page = try await page(request, context)
        let model = GoalsPage(
            goals: try await evaluatedGoals(page), currency: page.view.calculator.settings.reportingCurrency,
            csrfToken: page.session.csrfToken, asOf: page.asOf, notice: notice)
        if let response = try csv(page, name: "goals", tables: { [model.targetTable] }) { return response }
        return .html(layout(page, title: "Goals", section: .goals).render(model.render()))
    }

    /// Records a review note for a target (POST from the goals page, with the session's CSRF token).
    func recordReview(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { return try await goals(request, context, notice: "A review needs a note.") }
        do {
            _ = try store.addReview(
                targetID: id, workspace: session.user.workspace, reviewer: session.user.name, note: note,
                at: Timestamp(seconds: Int64(now().timeIntervalSince1970)))
        } catch {
            throw HTTPError(.notFound, message: "\(error)")
        }
        return .redirect(to: "/goals", type: .normal)
    }

    /// A tile's target status: the worst status among the active targets on that KPI for the page's segment (the
    /// company-wide targets when no segment is chosen).
    static func targetBadges(_ goals: [GoalEvaluation], segment: String?) -> [KPI: OverviewPage.TargetBadge] {
        var worst: [KPI: TargetEvaluation] = [:]
        for target in goals.filter({ !$0.archived }).flatMap(\.allTargets) where target.target.segment == segment && target.status != .noData {
            let kpi = target.target.kpi
            if let known = worst[kpi], known.status.severity >= target.status.severity { continue }
            worst[kpi] = target
        }
        return worst.mapValues { t in
            OverviewPage.TargetBadge(status: t.status.rawValue, label: "\(t.status.title): \(t.title)")
        }
    }
}
