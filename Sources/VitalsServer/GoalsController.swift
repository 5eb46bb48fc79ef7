import Foundation
import HTTPTypes
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Goal trees (KGI -> KSF -> KPI targets): read evaluated (scope read), created, edited and archived (scope admin),
/// with each goal's history, the targets due for review and their review notes. docs/goals.md defines the fields.
struct GoalsController: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    /// The largest goal body accepted.
    static let maxBodyBytes = 1 << 20

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("goals") { request, context in
            let grant = try context.requireCaller()
            let query = request.uri.queryParameters
            let archived = query.get("archived") ?? "exclude"
            guard ["exclude", "include", "only"].contains(archived) else {
                throw APIError.badRequest("archived: '\(archived)' is not one of exclude, include, only")
            }
            let series = query.get("series") ?? "false"
            guard series == "true" || series == "false" else {
                throw APIError.badRequest("series: '\(series)' is not true or false")
            }
            let asOf = try Self.asOf(query.get("as_of"))
            var goals = try run { () throws(GoalStoreError) in
                try store.goals(workspace: grant.workspace, includeArchived: archived != "exclude")
            }
            if archived == "only" { goals = goals.filter(\.archived) }
            let evaluated = try await evaluate(goals, workspace: grant.workspace, asOf: asOf)
            return Response.json(
                GoalJSON.goals(Array(zip(evaluated, goals.map { Optional($0) })), asOf: asOf, series: series == "true"))
        }
        group.post("goals") { request, context in
            let grant = try context.requireCaller()
            let now = Self.now()
            let definition = try await read(request, workspace: grant.workspace, today: now.date)
            let stored = try run { () throws(GoalStoreError) in
                try store.createGoal(definition, workspace: grant.workspace, actor: Self.actor(request), at: now)
            }
            try AuditTrail(store: store).goal(stored, "goal.create", workspace: grant.workspace, actor: grant.actor, at: now)
            return try await answer(stored, workspace: grant.workspace, asOf: now, status: .created)
        }
        group.get("goals/{id}") { request, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            guard let stored = try run({ () throws(GoalStoreError) in try store.goal(id, workspace: grant.workspace) }) else {
                throw APIError(status: .notFound, message: "no goal \(id) in this workspace")
            }
            return try await answer(stored, workspace: grant.workspace, asOf: try Self.asOf(request.uri.queryParameters.get("as_of")))
        }
        group.put("goals/{id}") { request, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            let now = Self.now()
            var restore = false
            let definition = try await read(request, workspace: grant.workspace, today: now.date, restore: &restore)
            let actor = Self.actor(request)
            let stored = try run { () throws(GoalStoreError) in
                if restore { _ = try store.setArchived(id, false, workspace: grant.workspace, actor: actor, at: now) }
                return try store.updateGoal(id, definition, workspace: grant.workspace, actor: actor, at: now)
            }
            try AuditTrail(store: store).goal(stored, "goal.edit", workspace: grant.workspace, actor: grant.actor, at: now)
            return try await answer(stored, workspace: grant.workspace, asOf: now)
        }
        group.delete("goals/{id}") { request, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            let now = Self.now()
            let stored = try run { () throws(GoalStoreError) in
                try store.setArchived(id, true, workspace: grant.workspace, actor: Self.actor(request), at: now)
            }
            try AuditTrail(store: store).goal(stored, "goal.archive", workspace: grant.workspace, actor: grant.actor, at: now)
            return try await answer(stored, workspace: grant.workspace, asOf: now)
        }
        group.get("goals/{id}/history") { _, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            let changes = try run { () throws(GoalStoreError) in try store.goalHistory(id, workspace: grant.workspace) }
            var json = JSONText()
            json.beginObject()
            json.field("goal_id", Int(id))
            json.key("changes")
            json.beginArray()
            for change in changes {
                json.beginObject()
                json.field("id", Int(change.id))
                json.field("changed_at", change.changedAt.description)
                json.field("actor", change.actor)
                json.field("action", change.action)
                json.key("changes")
                json.beginArray()
                for line in change.changes { json.raw(ReportJSON.quoted(line)) }
                json.endArray()
                json.key("definition")
                json.raw(change.definitionJSON)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return Response.json(json.text)
        }
        group.get("reviews/due") { request, context in
            let grant = try context.requireCaller()
            let asOf = try Self.asOf(request.uri.queryParameters.get("as_of"))
            let (goals, reviews) = try run { () throws(GoalStoreError) in
                (try store.goals(workspace: grant.workspace), try store.latestReviews(workspace: grant.workspace))
            }
            return Response.json(ReviewsJSON.due(goals, reviews: reviews, asOf: asOf))
        }
        group.get("targets/{id}/reviews") { _, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            let reviews = try run { () throws(GoalStoreError) in try store.reviews(targetID: id, workspace: grant.workspace) }
            if reviews.isEmpty, try !targetExists(id, workspace: grant.workspace) {
                throw APIError(status: .notFound, message: "no target \(id) in this workspace")
            }
            return Response.json(ReviewsJSON.list(reviews, targetID: id))
        }
        group.post("targets/{id}/reviews") { request, context in
            let grant = try context.requireCaller()
            let id = try Self.id(context)
            let body = try await request.body.collect(upTo: Self.maxBodyBytes)
            let input: GoalInput
            do { input = try GoalInput(json: Data(buffer: body)) } catch { throw APIError.badRequest("\(error)") }
            let note = input["note"]
            guard case .string(let text)? = note, !text.isEmpty else {
                throw GoalsAPIError.invalid([GoalProblem(path: "", key: "note", reason: "is required: a non-empty string")])
            }
            var reviewer = Self.actor(request)
            if let given = input["reviewer"] {
                guard case .string(let name) = given, !name.isEmpty else {
                    throw GoalsAPIError.invalid([GoalProblem(path: "", key: "reviewer", reason: "must be a non-empty string")])
                }
                reviewer = name
            }
            let now = Self.now()
            let review = try run { () throws(GoalStoreError) in
                try store.addReview(targetID: id, workspace: grant.workspace, reviewer: reviewer, note: text, at: now)
            }
            try AuditTrail(store: store).note(
                grant.workspace, actor: grant.actor, "goal.review", target: "target \(id)", change: "review by \(reviewer): \(text.prefix(200))", at: now)
            var response = Response.json(ReviewsJSON.review(review, targetID: id))
            response.status = .created
            return response
        }
    }

    /// Evaluates `goals` on the workspace's KPI reports, computing each (grain, segment) report once per change of
    /// the workspace's records (kept in the workspace cache as text).
    func evaluate(_ goals: [StoredGoal], workspace: Int64, asOf: Timestamp) async throws -> [GoalEvaluation] {
        guard !goals.isEmpty else { return [] }
        let view = try await cache.view(workspace)
        let plan = GoalSeriesPlan(
            goals: goals.map(\.definition), dataStart: view.dataset.earliestActivity?.date, asOf: asOf,
            knownAttributes: view.knownAttributes)
        var table = GoalSeriesTable()
        for request in plan.requests {
            guard let scope = request.scope else {
                table.fail(request.key, problem: request.problem ?? "the report cannot be computed")
                continue
            }
            let key = [
                "goals", request.key.grain.rawValue, request.key.segment ?? "", scope.periods.first?.label ?? "",
                scope.periods.last?.label ?? "", request.kpis.map(\.id).joined(separator: ","),
            ].joined(separator: "\u{1F}")
            let kpis = request.kpis
            let text = try await cache.report(workspace, query: key) { view in
                GoalSeriesTable.encode(view.calculator.report(scope), kpis: kpis)
            }
            if let series = GoalSeriesTable.decode(text) { table.add(series, key: request.key) }
        }
        let reviews = try run { () throws(GoalStoreError) in try store.latestReviews(workspace: workspace) }
        return goals.map {
            GoalEvaluator.evaluate(
                $0.definition, id: $0.id, archived: $0.archived, series: table.lookup, reviews: reviews, asOf: asOf)
        }
    }

    private func answer(_ stored: StoredGoal, workspace: Int64, asOf: Timestamp, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let evaluation = try await evaluate([stored], workspace: workspace, asOf: asOf)[0]
        var response = Response.json(GoalJSON.goal(evaluation, stored: stored, series: true))
        response.status = status
        return response
    }

    /// The goal definition in the body, checked whole: 400 for bad JSON, 422 listing every problem. A top-level
    /// `"archived": false` (PUT) restores an archived goal.
    private func read(_ request: Request, workspace: Int64, today: CivilDate, restore: inout Bool) async throws
        -> GoalDefinition
    {
        let body = try await request.body.collect(upTo: Self.maxBodyBytes)
        var input: GoalInput
        do { input = try GoalInput(json: Data(buffer: body)) } catch { throw APIError.badRequest("\(error)") }
        if case .table(var entries) = input, let index = entries.firstIndex(where: { $0.key == "archived" }) {
            guard case .bool(let archived) = entries[index].value, !archived else {
                throw GoalsAPIError.invalid([GoalProblem(path: "", key: "archived", reason: "only false (restore) is accepted here; DELETE archives")])
            }
            restore = true
            entries.remove(at: index)
            input = .table(entries)
        }
        let (goal, problems) = GoalReader(defaultStart: today, allowsIDs: true).goal(input, at: "")
        guard let goal else { throw GoalsAPIError.invalid(problems) }
        let view = try await cache.view(workspace)
        var segmentProblems: [GoalProblem] = []
        for (path, target) in Self.targetPaths(goal) {
            guard let segment = target.segment else { continue }
            do {
                _ = try SegmentFilter.parse(segment, knownAttributes: view.knownAttributes)
            } catch {
                segmentProblems.append(GoalProblem(path: path, key: "segment", reason: error.description))
            }
        }
        guard segmentProblems.isEmpty else { throw GoalsAPIError.invalid(segmentProblems) }
        return goal
    }

    private func read(_ request: Request, workspace: Int64, today: CivilDate) async throws -> GoalDefinition {
        var restore = false
        let goal = try await read(request, workspace: workspace, today: today, restore: &restore)
        guard !restore else {
            throw GoalsAPIError.invalid([GoalProblem(path: "", key: "archived", reason: "unknown key when creating a goal")])
        }
        return goal
    }

    private func targetExists(_ id: Int64, workspace: Int64) throws -> Bool {
        try run { () throws(GoalStoreError) in
            try store.goals(workspace: workspace, includeArchived: true).contains { goal in
                goal.definition.allTargets.contains { $0.id == id }
            }
        }
    }

    static func targetPaths(_ goal: GoalDefinition) -> [(String, KPITarget)] {
        var paths: [(String, KPITarget)] = goal.target.map { [("target", $0)] } ?? []
        for (i, factor) in goal.factors.enumerated() {
            for (j, target) in factor.targets.enumerated() { paths.append(("ksf[\(i)].targets[\(j)]", target)) }
        }
        return paths
    }

    /// Maps the store's goal errors to answers: 404, 409, 422 or 500.
    private func run<T>(_ body: () throws(GoalStoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .notFound: throw APIError(status: .notFound, message: error.description)
            case .duplicateKey: throw APIError(status: .conflict, message: error.description)
            case .invalid(let problems): throw GoalsAPIError.invalid(problems)
            case .store: throw APIError(status: .internalServerError, message: error.description)
            }
        }
    }

    static func id(_ context: VitalsContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw APIError(status: .notFound, message: "'\(text)' is not an id") }
        return id
    }

    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    /// `as_of=YYYY-MM-DD`: the end of that day; absent: now.
    static func asOf(_ text: String?) throws -> Timestamp {
        guard let text else { return now() }
        guard text.count == 10, let day = try? CivilDate.parseBound(text).first else {
            throw APIError.badRequest("as_of: '\(text)' is not a date (YYYY-MM-DD)")
        }
        return Timestamp(day.adding(days: 1))
    }

    /// Who made a change: the API key's public prefix, `api:vk_<prefix>` (never the secret).
    static func actor(_ request: Request) -> String {
        let header = request.headers[.authorization].map { String($0.split(separator: " ").last ?? "") }
            ?? HTTPField.Name("X-API-Key").flatMap { request.headers[$0] } ?? ""
        let parts = header.split(separator: "_")
        return parts.count == 3 ? "api:vk_\(parts[1])" : "api"
    }
}
