import VitalsCore

/// Writes review notes and the list of targets due for review as JSON.
public enum ReviewsJSON {
    /// `{"as_of", "targets": [{"target_id", "goal_id", "goal_name", "ksf", "title", "kpi", "status"?, "review": {...}}]}`
    /// for the unarchived goals' targets due as of `asOf`.
    public static func due(_ goals: [StoredGoal], reviews: [Int64: TargetReview], asOf: Timestamp) -> String {
        let list = DueReviews.list(
            goals.filter { !$0.archived }.map { (Optional($0.id), $0.definition) }, reviews: reviews, asOf: asOf)
        var w = JSONText()
        w.begin("{")
        w.field("as_of", asOf.description)
        w.key("targets")
        w.begin("[")
        for item in list {
            w.begin("{")
            w.field("target_id", item.target.id.map(Double.init))
            w.field("goal_id", item.goalID.map(Double.init))
            w.field("goal_name", item.goalName)
            w.field("ksf", item.factor)
            w.field("title", item.title)
            w.field("kpi", item.target.kpi.id)
            w.key("review")
            GoalJSON.review(item.review, into: &w)
            w.end("}")
        }
        w.end("]")
        w.end("}")
        return w.text
    }

    /// `{"target_id", "reviews": [...]}`, newest first.
    public static func list(_ reviews: [TargetReview], targetID: Int64) -> String {
        var w = JSONText()
        w.begin("{")
        w.field("target_id", Double(targetID))
        w.key("reviews")
        w.begin("[")
        for review in reviews { GoalJSON.reviewNote(review, into: &w) }
        w.end("]")
        w.end("}")
        return w.text
    }

    /// One review: `{"id", "target_id", "reviewed_at", "reviewer", "note"}`.
    public static func review(_ review: TargetReview, targetID: Int64) -> String {
        var w = JSONText()
        w.begin("{")
        w.field("id", review.id.map(Double.init))
        w.field("target_id", Double(targetID))
        w.field("reviewed_at", review.reviewedAt.description)
        w.field("reviewer", review.reviewer)
        w.field("note", review.note)
        w.end("}")
        return w.text
    }
}
