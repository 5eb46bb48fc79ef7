import Foundation
import GRDB
import VitalsCore
import VitalsFormats

/// Reads goal trees from their tables and writes them back, inside the store's transactions.
enum GoalRows {
    static func load(_ db: Database, workspace: Int64, goal: Int64?, includeArchived: Bool) throws -> [StoredGoal] {
        var filter = "workspace_id = ?"
        var arguments: StatementArguments = [workspace]
        if let goal {
            filter += " AND goal_id = ?"
            arguments += [goal]
        }
        let goalFilter = filter.replacingOccurrences(of: "goal_id", with: "id") + (includeArchived ? "" : " AND archived_at IS NULL")
        let goalRows = try Row.fetchAll(
            db,
            sql: "SELECT id, key, name, description, owner, start_date, deadline, created_at, updated_at, archived_at FROM goal WHERE \(goalFilter) ORDER BY id",
            arguments: arguments)
        guard !goalRows.isEmpty else { return [] }
        let factorRows = try Row.fetchAll(
            db, sql: "SELECT id, goal_id, name, description FROM goal_factor WHERE \(filter) ORDER BY goal_id, position",
            arguments: arguments)
        let targetRows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, goal_id, factor_id, label, kpi, amount_kind, amount, deadline, start_date, baseline, segment,
                grain, direction, review_cadence, trend_periods FROM goal_target WHERE \(filter) ORDER BY goal_id, position
                """, arguments: arguments)
        let stageFilter = goal == nil ? "workspace_id = ?" : "target_id IN (SELECT id FROM goal_target WHERE goal_id = ?)"
        let stageRows = try Row.fetchAll(
            db, sql: "SELECT target_id, amount_kind, amount, deadline FROM goal_target_stage WHERE \(stageFilter) ORDER BY target_id, position",
            arguments: goal == nil ? [workspace] : [goal])

        var stages: [Int64: [TargetStage]] = [:]
        for row in stageRows {
            stages[row[0], default: []].append(TargetStage(amount: amount(row[1], row[2]), deadline: date(row[3])))
        }
        var targetsByFactor: [Int64: [KPITarget]] = [:]
        var ownTarget: [Int64: KPITarget] = [:]
        for row in targetRows {
            let id: Int64 = row[0]
            let kpiText: String = row[4]
            guard let kpi = KPI(rawValue: kpiText) else { continue }
            let target = KPITarget(
                id: id, label: row[3], kpi: kpi, amount: amount(row[5], row[6]), deadline: date(row[7]), start: date(row[8]),
                baseline: row[9], segment: row[10], grain: Grain(rawValue: row[11]) ?? .month,
                direction: (row[12] as String?).flatMap(GoalDirection.init(rawValue:)), stages: stages[id] ?? [],
                review: ReviewCadence(rawValue: row[13]) ?? .monthly, trendPeriods: row[14])
            if let factor: Int64 = row[2] {
                targetsByFactor[factor, default: []].append(target)
            } else {
                ownTarget[row[1]] = target
            }
        }
        var factors: [Int64: [SuccessFactor]] = [:]
        for row in factorRows {
            let id: Int64 = row[0]
            factors[row[1], default: []].append(
                SuccessFactor(name: row[2], description: row[3], targets: targetsByFactor[id] ?? []))
        }
        return goalRows.map { row in
            let id: Int64 = row[0]
            let definition = GoalDefinition(
                key: row[1], name: row[2], description: row[3], owner: row[4], start: (row[5] as Int64?).map(date),
                deadline: date(row[6]), target: ownTarget[id], factors: factors[id] ?? [])
            return StoredGoal(
                id: id, definition: definition, createdAt: Timestamp(seconds: row[7]), updatedAt: Timestamp(seconds: row[8]),
                archivedAt: (row[9] as Int64?).map { Timestamp(seconds: $0) })
        }
    }

    /// Writes `definition`'s KSFs, targets and stages for goal `goal`, reusing the rows of KSFs of the same name and
    /// of targets matched by id or by (KSF, KPI, segment); removes the rest. Returns the definition with target ids.
    static func saveTree(_ definition: GoalDefinition, goal: Int64, workspace: Int64, db: Database) throws -> GoalDefinition {
        var factorIDs: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM goal_factor WHERE goal_id = ?", arguments: [goal]) {
            factorIDs[row[1]] = row[0]
        }
        struct Existing { var id: Int64; var factor: String?; var kpi: String; var segment: String? }
        var unused = try Row.fetchAll(
            db,
            sql: "SELECT t.id, f.name, t.kpi, t.segment FROM goal_target t LEFT JOIN goal_factor f ON f.id = t.factor_id WHERE t.goal_id = ?",
            arguments: [goal]
        ).map { Existing(id: $0[0], factor: $0[1], kpi: $0[2], segment: $0[3]) }
        var keptFactors: Set<Int64> = []
        var saved = definition

        func save(_ target: inout KPITarget, factor: (name: String, id: Int64)?, position: Int, path: String) throws {
            var rowID: Int64?
            if let id = target.id {
                guard let index = unused.firstIndex(where: { $0.id == id }) else {
                    throw GoalStoreError.invalid([GoalProblem(path: path, key: "id", reason: "\(id) is not a target of this goal")])
                }
                rowID = unused.remove(at: index).id
            } else if let index = unused.firstIndex(where: {
                $0.factor == factor?.name && $0.kpi == target.kpi.id && $0.segment == target.segment
            }) {
                rowID = unused.remove(at: index).id
            }
            let (kind, value) = parts(target.amount)
            let fields: StatementArguments = [
                factor?.id, position, target.label, target.kpi.id, kind, value, Timestamp(target.deadline).seconds,
                Timestamp(target.start).seconds, target.baseline, target.segment, target.grain.rawValue,
                target.directionOverride?.rawValue, target.review.rawValue, target.trendPeriods,
            ]
            if let rowID {
                try db.execute(
                    sql: """
                        UPDATE goal_target SET factor_id = ?, position = ?, label = ?, kpi = ?, amount_kind = ?, amount = ?,
                        deadline = ?, start_date = ?, baseline = ?, segment = ?, grain = ?, direction = ?, review_cadence = ?,
                        trend_periods = ? WHERE id = ?
                        """, arguments: fields + [rowID])
                try db.execute(sql: "DELETE FROM goal_target_stage WHERE target_id = ?", arguments: [rowID])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO goal_target (factor_id, position, label, kpi, amount_kind, amount, deadline, start_date,
                        baseline, segment, grain, direction, review_cadence, trend_periods, workspace_id, goal_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: fields + [workspace, goal])
                rowID = db.lastInsertedRowID
            }
            target.id = rowID
            for (i, stage) in target.stages.enumerated() {
                let (kind, value) = parts(stage.amount)
                try db.execute(
                    sql: "INSERT INTO goal_target_stage (workspace_id, target_id, position, amount_kind, amount, deadline) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [workspace, rowID, i, kind, value, Timestamp(stage.deadline).seconds])
            }
        }

        if saved.target != nil { try save(&saved.target!, factor: nil, position: 0, path: "target") }
        for f in saved.factors.indices {
            let factor = saved.factors[f]
            let factorID: Int64
            if let id = factorIDs[factor.name] {
                factorID = id
                try db.execute(
                    sql: "UPDATE goal_factor SET position = ?, description = ? WHERE id = ?",
                    arguments: [f, factor.description, id])
            } else {
                try db.execute(
                    sql: "INSERT INTO goal_factor (workspace_id, goal_id, position, name, description) VALUES (?, ?, ?, ?, ?)",
                    arguments: [workspace, goal, f, factor.name, factor.description])
                factorID = db.lastInsertedRowID
            }
            keptFactors.insert(factorID)
            for t in saved.factors[f].targets.indices {
                try save(&saved.factors[f].targets[t], factor: (factor.name, factorID), position: t, path: "ksf[\(f)].targets[\(t)]")
            }
        }
        for target in unused { try db.execute(sql: "DELETE FROM goal_target WHERE id = ?", arguments: [target.id]) }
        for id in Set(factorIDs.values).subtracting(keptFactors) {
            try db.execute(sql: "DELETE FROM goal_factor WHERE id = ?", arguments: [id])
        }
        return saved
    }

    static func record(
        _ db: Database, goal: Int64, workspace: Int64, at now: Timestamp, actor: String, action: String, changes: [String],
        definition: GoalDefinition
    ) throws {
        try db.execute(
            sql: "INSERT INTO goal_change (workspace_id, goal_id, changed_at, actor, action, summary, definition) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [workspace, goal, now.seconds, actor, action, changes.joined(separator: "\n"), GoalJSON.definition(definition)])
    }

    private static func amount(_ kind: String, _ value: Double) -> TargetAmount {
        kind == "change" ? .change(value) : .value(value)
    }

    private static func parts(_ amount: TargetAmount) -> (String, Double) {
        switch amount {
        case .value(let v): ("value", v)
        case .change(let c): ("change", c)
        }
    }

    private static func date(_ seconds: Int64) -> CivilDate { Timestamp(seconds: seconds).date }
}
