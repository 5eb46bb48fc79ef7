import Foundation
import GRDB
import Testing
import VitalsCore
import VitalsGenerator

@testable import VitalsFormats
@testable import VitalsStore

/// Goals in the store: created, read back, edited with a history of every change, archived and restored; reviews
/// kept with their targets; workspaces apart.
@Suite struct GoalStoreTests {
    let start = CivilDate(year: 2026, month: 1, day: 1)
    let end = CivilDate(year: 2026, month: 12, day: 31)
    let t0 = Timestamp(year: 2026, month: 2, day: 1)

    func temporaryStore() throws -> Store {
        try Store(path: NSTemporaryDirectory() + "vitals-goals-\(UUID().uuidString).sqlite")
    }

    var goal: GoalDefinition {
        GoalDefinition(
            key: "retention", name: "Keep customers", owner: "ana", start: start, deadline: end,
            target: KPITarget(kpi: .grr, amount: .value(0.97), deadline: end, start: start, review: .quarterly),
            factors: [
                SuccessFactor(name: "Fewer leave", targets: [
                    KPITarget(
                        kpi: .customerChurnRate, amount: .change(-0.10), deadline: end, start: start,
                        stages: [TargetStage(amount: .change(-0.05), deadline: CivilDate(year: 2026, month: 3, day: 31))]),
                    KPITarget(kpi: .customerChurnRate, amount: .value(0.02), deadline: end, start: start, segment: "industry = Retail"),
                ]),
                SuccessFactor(name: "Support", description: "Fast answers", targets: [
                    KPITarget(kpi: .medianResolutionHours, amount: .value(12), deadline: end, start: start, review: .weekly)
                ]),
            ])
    }

    /// The definition with ids cleared, to compare with what was given.
    func withoutIDs(_ g: GoalDefinition) -> GoalDefinition {
        var g = g
        g.target?.id = nil
        for f in g.factors.indices { for t in g.factors[f].targets.indices { g.factors[f].targets[t].id = nil } }
        return g
    }

    @Test func aCreatedGoalReadsBackWithIDsAndAHistory() throws {
        let store = try temporaryStore()
        let w = try store.workspace("acme")
        let created = try store.createGoal(goal, workspace: w, actor: "api:vk_abc", at: t0)
        #expect(withoutIDs(created.definition) == goal)
        #expect(created.definition.allTargets.allSatisfy { $0.id != nil })
        #expect(try store.goal(created.id, workspace: w) == created)
        #expect(try store.goals(workspace: w) == [created])
        let history = try store.goalHistory(created.id, workspace: w)
        #expect(history.map(\.action) == ["created"])
        #expect(history[0].actor == "api:vk_abc")
        #expect(history[0].changedAt == t0)
        // The snapshot is the definition as JSON, ids included.
        let snapshot = try GoalReader(allowsIDs: true).goal(GoalInput(json: Data(history[0].definitionJSON.utf8)), at: "")
        #expect(snapshot.goal == created.definition)
        #expect(throws: GoalStoreError.self) { try store.createGoal(goal, workspace: w, actor: "x", at: t0) }
    }

