import Testing

@testable import VitalsCore

/// Goal targets evaluated on hand-made series; every expected value is worked out by hand in the comments.
@Suite struct GoalEvaluationTests {
    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance
    }

    /// Onboarding completion (higher is better), monthly Jan..Jun 2026: 0.70 0.72 0.71 0.74 0.75 0.77. Target 85 % by
    /// 2026-12-31, starting 2026-02-01, evaluated on 2026-07-01 (all six months whole).
    @Test func aHigherIsBetterTargetHasHandWorkedProgressPaceAndForecast() throws {
        let series = KPISeries(grain: .month, first: CivilDate(year: 2026, month: 1, day: 1), values: [0.70, 0.72, 0.71, 0.74, 0.75, 0.77])
        let target = KPITarget(
            kpi: .onboardingCompletionRate, amount: .value(0.85), deadline: CivilDate(year: 2026, month: 12, day: 31),
            start: CivilDate(year: 2026, month: 2, day: 1))
        let e = TargetEvaluator.evaluate(target, series: series, asOf: Timestamp(year: 2026, month: 7, day: 1))

        #expect(e.direction == .higher)
        // Baseline: the last month ending on or before the start 2026-02-01 is January: 0.70. Current: June, 0.77.
        #expect(e.baseline == 0.70)
        #expect(e.baselinePeriod?.label == "2026-01")
        #expect(e.current == 0.77)
        #expect(e.currentPeriod?.label == "2026-06")
        #expect(e.targetValue == 0.85)
        // Progress = (0.77 - 0.70) / (0.85 - 0.70) = 0.07 / 0.15 = 0.4667.
        #expect(close(e.progress, 0.07 / 0.15))
        // June -> December is 6 months; required pace = (0.85 - 0.77) / 6 = 0.013333 per month.
        #expect(e.periodsLeft == 6)
        #expect(close(e.requiredPace, 0.08 / 6))

        // Trend on x = 0..5: x̄ = 2.5, Sxx = 6.25+2.25+0.25+0.25+2.25+6.25 = 17.5,
        // Sxy = Σ(x-x̄)y = -1.75 - 1.08 - 0.355 + 0.37 + 1.125 + 1.925 = 0.235, slope = 0.235 / 17.5 = 0.0134286,
        // intercept = 4.39/6 - 2.5 x 0.0134286 = 0.6980952. December is x = 11: 0.6980952 + 11 x 0.0134286 = 0.8458095.
        let f = try #require(e.forecast)
        #expect(close(f.slope, 0.235 / 17.5))
        #expect(close(f.value, 4.39 / 6 - 2.5 * 0.235 / 17.5 + 11 * 0.235 / 17.5))
        #expect(f.period.label == "2026-12")
        // SSE = Syy - b·Sxy = (3.2155 - 4.39²/6) - 0.235²/17.5 = 0.00348333 - 0.00315571 = 0.00032762; s² = SSE / 4.
        // se(11) = s √(1 + 1/6 + 8.5²/17.5) = 0.0090501 x √5.295238 = 0.0208256.
        let s = ((3.2155 - 4.39 * 4.39 / 6 - 0.235 * 0.235 / 17.5) / 4).squareRoot()
        #expect(close(f.standardError, s * (1 + 1.0 / 6 + 72.25 / 17.5).squareRoot(), 1e-12))
        #expect(close(f.standardError, 0.0208256, 1e-6))
        // 80 % interval: ± t(0.90; 4) se = ± 1.5332 x 0.0208256 = ± 0.0319298: 0.8138797 to 0.8777393.
        #expect(close(f.low, 0.8138797, 1e-6))
        #expect(close(f.high, 0.8777393, 1e-6))
        // The forecast 0.8458 misses 0.85 but the interval's top reaches it: at risk.
        #expect(e.status == .atRisk)
        #expect(e.milestones.count == 1)
        #expect(f.path.map(\.period.label) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"])
        #expect(e.history.map(\.value) == [0.70, 0.72, 0.71, 0.74, 0.75, 0.77])
    }

    /// Customer churn (lower is better), 20 % below its baseline by year end with a stage of 10 % below by March.
    /// Monthly Dec 2025..Jun 2026: 0.050 0.049 0.047 0.046 0.045 0.043 0.042.
    let churn = KPISeries(
        grain: .month, first: CivilDate(year: 2025, month: 12, day: 1),
        values: [0.050, 0.049, 0.047, 0.046, 0.045, 0.043, 0.042])
    var stagedChurn: KPITarget {
        KPITarget(
            kpi: .customerChurnRate, amount: .change(-0.20), deadline: CivilDate(year: 2026, month: 12, day: 31),
            start: CivilDate(year: 2026, month: 1, day: 1),
            stages: [TargetStage(amount: .change(-0.10), deadline: CivilDate(year: 2026, month: 3, day: 31))])
    }

    @Test func aLowerIsBetterStagedTargetAfterItsStage() throws {
        let e = TargetEvaluator.evaluate(stagedChurn, series: churn, asOf: Timestamp(year: 2026, month: 7, day: 1))
        #expect(e.direction == .lower)
        // Baseline: December 2025 (it ends on the start, 2026-01-01): 0.050. Target 0.050 x (1 - 0.20) = 0.040; stage
        // 0.050 x 0.90 = 0.045.
        #expect(e.baseline == 0.050)
        #expect(close(e.targetValue, 0.040))
        #expect(close(e.milestones[0].targetValue, 0.045))
        // Progress (lower is better) = -(0.042 - 0.050) / -(0.040 - 0.050) = 0.008 / 0.010 = 0.8.
        #expect(close(e.progress, 0.8))
        // Required pace = (0.040 - 0.042) / 6 months = -0.000333 per month.
        #expect(close(e.requiredPace, -0.002 / 6))
        // The March stage has passed: March's 0.046 is above 0.045, so it was missed.
        #expect(e.milestones[0].passed)
        #expect(e.milestones[0].valueAtDeadline == 0.046)
        #expect(e.milestones[0].status == .offTrack)
        #expect(e.activeMilestone == 1)
        // Trend on Jan..Jun (6 periods): Sxy = -2.5x0.049 - 1.5x0.047 - 0.5x0.046 + 0.5x0.045 + 1.5x0.043 + 2.5x0.042
        // = -0.024, slope = -0.024 / 17.5 = -0.00137143; intercept = 0.272/6 + 2.5 x 0.00137143 = 0.0487619.
        // December is x = 11: 0.0487619 - 11 x 0.00137143 = 0.0336762 <= 0.040: on track.
        let f = try #require(e.forecast)
        #expect(close(f.slope, -0.024 / 17.5))
        #expect(close(f.value, 0.272 / 6 + 2.5 * 0.024 / 17.5 - 11 * 0.024 / 17.5))
        // SSE = (0.012364 - 0.272²/6) - 0.024²/17.5 = 0.0000333333 - 0.0000329143 = 0.000000419048; s = √(SSE/4)
        // = 0.000323669; se(11) = s x 2.301138 = 0.000744807; half-width 1.5332 x se = 0.00114194.
        #expect(close(f.standardError, 0.000744807, 1e-8))
        #expect(close(f.high, 0.0336762 + 0.00114194, 1e-7))
        #expect(e.status == .onTrack)
    }

    @Test func aLowerIsBetterStagedTargetBeforeItsStage() throws {
        // As of 2026-03-01 only Dec, Jan, Feb are whole: 0.050 0.049 0.047, x = 0, 1, 2 from December.
        let e = TargetEvaluator.evaluate(stagedChurn, series: churn, asOf: Timestamp(year: 2026, month: 3, day: 1))
        #expect(e.activeMilestone == 0)
        #expect(!e.milestones[0].passed)
        // x̄ = 1, Sxx = 2, Sxy = -0.050 + 0.047 = -0.003, slope = -0.0015, intercept = 0.146/3 + 0.0015 = 0.0501667.
        // March is x = 3: 0.0501667 - 0.0045 = 0.0456667, above the stage's 0.045: the forecast misses it.
        let stage = e.milestones[0]
        #expect(close(stage.forecast, 0.146 / 3 + 0.0015 - 3 * 0.0015))
        // Residuals -0.0001667, 0.0003333, -0.0001667: SSE = 1.6667e-7, s = √(SSE / 1) = 0.00040825;
        // se(3) = s √(1 + 1/3 + 4/2) = 0.00040825 x 1.825742 = 0.00074536; t(0.90; 1) = 3.0776835: half 0.00229399.
        // Low end 0.0456667 - 0.0022940 = 0.0433727 <= 0.045: the stage is at risk.
        #expect(close(stage.forecastLow, 0.0433727, 1e-6))
        #expect(stage.status == .atRisk)
        // The final target (December 2026, x = 12): 0.0501667 - 12 x 0.0015 = 0.0321667 <= 0.040: on track.
        #expect(close(e.milestones[1].forecast, 0.0321667, 1e-6))
        #expect(e.milestones[1].status == .onTrack)
        // The target is as bad as its worst of the active stage and the final: at risk.
        #expect(e.status == .atRisk)
        // Progress: -(0.047 - 0.050) / -(0.040 - 0.050) = 0.003 / 0.010 = 0.3.
        #expect(close(e.progress, 0.3))
    }

    @Test func achievedMissedOffTrackAndNoData() {
        let rising = KPISeries(grain: .month, first: CivilDate(year: 2026, month: 1, day: 1), values: [10, 12, 14, 16])
        let start = CivilDate(year: 2026, month: 1, day: 15)
        // Current (April) 16 meets 15 before the deadline: achieved. Progress (16 - 10) / (15 - 10) = 1.2.
        let met = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(15), deadline: CivilDate(year: 2026, month: 9, day: 30), start: start),
            series: rising, asOf: Timestamp(year: 2026, month: 5, day: 1))
        #expect(met.status == .achieved)
        #expect(close(met.progress, 1.2))
        // Deadline 2026-02-28 has passed (February ended 2026-03-01): February's 12 missed 13: off track.
        let missed = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(13), deadline: CivilDate(year: 2026, month: 2, day: 28), start: start),
            series: rising, asOf: Timestamp(year: 2026, month: 5, day: 1))
        #expect(missed.status == .offTrack)
        #expect(missed.milestones[0].valueAtDeadline == 12)
        // A perfect line (s = 0, so the interval has no width): 10 + 2x reaches 20 at x = 5 (June) but not 30: off track.
        let far = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(30), deadline: CivilDate(year: 2026, month: 6, day: 30), start: start),
            series: rising, asOf: Timestamp(year: 2026, month: 5, day: 1))
        #expect(far.forecast?.value == 20)
        #expect(far.forecast?.standardError == 0)
        #expect(far.status == .offTrack)
        // ... and reaches exactly 20: on track.
        let exact = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(20), deadline: CivilDate(year: 2026, month: 6, day: 30), start: start),
            series: rising, asOf: Timestamp(year: 2026, month: 5, day: 1))
        #expect(exact.status == .onTrack)
        // Two whole months are too few for a trend: no data, unless already achieved.
        let short = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(20), deadline: CivilDate(year: 2026, month: 6, day: 30), start: start),
            series: rising, asOf: Timestamp(year: 2026, month: 3, day: 1))
        #expect(short.status == .noData)
        #expect(short.forecast == nil)
        // No series at all (say, a bad segment): no data, with the problem as the reason.
        let none = TargetEvaluator.evaluate(
            KPITarget(kpi: .activeAccounts, amount: .value(20), deadline: CivilDate(year: 2026, month: 6, day: 30), start: start),
            series: nil, problem: "segment 'x': unknown", asOf: Timestamp(year: 2026, month: 5, day: 1))
        #expect(none.status == .noData)
        #expect(none.reason == "segment 'x': unknown")
    }

    @Test func anOverriddenDirectionAndMissingValuesAreHandled() {
        // Tickets per account is lower-is-better; overridden to higher. Values with a gap (null in March):
        // Jan 1, Feb 2, Mar -, Apr 4, May 5 -> points at x = 0, 1, 3, 4 on a perfect line 1 + x.
        let series = KPISeries(grain: .month, first: CivilDate(year: 2026, month: 1, day: 1), values: [1, 2, nil, 4, 5])
        let target = KPITarget(
            kpi: .ticketsPerAccount, amount: .value(8), deadline: CivilDate(year: 2026, month: 8, day: 31),
            start: CivilDate(year: 2026, month: 1, day: 1), direction: .higher)
        let e = TargetEvaluator.evaluate(target, series: series, asOf: Timestamp(year: 2026, month: 6, day: 1))
        #expect(KPI.ticketsPerAccount.betterDirection == .lower)
        #expect(e.direction == .higher)
        // August is x = 7: 1 + 7 = 8, meeting 8: on track. Baseline: the first value (no period ends by the start).
        #expect(close(e.forecast?.value, 8))
        #expect(e.status == .onTrack)
        #expect(e.baseline == 1)
        // Required pace (8 - 5) / 3 months = 1.
        #expect(close(e.requiredPace, 1))
    }

    @Test func statusesRollUpToTheWorstAndAllAchievedIsAchieved() {
        #expect(GoalEvaluator.rollUp([.achieved, .achieved]) == .achieved)
        #expect(GoalEvaluator.rollUp([.achieved, .onTrack]) == .onTrack)
        #expect(GoalEvaluator.rollUp([.onTrack, .atRisk, .achieved]) == .atRisk)
        #expect(GoalEvaluator.rollUp([.atRisk, .offTrack, .noData]) == .offTrack)
        #expect(GoalEvaluator.rollUp([.noData, .achieved]) == .achieved)
        #expect(GoalEvaluator.rollUp([.noData]) == .noData)
        #expect(GoalEvaluator.rollUp([]) == .noData)
    }

    @Test func aGoalTreeRollsUpFromItsTargets() {
        let start = CivilDate(year: 2026, month: 1, day: 1)
        let deadline = CivilDate(year: 2026, month: 12, day: 31)
        let goal = GoalDefinition(
            key: "g", name: "Grow", deadline: deadline,
            target: KPITarget(id: 1, kpi: .nrr, amount: .value(1.1), deadline: deadline, start: start),
            factors: [
                SuccessFactor(name: "Onboarding", targets: [
                    KPITarget(id: 2, kpi: .onboardingCompletionRate, amount: .value(0.5), deadline: deadline, start: start)
                ]),
                SuccessFactor(name: "Retention", targets: [
                    KPITarget(id: 3, kpi: .customerChurnRate, amount: .value(0.01), deadline: deadline, start: start)
                ]),
            ])
        let first = CivilDate(year: 2026, month: 1, day: 1)
        let values: [KPI: [Double?]] = [
            .nrr: [1.00, 1.02, 1.04, 1.06, 1.08, 1.10],  // reaches 1.10 in June: achieved
            .onboardingCompletionRate: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45],  // 0.45 + 6 x 0.05 = 0.75 >= 0.5 by Dec: on track
            .customerChurnRate: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05],  // flat at 0.05, no error: off track for 0.01
        ]
        let evaluation = GoalEvaluator.evaluate(
            goal, id: 7,
            series: { target in (KPISeries(grain: .month, first: first, values: values[target.kpi] ?? []), nil) },
            asOf: Timestamp(year: 2026, month: 7, day: 1))
        #expect(evaluation.target?.status == .achieved)
        #expect(evaluation.factors.map(\.status) == [.onTrack, .offTrack])
        #expect(evaluation.status == .offTrack)
        #expect(evaluation.counts == [.achieved: 1, .onTrack: 1, .offTrack: 1])
    }

    @Test func reviewsFallDueOneCadenceAfterTheLastReviewOrTheStart() {
        let start = CivilDate(year: 2026, month: 1, day: 31)
        // Never reviewed, monthly from 2026-01-31: due 2026-02-28 (the month is clamped).
        let never = ReviewState(cadence: .monthly, start: start, last: nil, asOf: Timestamp(year: 2026, month: 2, day: 27))
        #expect(never.nextDue == CivilDate(year: 2026, month: 2, day: 28))
        #expect(!never.isDue)
        #expect(ReviewState(cadence: .monthly, start: start, last: nil, asOf: Timestamp(year: 2026, month: 2, day: 28)).isDue)
        // Reviewed on 2026-03-10 at noon, quarterly: next due 2026-06-10.
        let review = TargetReview(reviewedAt: Timestamp(year: 2026, month: 3, day: 10).adding(seconds: 43_200), reviewer: "ana", note: "ok")
        let state = ReviewState(cadence: .quarterly, start: start, last: review, asOf: Timestamp(year: 2026, month: 6, day: 9))
        #expect(state.nextDue == CivilDate(year: 2026, month: 6, day: 10))
        #expect(!state.isDue)
        #expect(ReviewCadence.weekly.next(after: start) == CivilDate(year: 2026, month: 2, day: 7))
        #expect(ReviewCadence.yearly.next(after: start) == CivilDate(year: 2027, month: 1, day: 31))
    }

    @Test func targetsThatTurnAtRiskOrOffTrackRaiseEvents() {
        let deadline = CivilDate(year: 2026, month: 12, day: 31)
        let start = CivilDate(year: 2026, month: 1, day: 1)
        let goal = GoalDefinition(
            key: "g", name: "Grow", deadline: deadline,
            factors: [SuccessFactor(name: "F", targets: [
                KPITarget(id: 1, kpi: .activeAccounts, amount: .value(100), deadline: deadline, start: start),
                KPITarget(id: 2, kpi: .activeUsers, amount: .value(100), deadline: deadline, start: start),
                KPITarget(id: 3, kpi: .referrals, amount: .value(100), deadline: deadline, start: start),
            ])])
        // Flat at 10: every target is off track.
        let evaluation = GoalEvaluator.evaluate(
            goal, series: { _ in (KPISeries(grain: .month, first: start, values: [10, 10, 10]), nil) },
            asOf: Timestamp(year: 2026, month: 4, day: 1))
        #expect(evaluation.allTargets.allSatisfy { $0.status == .offTrack })
        // Target 1 was on track (fires), 2 was already off track (does not), 3 is new (does not).
        let events = TargetStatusEvents.events(
            previous: ["target:1": .onTrack, "target:2": .offTrack], current: [evaluation])
        #expect(events.map(\.identity) == ["target:1"])
        #expect(events.first?.name == "Target turned off track: Active accounts 100 by 2026-12-31")
        #expect(events.first?.previous == .onTrack)
        #expect(TargetStatusEvents.snapshot([evaluation]) == ["target:1": .offTrack, "target:2": .offTrack, "target:3": .offTrack])
    }

    @Test func theTQuantilesMatchThePublishedTable() {
        // t(0.90; 1) = tan(0.4π) = 3.0777, t(0.90; 2) = 0.8 / √0.18 = 1.8856, t(0.90; 10) = 1.3722 (table),
        // t(0.90; 60) = 1.2958 and t(0.90; 120) = 1.2886 (table; the expansion beyond 30).
        #expect(close(LinearTrend.t90(degreesOfFreedom: 1), 3.0777, 1e-4))
        #expect(close(LinearTrend.t90(degreesOfFreedom: 2), 1.8856, 1e-4))
        #expect(close(LinearTrend.t90(degreesOfFreedom: 10), 1.3722, 1e-4))
        #expect(close(LinearTrend.t90(degreesOfFreedom: 60), 1.2958, 1e-4))
        #expect(close(LinearTrend.t90(degreesOfFreedom: 120), 1.2886, 1e-4))
        #expect(LinearTrend(x: [1, 2], y: [1, 2]) == nil)
        #expect(LinearTrend(x: [1, 1, 1], y: [1, 2, 3]) == nil)
    }
}

