import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Creating, editing, archiving and restoring goals from the app, with each goal's history of changes. A goal is
/// edited as its JSON definition (the format of `POST /api/v1/goals`, docs/goals.md); every problem is listed with
/// its path, and nothing is stored until the whole definition is valid.
struct GoalEditor: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let now: @Sendable () -> Date

    func register(on pages: RouterGroup<VitalsContext>, layout: @escaping @Sendable (UserSession, String) -> PageLayout) {
        pages.get("/goals/new") { _, context in
            let session = try Self.session(context)
            return page(session, layout: layout, goal: nil, text: Self.template(today: today()), problems: [])
        }
        pages.post("/goals/new") { request, context in
            let (session, form) = try await LoginController.sessionForm(request, context: context)
            let text = form["definition"] ?? ""
            switch try await read(text, workspace: session.user.workspace) {
            case .failure(let problems):
                return page(session, layout: layout, goal: nil, text: text, problems: problems, status: .unprocessableContent)
            case .success(let definition):
                do {
                    let now = timestamp()
                    let goal = try store.createGoal(definition, workspace: session.user.workspace, actor: session.user.name, at: now)
                    try AuditTrail(store: store).goal(goal, "goal.create", workspace: session.user.workspace, actor: session.user.email, at: now)
                } catch {
                    return page(session, layout: layout, goal: nil, text: text, problems: ["\(error)"], status: .unprocessableContent)
                }
                return .redirect(to: "/goals", type: .normal)
            }
        }
        pages.get("/goals/:id/edit") { _, context in
            let session = try Self.session(context)
            let goal = try stored(context, session)
            return page(session, layout: layout, goal: goal, text: Self.pretty(GoalJSON.definition(goal.definition)), problems: [])
        }
        pages.post("/goals/:id/edit") { request, context in
            let (session, form) = try await LoginController.sessionForm(request, context: context)
            let goal = try stored(context, session)
            let text = form["definition"] ?? ""
            switch try await read(text, workspace: session.user.workspace) {
            case .failure(let problems):
                return page(session, layout: layout, goal: goal, text: text, problems: problems, status: .unprocessableContent)
            case .success(let definition):
                do {
                    let now = timestamp()
                    let edited = try store.updateGoal(goal.id, definition, workspace: session.user.workspace, actor: session.user.name, at: now)
                    try AuditTrail(store: store).goal(edited, "goal.edit", workspace: session.user.workspace, actor: session.user.email, at: now)
                } catch {
                    return page(session, layout: layout, goal: goal, text: text, problems: ["\(error)"], status: .unprocessableContent)
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

    enum Reading { case success(GoalDefinition), failure([String]) }

    /// The definition in `text`, or every problem with it (JSON syntax, fields, segments naming unknown attributes).
    func read(_ text: String, workspace: Int64) async throws -> Reading {
        let input: GoalInput
        do { input = try GoalInput(json: Data(text.utf8)) } catch { return .failure(["the definition is not valid JSON: \(error)"]) }
        let (goal, problems) = GoalReader(defaultStart: today(), allowsIDs: true).goal(input, at: "")
        guard let goal else { return .failure(problems.map(\.description)) }
        let view = try await cache.view(workspace)
        var segmentProblems: [String] = []
        for target in goal.allTargets {
            guard let segment = target.segment else { continue }
            do { _ = try SegmentFilter.parse(segment, knownAttributes: view.knownAttributes) } catch {
                segmentProblems.append("target \(target.kpi.id): segment: \(error.description)")
            }
        }
        return segmentProblems.isEmpty ? .success(goal) : .failure(segmentProblems)
    }

    func page(
        _ session: UserSession, layout: (UserSession, String) -> PageLayout, goal: StoredGoal?, text: String, problems: [String],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let title = goal.map { "Edit \($0.definition.name)" } ?? "New goal"
        let action = goal.map { "/goals/\($0.id)/edit" } ?? "/goals/new"
        let errors: HTML = problems.isEmpty ? "" : "<div class=\"error\" role=\"alert\"><ul class=\"plain\">\(problems.map { p -> HTML in "<li>\(p)</li>" })</ul></div>"
        var archive: HTML = ""
        var history: HTML = ""
        if let goal {
            let verb = goal.archived ? "restore" : "archive"
            archive = """
                <form method="post" action="/goals/\(String(goal.id))/\(verb)"><input type="hidden" name="csrf" value="\(session.csrfToken)">\
                <button type="submit">\(goal.archived ? "Restore this goal" : "Archive this goal")</button>\
                \(goal.archived ? " <span class=\"muted\">Archived: kept with its history, left out of the goals page.</span>" : "")</form>
                """
            let changes = (try? store.goalHistory(goal.id, workspace: session.user.workspace)) ?? []
            history = """
                <h2>History</h2><div class="card"><table data-table="history"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Changes</th></tr></thead><tbody>\
                \(changes.reversed().map { c -> HTML in
                    "<tr><td>\(c.changedAt.description)</td><td>\(c.actor)</td><td>\(c.action)</td><td>\(c.changes.joined(separator: "; "))</td></tr>"
                })</tbody></table></div>
                """
        }
        let body: HTML = """
            <h1>\(title)</h1><p class="muted">The goal as JSON: a KGI (name, deadline, optional own target) with key success factors \
            (<code>ksf</code>) and their KPI targets (<code>kpi</code>, <code>value</code> or <code>change</code>, <code>deadline</code>, \
            optional <code>segment</code>, <code>stages</code>, <code>review</code>). docs/goals.md defines every field.</p>\(errors)
            <form method="post" action="\(action)"><input type="hidden" name="csrf" value="\(session.csrfToken)">\
            <textarea name="definition" rows="28" style="width:100%;font-family:ui-monospace,monospace" spellcheck="false">\(text)</textarea>\
            <p><button type="submit">Save</button> <a href="/goals">Cancel</a></p></form>\(archive)\(history)
            """
        return .html(layout(session, title).render(body), status: status)
    }

    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }

    /// A starting point for a new goal: a KGI with one KSF and one target, due at the end of next quarter.
    static func template(today: CivilDate) -> String {
        let quarterEnd = Grain.quarter.start(containing: today).adding(months: 6).adding(days: -1)
        return """
            {
              "key": "retention-\(today.year)",
              "name": "Keep the customers we win",
              "deadline": "\(quarterEnd)",
              "owner": "Head of CS",
              "ksf": [
                {
                  "name": "Customers reach value in onboarding",
                  "targets": [
                    {"kpi": "onboarding_completion_rate", "value": 0.85, "deadline": "\(quarterEnd)", "review": "monthly"}
                  ]
                }
              ]
            }
            """
    }
}