    @Test func editsKeepTargetIDsAndReviewsAndRecordWhatChanged() throws {
        let store = try temporaryStore()
        let w = try store.workspace("acme")
        let created = try store.createGoal(goal, workspace: w, actor: "cli", at: t0)
        let churnID = try #require(created.definition.factors[0].targets[0].id)
        let resolutionID = try #require(created.definition.factors[1].targets[0].id)
        let retailID = try #require(created.definition.factors[0].targets[1].id)
        _ = try store.addReview(targetID: churnID, workspace: w, reviewer: "ana", note: "on it", at: t0)
        _ = try store.addReview(targetID: retailID, workspace: w, reviewer: "ana", note: "retail", at: t0)

        // Edit: a new name; the churn target (no id given: matched by KSF, KPI and segment) to -15 %; the retail
        // target dropped; a KSF added; the support target keeps its id explicitly.
        var edited = withoutIDs(created.definition)
        edited.name = "Keep more customers"
        edited.factors[0].targets[0].amount = .change(-0.15)
        edited.factors[0].targets.remove(at: 1)
        edited.factors[1].targets[0].id = resolutionID
        edited.factors.append(SuccessFactor(name: "Happy", targets: [
            KPITarget(kpi: .nps, amount: .value(20), deadline: end, start: start)
        ]))
        let t1 = t0.adding(days: 1)
        let updated = try store.updateGoal(created.id, edited, workspace: w, actor: "api:vk_def", at: t1)
        #expect(updated.definition.factors[0].targets[0].id == churnID)
        #expect(updated.definition.factors[1].targets[0].id == resolutionID)
        #expect(updated.updatedAt == t1)
        #expect(try store.goal(created.id, workspace: w)?.definition == updated.definition)
        // The churn target's review stays; the dropped target's went with it.
        #expect(try store.reviews(targetID: churnID, workspace: w).map(\.note) == ["on it"])
        #expect(try store.reviews(targetID: retailID, workspace: w).isEmpty)

        let history = try store.goalHistory(created.id, workspace: w)
        #expect(history.map(\.action) == ["created", "edited"])
        #expect(history[1].actor == "api:vk_def")
        #expect(history[1].changes == [
            "name: 'Keep customers' -> 'Keep more customers'",
            "ksf 'Fewer leave': target customer_churn_rate: amount -10 % -> -15 %",
            "ksf 'Fewer leave': target removed: Customer churn 2.0 % by 2026-12-31 [industry = Retail]",
            "ksf 'Happy' added with 1 target",
        ])
        // Saving the same definition again records nothing.
        let same = try store.updateGoal(created.id, updated.definition, workspace: w, actor: "x", at: t1.adding(days: 1))
        #expect(same.updatedAt == t1)
        #expect(try store.goalHistory(created.id, workspace: w).count == 2)
        // A target id of another goal is refused.
        let other = try store.createGoal(
            GoalDefinition(key: "other", name: "Other", deadline: end,
                           target: KPITarget(kpi: .mrr, amount: .value(1), deadline: end, start: start)),
            workspace: w, actor: "x", at: t1)
        var stolen = edited
        stolen.target?.id = other.definition.target?.id
        #expect(throws: GoalStoreError.self) { try store.updateGoal(created.id, stolen, workspace: w, actor: "x", at: t1) }
    }

    @Test func archivingHidesAGoalAndKeepsItsHistory() throws {
        let store = try temporaryStore()
        let w = try store.workspace("acme")
        let created = try store.createGoal(goal, workspace: w, actor: "a", at: t0)
        let archived = try store.setArchived(created.id, true, workspace: w, actor: "b", at: t0.adding(days: 2))
        #expect(archived.archived)
        #expect(try store.goals(workspace: w).isEmpty)
        #expect(try store.goals(workspace: w, includeArchived: true).map(\.id) == [created.id])
        // Archiving twice changes nothing; restoring brings it back.
        _ = try store.setArchived(created.id, true, workspace: w, actor: "b", at: t0.adding(days: 3))
        _ = try store.setArchived(created.id, false, workspace: w, actor: "c", at: t0.adding(days: 4))
        #expect(try store.goals(workspace: w).map(\.id) == [created.id])
        #expect(try store.goalHistory(created.id, workspace: w).map(\.action) == ["created", "archived", "restored"])
    }

    @Test func importingByKeyCreatesThenUpdatesAndRestores() throws {
        let store = try temporaryStore()
        let w = try store.workspace("acme")
        let (first, created) = try store.upsertGoal(goal, workspace: w, actor: "cli:goals.toml", at: t0)
        #expect(created)
        _ = try store.setArchived(first.id, true, workspace: w, actor: "x", at: t0)
        var changed = goal
        changed.owner = "bo"
        let (second, createdAgain) = try store.upsertGoal(changed, workspace: w, actor: "cli:goals.toml", at: t0.adding(days: 1))
        #expect(!createdAgain)
        #expect(second.id == first.id)
        #expect(!second.archived)
        #expect(second.definition.owner == "bo")
        // Targets matched by KSF, KPI and segment keep their ids across an import.
        #expect(second.definition.allTargets.map(\.id) == first.definition.allTargets.map(\.id))
        #expect(try store.goalHistory(first.id, workspace: w).map(\.action) == ["created", "archived", "restored", "edited"])
    }

    @Test func reviewsAndGoalsStayInTheirWorkspace() throws {
        let store = try temporaryStore()
        let a = try store.workspace("a")
        let b = try store.workspace("b")
        let created = try store.createGoal(goal, workspace: a, actor: "x", at: t0)
        let target = try #require(created.definition.target?.id)
        #expect(try store.goal(created.id, workspace: b) == nil)
        #expect(try store.goals(workspace: b).isEmpty)
        #expect(throws: GoalStoreError.self) { try store.addReview(targetID: target, workspace: b, reviewer: "x", note: "n", at: t0) }
        #expect(throws: GoalStoreError.self) { try store.goalHistory(created.id, workspace: b) }
        #expect(throws: GoalStoreError.self) { try store.setArchived(created.id, true, workspace: b, actor: "x", at: t0) }

        let early = try store.addReview(targetID: target, workspace: a, reviewer: "ana", note: "first", at: t0)
        let late = try store.addReview(targetID: target, workspace: a, reviewer: "bo", note: "second", at: t0.adding(days: 30))
        #expect(try store.reviews(targetID: target, workspace: a) == [late, early])
        #expect(try store.latestReviews(workspace: a) == [target: late])
        #expect(try store.latestReviews(workspace: b).isEmpty)
    }

    @Test func theSchemaRefusesBadRowsAndAnInvalidDefinition() throws {
        let store = try temporaryStore()
        let w = try store.workspace("acme")
        // A target whose deadline is not after its start is refused before the database sees it.
        var bad = goal
        bad.factors[0].targets[0].deadline = start
        #expect(throws: GoalStoreError.self) { try store.createGoal(bad, workspace: w, actor: "x", at: t0) }
        // The tables are STRICT with checks of their own.
        let created = try store.createGoal(goal, workspace: w, actor: "x", at: t0)
        #expect(throws: (any Error).self) {
            try store.pool.write { db in
                try db.execute(sql: "UPDATE goal_target SET review_cadence = 'daily' WHERE goal_id = ?", arguments: [created.id])
            }
        }
        #expect(throws: (any Error).self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO goal_target (workspace_id, goal_id, factor_id, position, kpi, amount_kind, amount, deadline, start_date, grain, review_cadence, trend_periods) VALUES (?, ?, NULL, 1, 'mrr', 'value', 1, 10, 5, 'month', 'monthly', 6)",
                    arguments: [w, created.id])
            }
        }
    }
}

