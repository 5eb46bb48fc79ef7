import GRDB
import VitalsCore

public enum GoalStoreError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case duplicateKey(String)
    case invalid([GoalProblem])
    case store(StoreError)

    public var description: String {
        switch self {
        case .notFound(let what): "no \(what) in this workspace"
        case .duplicateKey(let key): "a goal with the key '\(key)' already exists in this workspace"
        case .invalid(let problems): problems.map(\.description).joined(separator: "; ")
        case .store(let error): error.description
        }
    }
}

extension Store {
    /// The workspace's goals in creation order; archived ones only if `includeArchived`.
    public func goals(workspace: Int64, includeArchived: Bool = false) throws(GoalStoreError) -> [StoredGoal] {
        try goalRead { db in try GoalRows.load(db, workspace: workspace, goal: nil, includeArchived: includeArchived) }
    }

    /// One goal (archived or not), or `nil` if the workspace has none with this id.
    public func goal(_ id: Int64, workspace: Int64) throws(GoalStoreError) -> StoredGoal? {
        try goalRead { db in try GoalRows.load(db, workspace: workspace, goal: id, includeArchived: true).first }
    }

    /// Stores a new goal and its first history entry. Target ids in `definition` are ignored: new ones are given.
    public func createGoal(_ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> StoredGoal
    {
        try check(definition)
        return try goalWrite { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM goal WHERE workspace_id = ? AND key = ?", arguments: [workspace, definition.key]) != nil {
                throw GoalStoreError.duplicateKey(definition.key)
            }
            try db.execute(
                sql: """
                    INSERT INTO goal (workspace_id, key, name, description, owner, start_date, deadline, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workspace, definition.key, definition.name, definition.description, definition.owner,
                    definition.start.map { Timestamp($0).seconds }, Timestamp(definition.deadline).seconds, now.seconds,
                    now.seconds,
                ])
            let id = db.lastInsertedRowID
            var fresh = definition
            fresh.target?.id = nil
            for f in fresh.factors.indices { for t in fresh.factors[f].targets.indices { fresh.factors[f].targets[t].id = nil } }
            let saved = try GoalRows.saveTree(fresh, goal: id, workspace: workspace, db: db)
            try GoalRows.record(db, goal: id, workspace: workspace, at: now, actor: actor, action: "created", changes: ["created"], definition: saved)
            return StoredGoal(id: id, definition: saved, createdAt: now, updatedAt: now, archivedAt: nil)
        }
    }

    /// Replaces goal `id`'s definition, keeping the ids (and reviews) of targets that carry their id or match an
    /// old target of the same KSF, KPI and segment; records what changed. Nothing is recorded when nothing changed.
    public func updateGoal(_ id: Int64, _ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> StoredGoal
    {
        try check(definition)
        return try goalWrite { db in
            guard let old = try GoalRows.load(db, workspace: workspace, goal: id, includeArchived: true).first else {
                throw GoalStoreError.notFound("goal \(id)")
            }
            if old.definition.key != definition.key,
                try Int64.fetchOne(db, sql: "SELECT id FROM goal WHERE workspace_id = ? AND key = ?", arguments: [workspace, definition.key]) != nil
            {
                throw GoalStoreError.duplicateKey(definition.key)
            }
            try db.execute(
                sql: "UPDATE goal SET key = ?, name = ?, description = ?, owner = ?, start_date = ?, deadline = ? WHERE id = ?",
                arguments: [
                    definition.key, definition.name, definition.description, definition.owner,
                    definition.start.map { Timestamp($0).seconds }, Timestamp(definition.deadline).seconds, id,
                ])
            let saved = try GoalRows.saveTree(definition, goal: id, workspace: workspace, db: db)
            let changes = saved.changes(from: old.definition)
            guard !changes.isEmpty else { return old }
            try db.execute(sql: "UPDATE goal SET updated_at = ? WHERE id = ?", arguments: [now.seconds, id])
            try GoalRows.record(db, goal: id, workspace: workspace, at: now, actor: actor, action: "edited", changes: changes, definition: saved)
            var updated = old
            updated.definition = saved
            updated.updatedAt = now
            return updated
        }
    }

    /// Creates the goal with `definition.key`, or updates it (as `updateGoal`), restoring it if archived: what
    /// `vitals goals import` does with each goal of a file. Returns the goal and whether it was created.
    public func upsertGoal(_ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> (goal: StoredGoal, created: Bool)
    {
        let existing = try goalRead { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM goal WHERE workspace_id = ? AND key = ?", arguments: [workspace, definition.key])
        }
        guard let existing else { return (try createGoal(definition, workspace: workspace, actor: actor, at: now), true) }
        _ = try setArchived(existing, false, workspace: workspace, actor: actor, at: now)
        return (try updateGoal(existing, definition, workspace: workspace, actor: actor, at: now), false)
    }

    /// Archives (or restores) goal `id` and records it; archiving an archived goal changes nothing.
    public func setArchived(_ id: Int64, _ archived: Bool, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> StoredGoal
    {
        try goalWrite { db in
            guard var goal = try GoalRows.load(db, workspace: workspace, goal: id, includeArchived: true).first else {
                throw GoalStoreError.notFound("goal \(id)")
            }
            guard goal.archived != archived else { return goal }
            try db.execute(
                sql: "UPDATE goal SET archived_at = ?, updated_at = ? WHERE id = ?",
                arguments: [archived ? now.seconds : nil, now.seconds, id])
            try GoalRows.record(
                db, goal: id, workspace: workspace, at: now, actor: actor, action: archived ? "archived" : "restored",
                changes: [archived ? "archived" : "restored"], definition: goal.definition)
            goal.archivedAt = archived ? now : nil
            goal.updatedAt = now
            return goal
        }
    }

    /// Goal `id`'s history, oldest first.
    public func goalHistory(_ id: Int64, workspace: Int64) throws(GoalStoreError) -> [GoalChange] {
        try goalRead { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM goal WHERE id = ? AND workspace_id = ?", arguments: [id, workspace]) != nil else {
                throw GoalStoreError.notFound("goal \(id)")
            }
            return try Row.fetchAll(
                db, sql: "SELECT id, changed_at, actor, action, summary, definition FROM goal_change WHERE goal_id = ? ORDER BY id",
                arguments: [id]
            ).map { row in
                let summary: String = row[4]
                return GoalChange(
                    id: row[0], changedAt: Timestamp(seconds: row[1]), actor: row[2], action: row[3],
                    changes: summary.split(separator: "\n").map(String.init), definitionJSON: row[5])
            }
        }
    }

    /// Records a review of target `targetID`.
    public func addReview(targetID: Int64, workspace: Int64, reviewer: String, note: String, at now: Timestamp)
        throws(GoalStoreError) -> TargetReview
    {
        try goalWrite { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM goal_target WHERE id = ? AND workspace_id = ?", arguments: [targetID, workspace]) != nil else {
                throw GoalStoreError.notFound("target \(targetID)")
            }
            try db.execute(
                sql: "INSERT INTO target_review (workspace_id, target_id, reviewed_at, reviewer, note) VALUES (?, ?, ?, ?, ?)",
                arguments: [workspace, targetID, now.seconds, reviewer, note])
            return TargetReview(id: db.lastInsertedRowID, reviewedAt: now, reviewer: reviewer, note: note)
        }
    }

    /// Target `targetID`'s reviews, newest first.
    public func reviews(targetID: Int64, workspace: Int64) throws(GoalStoreError) -> [TargetReview] {
        try goalRead { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, reviewed_at, reviewer, note FROM target_review WHERE target_id = ? AND workspace_id = ? ORDER BY reviewed_at DESC, id DESC",
                arguments: [targetID, workspace]
            ).map { TargetReview(id: $0[0], reviewedAt: Timestamp(seconds: $0[1]), reviewer: $0[2], note: $0[3]) }
        }
    }

    /// Each target's latest review, by target id.
    public func latestReviews(workspace: Int64) throws(GoalStoreError) -> [Int64: TargetReview] {
        try goalRead { db in
            var result: [Int64: TargetReview] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT target_id, id, reviewed_at, reviewer, note FROM target_review WHERE workspace_id = ? ORDER BY reviewed_at, id",
                arguments: [workspace])
            for row in rows {
                result[row[0]] = TargetReview(id: row[1], reviewedAt: Timestamp(seconds: row[2]), reviewer: row[3], note: row[4])
            }
            return result
        }
    }

    private func check(_ definition: GoalDefinition) throws(GoalStoreError) {
        let problems = definition.problems(at: "")
        if !problems.isEmpty { throw .invalid(problems) }
    }

    func goalRead<T>(_ body: (Database) throws -> T) throws(GoalStoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as GoalStoreError {
            throw error
        } catch {
            throw .store(.failed("reading goals", reason: "\(error)"))
        }
    }

    func goalWrite<T>(_ body: (Database) throws -> T) throws(GoalStoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as GoalStoreError {
            throw error
        } catch {
            throw .store(.failed("writing goals", reason: "\(error)"))
        }
    }
}

extension Store {
    /// Stores `goals` (creating or updating each by key, as `upsertGoal`) and each of `reviews` whose target has no
    /// review yet, so seeding twice adds nothing: what `vitals serve --demo` does with `DemoGoals`.
    public func seedGoals(
        _ goals: [GoalDefinition], reviews: [TargetReviewSeed], workspace: Int64, actor: String, at now: Timestamp
    ) throws(GoalStoreError) -> [StoredGoal] {
        var stored: [StoredGoal] = []
        for goal in goals { stored.append(try upsertGoal(goal, workspace: workspace, actor: actor, at: now).goal) }
        let reviewed = Set(try latestReviews(workspace: workspace).keys)
        for seed in reviews.sorted(by: { $0.review.reviewedAt < $1.review.reviewedAt }) {
            guard let goal = stored.first(where: { $0.definition.key == seed.goalKey }),
                let target = goal.definition.allTargets.first(where: { $0.kpi == seed.kpi && $0.segment == seed.segment }),
                let id = target.id, !reviewed.contains(id)
            else { continue }
            _ = try addReview(targetID: id, workspace: workspace, reviewer: seed.review.reviewer, note: seed.review.note, at: seed.review.reviewedAt)
        }
        return stored
    }
}