extension GoalEvaluationTests {
    @Test func forecastsStayInsideTheKPIsPossibleValues() throws {
        // Churn falling 0.01 a month from 0.03 (a perfect line): x = 0, 1, 2 for Jan..Mar; June is x = 5: 0.03 - 0.05
        // = -0.02, clamped to 0, which meets a 0.005 ceiling: on track.
        let series = KPISeries(grain: .month, first: CivilDate(year: 2026, month: 1, day: 1), values: [0.03, 0.02, 0.01])
        let target = KPITarget(
            kpi: .customerChurnRate, amount: .value(0.005), deadline: CivilDate(year: 2026, month: 6, day: 30),
            start: CivilDate(year: 2026, month: 1, day: 1))
        let e = TargetEvaluator.evaluate(target, series: series, asOf: Timestamp(year: 2026, month: 4, day: 1))
        let f = try #require(e.forecast)
        #expect(f.value == 0)
        #expect(f.low == 0 && f.high == 0)
        // April (x = 3) is 0.03 - 0.03 = 0 (up to rounding), May and June are below 0: clamped.
        #expect(f.path.count == 3 && f.path.allSatisfy { $0.value >= 0 && $0.value < 1e-12 })
        #expect(e.status == .onTrack)
        #expect(KPI.nps.possibleRange == -100...100)
        #expect(KPI.netNewMRR.possibleRange == nil)
    }
}

