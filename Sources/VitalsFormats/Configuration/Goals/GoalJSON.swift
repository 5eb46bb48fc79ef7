import VitalsCore

/// Writes goal definitions (in the shape `GoalReader` reads, so a definition read from the API can be sent back
/// with `PUT`) and evaluated goal trees as JSON. docs/goals.md defines every field.
public enum GoalJSON {
    /// A definition: `{"key", "name", "description", "owner", "start", "deadline", "target", "ksf": [...]}`.
    public static func definition(_ goal: GoalDefinition) -> String {
        var w = JSONText()
        definition(goal, into: &w)
        return w.text
    }

    /// An evaluated goal: its store fields, its definition (for editing) and the evaluated tree. `series` adds each
    /// target's history and forecast path (the chart).
    public static func goal(_ goal: GoalEvaluation, stored: StoredGoal?, series: Bool) -> String {
        var w = JSONText()
        self.goal(goal, stored: stored, series: series, into: &w)
        return w.text
    }

    /// `{"as_of": ..., "goals": [...]}`.
    public static func goals(_ goals: [(GoalEvaluation, StoredGoal?)], asOf: Timestamp, series: Bool) -> String {
        var w = JSONText()
        w.begin("{")
        w.field("as_of", asOf.description)
        w.key("goals")
        w.begin("[")
        for (evaluation, stored) in goals { goal(evaluation, stored: stored, series: series, into: &w) }
        w.end("]")
        w.end("}")
        return w.text
    }

    static func goal(_ goal: GoalEvaluation, stored: StoredGoal?, series: Bool, into w: inout JSONText) {
        let d = goal.definition
        w.begin("{")
        w.field("id", goal.id.map(Double.init))
        w.field("key", d.key)
        w.field("name", d.name)
        w.field("description", d.description)
        w.field("owner", d.owner)
        w.field("start", d.start?.description)
        w.field("deadline", d.deadline.description)
        w.field("archived", goal.archived)
        w.field("created_at", stored?.createdAt.description)
        w.field("updated_at", stored?.updatedAt.description)
        w.field("status", goal.status.rawValue)
        w.key("counts")
        w.begin("{")
        for status in GoalStatus.allCases { w.field(status.rawValue, Double(goal.counts[status] ?? 0)) }
        w.end("}")
        w.key("target")
        if let target = goal.target { self.target(target, series: series, into: &w) } else { w.raw("null") }
        w.key("ksf")
        w.begin("[")
        for factor in goal.factors {
            w.begin("{")
            w.field("name", factor.name)
            w.field("description", factor.description)
            w.field("status", factor.status.rawValue)
            w.key("targets")
            w.begin("[")
            for target in factor.targets { self.target(target, series: series, into: &w) }
            w.end("]")
            w.end("}")
        }
        w.end("]")
        w.key("definition")
        definition(d, into: &w)
        w.end("}")
    }

