/// A key success factor evaluated: its targets and their rolled-up status.
public struct SuccessFactorEvaluation: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var targets: [TargetEvaluation]
    public var status: GoalStatus
}

/// A goal tree (KGI -> KSFs -> KPI targets) evaluated as of an instant: what the goals page and the overview's
/// target tiles show. Every target carries its numbers, forecast, chart series and review state.
public struct GoalEvaluation: Sendable, Equatable {
    /// The store's id of the goal, or `nil` for a goal from configuration.
    public var id: Int64?
    public var definition: GoalDefinition
    public var archived: Bool
    /// The KGI's own target, if it names a KPI.
    public var target: TargetEvaluation?
    public var factors: [SuccessFactorEvaluation]
    /// Rolled up from the goal's own target and every KSF (`GoalEvaluator.rollUp`).
    public var status: GoalStatus
    /// How many of the tree's targets are in each status.
    public var counts: [GoalStatus: Int]
    public var asOf: Timestamp

    /// Every evaluated target of the tree: the goal's own first.
    public var allTargets: [TargetEvaluation] { (target.map { [$0] } ?? []) + factors.flatMap(\.targets) }
}

/// Evaluates goal trees and rolls statuses up.
public enum GoalEvaluator {
    /// Evaluates `goal` as of `asOf`; `series` gives each target's KPI series (or why there is none) and `reviews`
    /// each stored target's latest review by target id.
    public static func evaluate(
        _ goal: GoalDefinition, id: Int64? = nil, archived: Bool = false,
        series: (KPITarget) -> (series: KPISeries?, problem: String?), reviews: [Int64: TargetReview] = [:],
        asOf: Timestamp
    ) -> GoalEvaluation {
        func evaluate(_ target: KPITarget) -> TargetEvaluation {
            let (values, problem) = series(target)
            return TargetEvaluator.evaluate(
                target, series: values, problem: problem, lastReview: target.id.flatMap { reviews[$0] }, asOf: asOf)
        }
        let own = goal.target.map(evaluate)
        let factors = goal.factors.map { factor in
            let targets = factor.targets.map(evaluate)
            return SuccessFactorEvaluation(
                name: factor.name, description: factor.description, targets: targets,
                status: rollUp(targets.map(\.status)))
        }
        var counts: [GoalStatus: Int] = [:]
        for t in (own.map { [$0] } ?? []) + factors.flatMap(\.targets) { counts[t.status, default: 0] += 1 }
        let parts = (own.map { [$0.status] } ?? []) + factors.map(\.status)
        return GoalEvaluation(
            id: id, definition: goal, archived: archived, target: own, factors: factors, status: rollUp(parts),
            counts: counts, asOf: asOf)
    }

    /// How many targets of `goals` (archived ones left out) are in each status: the overview's target tiles.
    public static func targetCounts(_ goals: [GoalEvaluation]) -> [GoalStatus: Int] {
        var counts: [GoalStatus: Int] = [:]
        for goal in goals where !goal.archived {
            for (status, n) in goal.counts { counts[status, default: 0] += n }
        }
        return counts
    }

    /// The status of a node from its children's: `no data` children are left out (all of them: no data); all
    /// achieved: achieved; otherwise the worst, with achieved counting as on track (off track > at risk > on track).
    public static func rollUp(_ statuses: [GoalStatus]) -> GoalStatus {
        let known = statuses.filter { $0 != .noData }
        guard !known.isEmpty else { return .noData }
        if known.allSatisfy({ $0 == .achieved }) { return .achieved }
        let worst = known.max { $0.severity < $1.severity } ?? .onTrack
        return worst == .achieved ? .onTrack : worst
    }
}