extension GoalEvaluationTests {
    @Test func changesAreDescribedOneLineEach() {
        let start = CivilDate(year: 2026, month: 1, day: 1)
        let end = CivilDate(year: 2026, month: 12, day: 31)
        let old = GoalDefinition(
            key: "g", name: "Grow", deadline: end,
            factors: [
                SuccessFactor(name: "Onboarding", targets: [
                    KPITarget(id: 4, kpi: .onboardingCompletionRate, amount: .value(0.6), deadline: end, start: start)
                ]),
                SuccessFactor(name: "Support", targets: []),
            ])
        var new = old
        new.owner = "ana"
        new.factors[0].name = "Fast onboarding"
        new.factors[0].targets[0].amount = .value(0.65)
        new.factors[0].targets[0].stages = [TargetStage(amount: .value(0.62), deadline: CivilDate(year: 2026, month: 6, day: 30))]
        new.factors.remove(at: 1)
        #expect(new.changes(from: old) == [
            "owner: none -> 'ana'",
            "ksf 'Support' removed",
            "ksf 'Onboarding' renamed 'Fast onboarding'",
            "ksf 'Fast onboarding': target onboarding_completion_rate: amount 60.0 % -> 65.0 %",
            "ksf 'Fast onboarding': target onboarding_completion_rate: stages none -> 62.0 % by 2026-06-30",
        ])
        #expect(old.changes(from: old).isEmpty)
        #expect(GoalFormat.amount(.change(-0.15), unit: .rate) == "-15 %")
        #expect(GoalFormat.amount(.change(0.125), unit: .money) == "+12.5 %")
        #expect(GoalFormat.value(1234.5, unit: .money) == "1234.50")
        #expect(GoalFormat.pace(-0.0123, unit: .rate) == "-1.23 pp")
    }
}

