/// Evaluates one KPI target on the KPI's period series as of an instant. Pure; `docs/goals.md` states each rule.
public enum TargetEvaluator {
    /// The most forecast periods a chart path holds.
    static let pathLimit = 120

    /// - Parameters:
    ///   - series: the KPI's values per period of `target.grain` (for `target.segment`), or `nil` when they could
    ///     not be computed; `problem` then says why.
    ///   - lastReview: the target's latest review, if any.
    ///   - asOf: the evaluation instant: only periods that have ended by then count.
    public static func evaluate(
        _ target: KPITarget, series: KPISeries?, problem: String? = nil, lastReview: TargetReview? = nil,
        asOf: Timestamp
    ) -> TargetEvaluation {
        let direction = target.direction
        let sign = direction.sign
        let unit = target.kpi.unit
        let valued = (series?.points ?? []).compactMap { point -> GoalValuePoint? in
            guard point.period.grain == target.grain, point.period.end <= asOf, let value = point.value,
                value.isFinite
            else { return nil }
            return GoalValuePoint(period: point.period, value: value)
        }

        // Baseline: given by hand, else the last whole period ending on or before the start, else the first value.
        let baselinePoint = valued.last { $0.period.endDate <= target.start } ?? valued.first
        let baseline = target.baseline ?? baselinePoint?.value
        let baselinePeriod = target.baseline == nil ? baselinePoint?.period : nil
        let current = valued.last

        // The trend: least squares on the latest `trendPeriods` values, x counted in periods from the first of them.
        let recent = Array(valued.suffix(max(3, target.trendPeriods)))
        let origin = recent.first?.period
        let trend = origin.flatMap { origin in
            LinearTrend(x: recent.map { Double(origin.offset(to: $0.period)) }, y: recent.map(\.value))
        }
        // Forecasts stay inside the values the KPI can take (a share cannot fall below 0).
        let range = target.kpi.possibleRange
        func clamp(_ v: Double) -> Double { range.map { min(max(v, $0.lowerBound), $0.upperBound) } ?? v }
        func x(_ period: Period) -> Double { Double(origin.map { $0.offset(to: period) } ?? 0) }
        func meets(_ value: Double, _ goal: Double) -> Bool {
            sign * (value - goal) >= -1e-9 * max(1, abs(goal))
        }

        var milestones: [MilestoneEvaluation] = []
        let all = target.milestones
        for (index, milestone) in all.enumerated() {
            let period = Period(grain: target.grain, containing: milestone.deadline)
            let goal = milestone.amount.resolved(baseline: baseline)
            var evaluation = MilestoneEvaluation(
                deadline: milestone.deadline, period: period, isFinal: index == all.count - 1, targetValue: goal,
                passed: period.end <= asOf, status: .noData)
            if evaluation.passed {
                evaluation.valueAtDeadline = valued.last { $0.period.start <= period.start }?.value
                if let goal, let value = evaluation.valueAtDeadline {
                    evaluation.status = meets(value, goal) ? .achieved : .offTrack
                }
            } else if let goal {
                if let trend {
                    let interval = trend.predictionInterval(at: x(period))
                    evaluation.forecast = clamp(trend.value(at: x(period)))
                    evaluation.forecastLow = clamp(interval.low)
                    evaluation.forecastHigh = clamp(interval.high)
                }
                if let current, meets(current.value, goal) {
                    evaluation.status = .achieved
                } else if let forecast = evaluation.forecast, let low = evaluation.forecastLow,
                    let high = evaluation.forecastHigh
                {
                    let better = direction == .higher ? high : low
                    evaluation.status = meets(forecast, goal) ? .onTrack : meets(better, goal) ? .atRisk : .offTrack
                }
            }
            milestones.append(evaluation)
        }
        let activeIndex = milestones.firstIndex { !$0.passed } ?? milestones.count - 1
        let final = milestones[milestones.count - 1]
        let targetValue = final.targetValue

        var progress: Double?
        if let baseline, let current, let targetValue {
            let gap = sign * (targetValue - baseline)
            progress = gap > 0 ? sign * (current.value - baseline) / gap : (meets(current.value, targetValue) ? 1 : 0)
        }
        let finalPeriod = final.period
        let periodsLeft = current.map { $0.period.offset(to: finalPeriod) }
        var requiredPace: Double?
        if let current, let targetValue, let periodsLeft, periodsLeft > 0 {
            requiredPace = (targetValue - current.value) / Double(periodsLeft)
        }

        var forecast: TargetForecast?
        if let trend, let current {
            let at = x(finalPeriod)
            let interval = trend.predictionInterval(at: at)
            var path: [ForecastPoint] = []
            var period = current.period.next
            while period.start <= finalPeriod.start && path.count < pathLimit {
                let band = trend.predictionInterval(at: x(period))
                path.append(
                    ForecastPoint(
                        period: period, value: clamp(trend.value(at: x(period))), low: clamp(band.low),
                        high: clamp(band.high)))
                period = period.next
            }
            forecast = TargetForecast(
                period: finalPeriod, value: clamp(trend.value(at: at)), standardError: trend.predictionStandardError(at: at),
                low: clamp(interval.low), high: clamp(interval.high), slope: trend.slope, fittedOn: recent.map(\.period), path: path)
        }

        let (status, reason) = judge(
            target: target, milestones: milestones, active: activeIndex, current: current, baseline: baseline,
            series: series, problem: problem, valuedCount: valued.count)
        let historyStart = [baselinePeriod?.start, recent.first?.period.start].compactMap { $0 }.min()
        let history = valued.filter { point in historyStart.map { point.period.start >= $0 } ?? true }
        return TargetEvaluation(
            target: target, title: title(of: target), direction: direction, unit: unit, baseline: baseline,
            baselinePeriod: baselinePeriod, current: current?.value, currentPeriod: current?.period,
            targetValue: targetValue, progress: progress, periodsLeft: periodsLeft, requiredPace: requiredPace,
            forecast: forecast, milestones: milestones, activeMilestone: activeIndex, status: status, reason: reason,
            history: history,
            review: ReviewState(cadence: target.review, start: target.start, last: lastReview, asOf: asOf))
    }

