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
        let at = clock
        do {
            _ = try store.addReview(targetID: id, workspace: session.user.workspace, reviewer: session.user.name, note: note, at: at)
        } catch {
            throw HTTPError(.notFound, message: "\(error)")
        }
        try AuditTrail(store: store).note(
            session.user.workspace, actor: session.user.email, "goal.review", target: "target \(id)",
            change: "review by \(session.user.name): \(note.prefix(200))", at: at)
        return .redirect(to: "/goals", type: .normal)
    }

    /// A tile's target status for the tile's period `period` (docs/goals.md, tiles).
    ///
    /// - The latest whole period as of `asOf` (the overview's default) or a later one: today's status, the worst among
    ///   the active targets on the KPI for the page's segment (the company-wide targets when no segment is chosen).
    /// - An earlier period: that period's own verdict, from the milestones (stages or final amounts) of those targets
    ///   whose deadline falls in it and whose period is over: **achieved** when the KPI's value in the milestone's
    ///   period met its target value, **missed** when not (`MilestoneEvaluation.status`, rule 1 of the status rules);
    ///   the worse when several are due. No badge when no milestone was due in the period: a target judged today is
    ///   not a verdict on a period gone by.
    static func targetBadges(
        _ goals: [GoalEvaluation], segment: String?, period: Period, asOf: Timestamp
    ) -> [KPI: OverviewPage.TargetBadge] {
        let targets = goals.filter { !$0.archived }.flatMap(\.allTargets).filter { $0.target.segment == segment }
        let latest = DashboardQuery.latestWholePeriod(grain: period.grain, asOf: asOf.date)
        guard period.start < latest.start else {
            var worst: [KPI: TargetEvaluation] = [:]
            for target in targets where target.status != .noData {
                let kpi = target.target.kpi
                if let known = worst[kpi], known.status.severity >= target.status.severity { continue }
                worst[kpi] = target
            }
            return worst.mapValues { t in
                OverviewPage.TargetBadge(
                    status: t.status.rawValue, style: t.status.rawValue, text: t.status.title,
                    label: "\(t.status.title): \(t.title)", period: nil)
            }
        }
        // A milestone is due in the period when its deadline (a day, inclusive) lies in it.
        var worst: [KPI: (missed: Bool, badge: OverviewPage.TargetBadge)] = [:]
        for target in targets {
            for m in target.milestones where m.passed && period.startDate <= m.deadline && m.deadline < period.endDate {
                guard m.status == .achieved || m.status == .offTrack, let goal = m.targetValue else { continue }
                let missed = m.status == .offTrack
                let kpi = target.target.kpi
                if let known = worst[kpi], known.missed || !missed { continue }
                let value = m.valueAtDeadline.map { GoalFormat.value($0, unit: target.unit) } ?? "-"
                let verdict = missed ? "missed" : "achieved"
                worst[kpi] = (
                    missed,
                    OverviewPage.TargetBadge(
                        status: verdict, style: missed ? GoalStatus.offTrack.rawValue : GoalStatus.achieved.rawValue,
                        text: verdict,
                        label: "\(verdict) in \(period.label): \(target.title); due \(m.deadline.description): "
                            + "\(GoalFormat.value(goal, unit: target.unit)), was \(value) in \(m.period.label)",
                        period: period.label)
                )
            }
        }
        return worst.mapValues(\.badge)
    }
}