extension GoalEvaluationTests {
    @Test func relativeTargetsOfNegativeBaselinesStillPointTheRightWay() {
        // NPS -20 in January, +50 %: -20 + 0.5 x |-20| = -10 (not -20 x 1.5 = -30). Churn 0.05, -10 %: 0.045.
        #expect(TargetAmount.change(0.5).resolved(baseline: -20) == -10)
        #expect(TargetAmount.change(-0.1).resolved(baseline: 0.05) == 0.05 - 0.1 * 0.05)
        #expect(TargetAmount.change(0.5).resolved(baseline: nil) == nil)
        #expect(TargetAmount.value(3).resolved(baseline: nil) == 3)
        // NPS -20, -18, -16 (Jan..Mar), a perfect line +2 a month; June is x = 5: -10, meeting -10: on track.
        // Progress: (-16 - -20) / (-10 - -20) = 4 / 10 = 0.4.
        let e = TargetEvaluator.evaluate(
            KPITarget(kpi: .nps, amount: .change(0.5), deadline: CivilDate(year: 2026, month: 6, day: 30), start: CivilDate(year: 2026, month: 1, day: 1)),
            series: KPISeries(grain: .month, first: CivilDate(year: 2026, month: 1, day: 1), values: [-20, -18, -16]),
            asOf: Timestamp(year: 2026, month: 4, day: 1))
        #expect(e.targetValue == -10)
        #expect(close(e.progress, 0.4))
        #expect(e.status == .onTrack)
    }
}
