/// A target that turned at risk or off track between two evaluations: what an alert rule fires on.
public struct TargetStatusEvent: Sendable, Equatable {
    /// The target's identity (`TargetStatusEvents.identity`).
    public var identity: String
    public var goalID: Int64?
    public var goalName: String
    public var targetID: Int64?
    public var kpi: KPI
    /// The alert's title, e.g. "Target turned at risk: Onboarding completion 85.0 % by 2026-06-30".
    public var name: String
    public var previous: GoalStatus
    public var current: GoalStatus
    /// The evaluation's reason for the new status.
    public var reason: String
}

/// Compares target statuses between evaluations. The alert engine keeps `snapshot(_:)` of each run and passes it
/// back as `previous` with the next run's evaluations.
public enum TargetStatusEvents {
    /// A target's identity across evaluations: `target:<id>` for a stored target, else
    /// `<goal key>/<kpi>/<segment>/<deadline>` for one from configuration.
    public static func identity(_ target: KPITarget, goal: GoalDefinition) -> String {
        if let id = target.id { return "target:\(id)" }
        return "\(goal.key)/\(target.kpi.id)/\(target.segment ?? "")/\(target.deadline)"
    }

    /// Every target's status by identity.
    public static func snapshot(_ goals: [GoalEvaluation]) -> [String: GoalStatus] {
        var result: [String: GoalStatus] = [:]
        for goal in goals where !goal.archived {
            for target in goal.allTargets { result[identity(target.target, goal: goal.definition)] = target.status }
        }
        return result
    }

    /// The targets whose status became at risk or off track since `previous`: a target fires when it is at risk or
    /// off track now and was in a better status before (achieved, on track or no data; at risk -> off track fires
    /// too). A target not in `previous` (new, or the first run) does not fire; nor do archived goals.
    public static func events(previous: [String: GoalStatus], current: [GoalEvaluation]) -> [TargetStatusEvent] {
        var events: [TargetStatusEvent] = []
        for goal in current where !goal.archived {
            for target in goal.allTargets {
                let identity = identity(target.target, goal: goal.definition)
                guard let before = previous[identity], target.status == .atRisk || target.status == .offTrack else {
                    continue
                }
                let worse = before == .noData || before.severity < target.status.severity
                guard worse else { continue }
                events.append(
                    TargetStatusEvent(
                        identity: identity, goalID: goal.id, goalName: goal.definition.name, targetID: target.target.id,
                        kpi: target.target.kpi, name: "Target turned \(target.status.title): \(target.title)",
                        previous: before, current: target.status, reason: target.reason))
            }
        }
        return events
    }
}
