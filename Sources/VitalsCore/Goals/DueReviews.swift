/// A target whose review is due: one cadence has passed since its last review (or its start, if never reviewed).
public struct DueReview: Sendable, Equatable {
    public var goalID: Int64?
    public var goalName: String
    /// The KSF the target belongs to, or `nil` for the goal's own target.
    public var factor: String?
    public var target: KPITarget
    public var title: String
    public var review: ReviewState
}

public enum DueReviews {
    /// The targets of `goals` due for review as of `asOf`, the longest overdue first (then by goal and title).
    /// `reviews` holds each target's latest review by target id.
    public static func list(
        _ goals: [(id: Int64?, definition: GoalDefinition)], reviews: [Int64: TargetReview], asOf: Timestamp
    ) -> [DueReview] {
        var due: [DueReview] = []
        for (id, goal) in goals {
            let targets = (goal.target.map { [(String?.none, $0)] } ?? []) + goal.factors.flatMap { f in f.targets.map { (Optional(f.name), $0) } }
            for (factor, target) in targets {
                let state = ReviewState(
                    cadence: target.review, start: target.start, last: target.id.flatMap { reviews[$0] }, asOf: asOf)
                guard state.isDue else { continue }
                due.append(
                    DueReview(
                        goalID: id, goalName: goal.name, factor: factor, target: target,
                        title: TargetEvaluator.title(of: target), review: state))
            }
        }
        return due.sorted { ($0.review.nextDue, $0.goalName, $0.title) < ($1.review.nextDue, $1.goalName, $1.title) }
    }
}

/// A review of a target named by its goal's key, its KPI and its segment rather than by a stored id: how reviews
/// travel with goal definitions (the demo's notes) before the targets have ids.
public struct TargetReviewSeed: Sendable, Equatable {
    public var goalKey: String
    public var kpi: KPI
    public var segment: String?
    public var review: TargetReview

    public init(goalKey: String, kpi: KPI, segment: String? = nil, review: TargetReview) {
        self.goalKey = goalKey
        self.kpi = kpi
        self.segment = segment
        self.review = review
    }
}
