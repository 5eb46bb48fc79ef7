import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

extension HealthService {
    /// Feeds the goals into the alert rules of kind `external` with `source = "goals"`: every target that is at risk
    /// or off track is a condition, so its alert fires once when the target turns so and clears when it recovers
    /// (docs/goals.md, docs/alerts.md).
    public func watchGoals() {
        let goals = GoalsController(store: store, cache: cache)
        let store = self.store
        setConditionProvider { workspace, at in
            let stored = try store.goals(workspace: workspace)
            let evaluated = try await goals.evaluate(stored, workspace: workspace, asOf: at)
            return ["goals": GoalConditions.conditions(evaluated)]
        }
    }
}

/// The goals' targets at risk or off track, as alert conditions.
enum GoalConditions {
    static func conditions(_ goals: [GoalEvaluation]) -> [ExternalCondition] {
        goals.filter { !$0.archived }.flatMap { goal in
            goal.allTargets.compactMap { target -> ExternalCondition? in
                guard target.status == .atRisk || target.status == .offTrack else { return nil }
                let key = target.target.id.map { "target-\($0)" } ?? "\(goal.definition.key):\(target.title)"
                return ExternalCondition(
                    source: "goals", key: key, title: "Target \(target.status.title): \(target.title) (\(goal.definition.name))",
                    reason: target.reason)
            }
        }
    }
}
