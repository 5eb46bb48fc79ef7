extension GoalDefinition {
    /// What changed from `old` to this definition, one line per change, for the goal's history: "name: 'A' -> 'B'",
    /// "ksf 'Onboarding': target onboarding_completion_rate: value 80.0 % -> 85.0 %", "ksf 'Adoption' added".
    /// Empty when nothing changed.
    public func changes(from old: GoalDefinition) -> [String] {
        var lines: [String] = []
        func field(_ name: String, _ a: String?, _ b: String?) {
            if a != b { lines.append("\(name): \(a.map { "'\($0)'" } ?? "none") -> \(b.map { "'\($0)'" } ?? "none")") }
        }
        field("key", old.key, key)
        field("name", old.name, name)
        field("description", old.description, description)
        field("owner", old.owner, owner)
        field("start", old.start?.description, start?.description)
        field("deadline", old.deadline.description, deadline.description)
        switch (old.target, target) {
        case (nil, let new?): lines.append("goal target added: \(TargetEvaluator.title(of: new))")
        case (let gone?, nil): lines.append("goal target removed: \(TargetEvaluator.title(of: gone))")
        case (let a?, let b?): lines += b.changes(from: a).map { "goal target: " + $0 }
        default: break
        }
        let oldNames = old.factors.map(\.name)
        let newNames = factors.map(\.name)
        // KSFs match by name; a new name in the place of a vanished one is a rename.
        var renamedFrom: [Int: Int] = [:]
        for (i, factor) in factors.enumerated() where !oldNames.contains(factor.name) {
            if i < old.factors.count && !newNames.contains(old.factors[i].name) { renamedFrom[i] = i }
        }
        let renamedOld = Set(renamedFrom.values)
        for (i, name) in oldNames.enumerated() where !newNames.contains(name) && !renamedOld.contains(i) {
            lines.append("ksf '\(name)' removed")
        }
        for (i, factor) in factors.enumerated() {
            let before: SuccessFactor
            if let match = old.factors.first(where: { $0.name == factor.name }) {
                before = match
            } else if let j = renamedFrom[i] {
                before = old.factors[j]
                lines.append("ksf '\(before.name)' renamed '\(factor.name)'")
            } else {
                lines.append("ksf '\(factor.name)' added with \(factor.targets.count) target\(factor.targets.count == 1 ? "" : "s")")
                continue
            }
            if before.description != factor.description { lines.append("ksf '\(factor.name)': description changed") }
            lines += Self.targetChanges(from: before.targets, to: factor.targets).map { "ksf '\(factor.name)': " + $0 }
        }
        if lines.isEmpty && oldNames != newNames { lines.append("ksf order changed") }
        return lines
    }

    /// Targets are matched by id when both have one, else by KPI and segment.
    static func targetChanges(from old: [KPITarget], to new: [KPITarget]) -> [String] {
        var lines: [String] = []
        var unmatched = old
        for target in new {
            let index = unmatched.firstIndex { $0.id != nil && $0.id == target.id }
                ?? unmatched.firstIndex { $0.kpi == target.kpi && $0.segment == target.segment }
            guard let index else {
                lines.append("target added: \(TargetEvaluator.title(of: target))")
                continue
            }
            let before = unmatched.remove(at: index)
            lines += target.changes(from: before).map { "target \(target.kpi.id): " + $0 }
        }
        lines += unmatched.map { "target removed: \(TargetEvaluator.title(of: $0))" }
        return lines
    }
}

extension KPITarget {
    /// The fields that differ from `old`, as "field old -> new".
    public func changes(from old: KPITarget) -> [String] {
        var lines: [String] = []
        let unit = kpi.unit
        func field(_ name: String, _ a: String?, _ b: String?) {
            if a != b { lines.append("\(name) \(a ?? "none") -> \(b ?? "none")") }
        }
        field("label", old.label, label)
        field("kpi", old.kpi.id, kpi.id)
        field("amount", GoalFormat.amount(old.amount, unit: old.kpi.unit), GoalFormat.amount(amount, unit: unit))
        if old.amount != amount && GoalFormat.amount(old.amount, unit: unit) == GoalFormat.amount(amount, unit: unit) {
            lines.append("amount changed")
        }
        field("deadline", old.deadline.description, deadline.description)
        field("start", old.start.description, start.description)
        field("baseline", old.baseline.map { GoalFormat.value($0, unit: unit) }, baseline.map { GoalFormat.value($0, unit: unit) })
        field("segment", old.segment, segment)
        field("grain", old.grain.rawValue, grain.rawValue)
        field("direction", old.directionOverride?.rawValue, directionOverride?.rawValue)
        func stages(_ t: KPITarget) -> String? {
            t.stages.isEmpty ? nil : t.stages.map { "\(GoalFormat.amount($0.amount, unit: unit)) by \($0.deadline)" }
                .joined(separator: ", ")
        }
        field("stages", stages(old), stages(self))
        field("review", old.review.rawValue, review.rawValue)
        field("trend_periods", String(old.trendPeriods), String(trendPeriods))
        return lines
    }
}