    static func target(_ e: TargetEvaluation, series: Bool, into w: inout JSONText) {
        let t = e.target
        w.begin("{")
        w.field("id", t.id.map(Double.init))
        w.field("title", e.title)
        w.field("kpi", t.kpi.id)
        w.field("kpi_title", t.kpi.title)
        w.field("unit", t.kpi.unit.rawValue)
        w.field("direction", e.direction.rawValue)
        w.field("segment", t.segment)
        w.field("grain", t.grain.rawValue)
        amount(t.amount, into: &w)
        w.field("start", t.start.description)
        w.field("deadline", t.deadline.description)
        w.field("status", e.status.rawValue)
        w.field("reason", e.reason)
        w.field("baseline", e.baseline)
        w.field("baseline_period", e.baselinePeriod?.label)
        w.field("current", e.current)
        w.field("current_period", e.currentPeriod?.label)
        w.field("target_value", e.targetValue)
        w.field("progress", e.progress)
        w.field("periods_left", e.periodsLeft.map(Double.init))
        w.field("required_pace", e.requiredPace)
        w.key("forecast")
        if let f = e.forecast {
            w.begin("{")
            w.field("period", f.period.label)
            w.field("value", f.value)
            w.field("standard_error", f.standardError)
            w.field("low", f.low)
            w.field("high", f.high)
            w.field("slope", f.slope)
            w.field("fitted_from", f.fittedOn.first?.label)
            w.field("fitted_through", f.fittedOn.last?.label)
            w.field("points", Double(f.fittedOn.count))
            if series {
                w.key("path")
                w.begin("[")
                for p in f.path {
                    w.begin("{")
                    w.field("period", p.period.label)
                    w.field("start", p.period.startDate.description)
                    w.field("value", p.value)
                    w.field("low", p.low)
                    w.field("high", p.high)
                    w.end("}")
                }
                w.end("]")
            }
            w.end("}")
        } else {
            w.raw("null")
        }
        w.key("milestones")
        w.begin("[")
        for m in e.milestones {
            w.begin("{")
            w.field("deadline", m.deadline.description)
            w.field("period", m.period.label)
            w.field("final", m.isFinal)
            w.field("target_value", m.targetValue)
            w.field("passed", m.passed)
            w.field("value_at_deadline", m.valueAtDeadline)
            w.field("forecast", m.forecast)
            w.field("forecast_low", m.forecastLow)
            w.field("forecast_high", m.forecastHigh)
            w.field("status", m.status.rawValue)
            w.end("}")
        }
        w.end("]")
        w.field("active_milestone", Double(e.activeMilestone))
        if series {
            w.key("history")
            w.begin("[")
            for p in e.history {
                w.begin("{")
                w.field("period", p.period.label)
                w.field("start", p.period.startDate.description)
                w.field("value", p.value)
                w.end("}")
            }
            w.end("]")
        }
        w.key("review")
        review(e.review, into: &w)
        w.end("}")
    }

    static func review(_ r: ReviewState, into w: inout JSONText) {
        w.begin("{")
        w.field("cadence", r.cadence.rawValue)
        w.field("next_due", r.nextDue.description)
        w.field("due", r.isDue)
        w.key("last")
        if let last = r.last { reviewNote(last, into: &w) } else { w.raw("null") }
        w.end("}")
    }

    static func reviewNote(_ r: TargetReview, into w: inout JSONText) {
        w.begin("{")
        w.field("id", r.id.map(Double.init))
        w.field("reviewed_at", r.reviewedAt.description)
        w.field("reviewer", r.reviewer)
        w.field("note", r.note)
        w.end("}")
    }

    static func amount(_ amount: TargetAmount, into w: inout JSONText) {
        switch amount {
        case .value(let v): w.field("value", v)
        case .change(let c): w.field("change", c)
        }
    }

    static func definition(_ d: GoalDefinition, into w: inout JSONText) {
        w.begin("{")
        w.field("key", d.key)
        w.field("name", d.name)
        w.field("description", d.description)
        w.field("owner", d.owner)
        w.field("start", d.start?.description)
        w.field("deadline", d.deadline.description)
        w.key("target")
        if let t = d.target { targetDefinition(t, into: &w) } else { w.raw("null") }
        w.key("ksf")
        w.begin("[")
        for f in d.factors {
            w.begin("{")
            w.field("name", f.name)
            w.field("description", f.description)
            w.key("targets")
            w.begin("[")
            for t in f.targets { targetDefinition(t, into: &w) }
            w.end("]")
            w.end("}")
        }
        w.end("]")
        w.end("}")
    }

    static func targetDefinition(_ t: KPITarget, into w: inout JSONText) {
        w.begin("{")
        if let id = t.id { w.field("id", Double(id)) }
        w.field("label", t.label)
        w.field("kpi", t.kpi.id)
        amount(t.amount, into: &w)
        w.field("deadline", t.deadline.description)
        w.field("start", t.start.description)
        w.field("baseline", t.baseline)
        w.field("segment", t.segment)
        w.field("grain", t.grain.rawValue)
        w.field("direction", t.directionOverride?.rawValue)
        w.field("review", t.review.rawValue)
        w.field("trend_periods", Double(t.trendPeriods))
        w.key("stages")
        w.begin("[")
        for s in t.stages {
            w.begin("{")
            w.field("deadline", s.deadline.description)
            amount(s.amount, into: &w)
            w.end("}")
        }
        w.end("]")
        w.end("}")
    }
}