    /// The target's status from its milestones: achieved when the final one is; off track when the final deadline
    /// passed unmet; otherwise the worse of the active milestone (achieved counting as on track) and the final one.
    static func judge(
        target: KPITarget, milestones: [MilestoneEvaluation], active: Int, current: GoalValuePoint?, baseline: Double?,
        series: KPISeries?, problem: String?, valuedCount: Int
    ) -> (GoalStatus, String) {
        let unit = target.kpi.unit
        func show(_ value: Double?) -> String { value.map { GoalFormat.value($0, unit: unit) } ?? "-" }
        let final = milestones[milestones.count - 1]
        if series == nil { return (.noData, problem ?? "the KPI could not be computed") }
        guard let current else { return (.noData, "\(target.kpi.id) has no value in any whole period yet") }
        guard baseline != nil || !milestones.contains(where: { $0.targetValue == nil }) else {
            return (.noData, "a relative target needs a baseline, and \(target.kpi.id) has none")
        }
        if final.status == .achieved {
            if final.passed {
                return (.achieved, "\(show(final.valueAtDeadline)) in \(final.period.label) met the target \(show(final.targetValue))")
            }
            return (.achieved, "\(show(current.value)) in \(current.period.label) meets the target \(show(final.targetValue))")
        }
        if final.passed {
            return (.offTrack, "missed: \(show(final.valueAtDeadline)) in \(final.period.label) against the target \(show(final.targetValue))")
        }
        let stage = milestones[active]
        if final.status == .noData || stage.status == .noData {
            return (.noData, "\(valuedCount) whole period\(valuedCount == 1 ? "" : "s") with a value: a trend needs 3")
        }
        let stageStatus: GoalStatus = stage.status == .achieved ? .onTrack : stage.status
        let worst = stageStatus.severity >= final.status.severity ? (stage, stageStatus) : (final, final.status)
        let judged = worst.0
        let which = judged.isFinal ? "the target" : "the stage target"
        let forecastText =
            "the trend forecasts \(show(judged.forecast)) for \(judged.period.label) (80 % interval \(show(judged.forecastLow)) to \(show(judged.forecastHigh)))"
        switch worst.1 {
        case .onTrack:
            if stage.status == .achieved && !stage.isFinal {
                return (.onTrack, "the stage target \(show(stage.targetValue)) is met; \(forecastText), meeting the target \(show(final.targetValue))")
            }
            return (.onTrack, "\(forecastText), meeting \(which) \(show(judged.targetValue))")
        case .atRisk:
            return (.atRisk, "\(forecastText): short of \(which) \(show(judged.targetValue)), which the interval still reaches")
        default:
            return (.offTrack, "\(forecastText): even the interval falls short of \(which) \(show(judged.targetValue))")
        }
    }

    /// The label, or "<KPI title> <amount> by <deadline>" with the segment in brackets.
    public static func title(of target: KPITarget) -> String {
        if let label = target.label, !label.isEmpty { return label }
        let amount = GoalFormat.amount(target.amount, unit: target.kpi.unit)
        let segment = target.segment.map { " [\($0)]" } ?? ""
        return "\(target.kpi.title) \(amount) by \(target.deadline)\(segment)"
    }
}