extension GoalStoreTests {
    @Test func theDemoTreeSeedsOnceWithItsReviews() throws {
        let store = try temporaryStore()
        let w = try store.workspace("demo")
        let end = CivilDate(year: 2026, month: 11, day: 1)
        let goals = try store.seedGoals(
            DemoGoals.tree(dataEnd: end), reviews: DemoGoals.reviews(dataEnd: end), workspace: w, actor: "demo", at: t0)
        #expect(goals.map(\.definition.key) == ["revenue-growth", "retention"])
        let mrr = try #require(goals[0].definition.target?.id)
        // The later of the two MRR reviews is the latest; 8 notes on 6 targets (MRR and the churn target have two each).
        #expect(try store.reviews(targetID: mrr, workspace: w).map(\.reviewer) == ["Maya (CEO)", "Maya (CEO)"])
        #expect(try store.latestReviews(workspace: w)[mrr]?.reviewedAt == Timestamp(CivilDate(year: 2026, month: 10, day: 27)).adding(seconds: 36_000))
        #expect(try store.latestReviews(workspace: w).count == 6)
        // Seeding again adds no goal and no review.
        _ = try store.seedGoals(
            DemoGoals.tree(dataEnd: end), reviews: DemoGoals.reviews(dataEnd: end), workspace: w, actor: "demo", at: t0)
        #expect(try store.goals(workspace: w).count == 2)
        #expect(try store.reviews(targetID: mrr, workspace: w).count == 2)
    }
}
