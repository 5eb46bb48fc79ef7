import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Creating, editing, archiving and restoring goals from the app, with each goal's history of changes. A goal is
/// edited with a form (`GoalForm`, `GoalFormView`) whose post goes through the checks of `POST /api/v1/goals`
/// (docs/goals.md): every problem is shown beside its field, and nothing is stored until the whole goal is valid.
struct GoalEditor: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let now: @Sendable () -> Date

    func register(on pages: RouterGroup<VitalsContext>, layout: @escaping @Sendable (UserSession, String) -> PageLayout) {
        pages.get("/goals/new") { _, context in
            let session = try Self.session(context)
            return try await page(session, layout: layout, goal: nil, form: Self.template(today: today()), problems: [:])
        }
        pages.post("/goals/new") { request, context in
            let (session, posted) = try await LoginController.sessionForm(request, context: context)
            var form = GoalForm(form: posted)
            if form.apply(posted["action"] ?? "save") {
                return try await page(session, layout: layout, goal: nil, form: form, problems: [:])
            }
            switch try await read(form, workspace: session.user.workspace) {
            case .failure(let problems):
                return try await page(session, layout: layout, goal: nil, form: form, problems: problems, status: .unprocessableContent)
            case .success(let definition):
                do {
                    let now = timestamp()
                    let goal = try store.createGoal(definition, workspace: session.user.workspace, actor: session.user.name, at: now)
                    try AuditTrail(store: store).goal(goal, "goal.create", workspace: session.user.workspace, actor: session.user.email, at: now)
                } catch {
                    return try await page(
                        session, layout: layout, goal: nil, form: form, problems: ["": ["\(error)"]], status: .unprocessableContent)
                }
                return .redirect(to: "/goals", type: .normal)
            }
        }
        pages.get("/goals/:id/edit") { _, context in
            let session = try Self.session(context)
            let goal = try stored(context, session)
            let form = (try? GoalInput(json: Data(GoalJSON.definition(goal.definition).utf8))).map(GoalForm.init(definition:)) ?? GoalForm()
            return try await page(session, layout: layout, goal: goal, form: form, problems: [:])
        }
        pages.post("/goals/:id/edit") { request, context in
            let (session, posted) = try await LoginController.sessionForm(request, context: context)
            let goal = try stored(context, session)
            var form = GoalForm(form: posted)
            if form.apply(posted["action"] ?? "save") {
                return try await page(session, layout: layout, goal: goal, form: form, problems: [:])
            }
            switch try await read(form, workspace: session.user.workspace) {
            case .failure(let problems):
                return try await page(session, layout: layout, goal: goal, form: form, problems: problems, status: .unprocessableContent)
            case .success(let definition):
                do {
                    let now = timestamp()
                    let edited = try store.updateGoal(goal.id, definition, workspace: session.user.workspace, actor: session.user.name, at: now)
                    try AuditTrail(store: store).goal(edited, "goal.edit", workspace: session.user.workspace, actor: session.user.email, at: now)
                } catch {
                    return try await page(
                        session, layout: layout, goal: goal, form: form, problems: ["": ["\(error)"]], status: .unprocessableContent)
                }
                return .redirect(to: "/goals", type: .normal)
            }
        }
        for (action, archived) in [("archive", true), ("restore", false)] {
            pages.post("/goals/:id/\(action)") { request, context in
                let (session, _) = try await LoginController.sessionForm(request, context: context)
                let goal = try stored(context, session)
                do {
                    let now = timestamp()
                    let changed = try store.setArchived(goal.id, archived, workspace: session.user.workspace, actor: session.user.name, at: now)
                    try AuditTrail(store: store).goal(
                        changed, "goal.\(action)", workspace: session.user.workspace, actor: session.user.email, at: now)
                } catch {
                    throw HTTPError(.internalServerError, message: "\(error)")
                }
                return Response.redirect(to: "/goals/\(goal.id)/edit", type: .normal)
            }
        }
    }

    func today() -> CivilDate { timestamp().date }
    func timestamp() -> Timestamp { Timestamp(seconds: Int64(now().timeIntervalSince1970)) }

    static func session(_ context: VitalsContext) throws -> UserSession {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        return session
    }

    func stored(_ context: VitalsContext, _ session: UserSession) throws -> StoredGoal {
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        do {
            guard let goal = try store.goal(id, workspace: session.user.workspace) else { throw HTTPError(.notFound, message: "no such goal") }
            return goal
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
    }

    enum Reading { case success(GoalDefinition), failure([String: [String]]) }

    /// The definition the form gives, through the API's checks (`GoalReader`, as `POST /api/v1/goals`), and segments
    /// naming unknown attributes; or every problem, by the field it is about.
    func read(_ form: GoalForm, workspace: Int64) async throws -> Reading {
        let (input, typed) = form.input()
        let (goal, problems) = GoalReader(defaultStart: today(), allowsIDs: true).goal(input, at: "")
        guard let goal, typed.isEmpty else { return .failure(GoalFormView.place(problems, typed: typed)) }
        let view = try await cache.view(workspace)
        var segmentProblems: [GoalProblem] = []
        var located: [(String, KPITarget)] = goal.target.map { [("target", $0)] } ?? []
        for (i, factor) in goal.factors.enumerated() {
            for (j, target) in factor.targets.enumerated() { located.append(("ksf[\(i)].targets[\(j)]", target)) }
        }
        for (path, target) in located {
            guard let segment = target.segment else { continue }
            do { _ = try SegmentFilter.parse(segment, knownAttributes: view.knownAttributes) } catch {
                segmentProblems.append(GoalProblem(path: path, key: "segment", reason: error.description))
            }
        }
        return segmentProblems.isEmpty ? .success(goal) : .failure(GoalFormView.place(segmentProblems, typed: [:]))
    }

    func page(
        _ session: UserSession, layout: (UserSession, String) -> PageLayout, goal: StoredGoal?, form: GoalForm,
        problems: [String: [String]], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let title = goal.map { "Edit \($0.definition.name)" } ?? "New goal"
        let action = goal.map { "/goals/\($0.id)/edit" } ?? "/goals/new"
        let currency = try await cache.view(session.user.workspace).calculator.settings.reportingCurrency
        let view = GoalFormView(form: form, problems: problems, action: action, csrfToken: session.csrfToken, currency: currency)
        var archive: HTML = ""
        var history: HTML = ""
        if let goal {
            let verb = goal.archived ? "restore" : "archive"
            archive = """
                <form method="post" action="/goals/\(String(goal.id))/\(verb)"><input type="hidden" name="csrf" value="\(session.csrfToken)">\
                <button type="submit">\(goal.archived ? "Restore this goal" : "Archive this goal")</button>\
                \(goal.archived ? " <span class=\"muted\">Archived: kept with its history, left out of the goals page.</span>" as HTML : nil)</form>
                """
            let changes = (try? store.goalHistory(goal.id, workspace: session.user.workspace)) ?? []
            history = """
                <h2>History</h2><div class="card"><table data-table="history"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Changes</th></tr></thead><tbody>\
                \(changes.reversed().map { c -> HTML in
                    "<tr><td>\(c.changedAt.description)</td><td>\(c.actor)</td><td>\(c.action)</td><td class=\"wrap\">\(c.changes.joined(separator: "; "))</td></tr>"
                })</tbody></table></div>
                """
        }
        let body: HTML = """
            <h1>\(title)</h1><p class="muted">A goal (KGI) with its key success factors (KSFs) and their KPI targets. Values are typed \
            in their KPI's unit: rates in percent (85 = 85 %), money in \(currency.code), a change from the baseline in percent \
            (-10 = 10 % less). Fields marked * are required; docs/goals.md defines every field.</p>\(view.render())\(archive)\(history)
            """
        return .html(layout(session, title).render(body), status: status)
    }

    /// A starting point for a new goal: a KGI with one KSF and one target, due at the end of next quarter.
    static func template(today: CivilDate) -> GoalForm {
        let quarterEnd = Grain.quarter.start(containing: today).adding(months: 6).adding(days: -1).description
        var form = GoalForm()
        form.fields = ["key": "retention-\(today.year)", "name": "Keep the customers we win", "deadline": quarterEnd, "owner": "Head of CS"]
        var target = GoalForm.Target()
        target.fields = ["kpi": "onboarding_completion_rate", "mode": "value", "value": "85", "deadline": quarterEnd, "review": "monthly"]
        form.factors = [GoalForm.Factor(name: "Customers reach value in onboarding", targets: [target])]
        return form
    }
}
