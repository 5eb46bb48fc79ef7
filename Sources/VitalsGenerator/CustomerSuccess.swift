import VitalsCore

/// Writes the customer-success records of new customers: onboarding milestones (healthy accounts finish them sooner;
/// some stall, overdue and incomplete) and success goals (healthy accounts achieve more of them).
struct CustomerSuccess {
    let window: Window
    private var goalIDs = SequentialID("goal_", width: 6)
    private var chosen: [Int] = []

    init(window: Window) { self.window = window }

    /// Writes the account's onboarding (when it is new) and goals. An account that leaves within its first eight
    /// months mostly showed it early: its onboarding goes as for a health 0.6 lower.
    mutating func generate(
        _ plan: AccountPlan, life: AccountLife, rng: inout SeededRandom, dataset: inout Dataset
    ) {
        guard let paid = life.firstPaidDay else { return }
        if !plan.preexisting {
            let leavesEarly = life.spans.first.map { $0.to < window.endSeconds && Int($0.to / 86_400) - paid < 240 } ?? false
            onboarding(start: paid, health: plan.health - (leavesEarly ? 0.6 : 0), life: life, rng: &rng,
                       into: &dataset.onboarding)
        }
        goals(start: paid, health: plan.health, life: life, rng: &rng, into: &dataset.successGoals)
    }

    private func onboarding(
        start: Int, health: Double, life: AccountLife, rng: inout SeededRandom, into milestones: inout [OnboardingMilestone]
    ) {
        var cursor = start
        var stalled = false
        for milestone in Catalog.milestones {
            let due = start + milestone.dueDays
            guard due < window.endDay else { break }
            var started: Int?
            var completed: Int?
            if !stalled {
                let begin = cursor + rng.int(4)
                if begin < window.endDay { started = begin }
                let odds = milestone.required ? 0.55 + 0.45 * health : 0.3 + 0.5 * health
                let work = Double(milestone.workDays) * (0.5 + rng.unit() + 1.5 * (1 - health) * rng.unit())
                let finish = begin + Int(work)
                if started != nil, rng.chance(odds), finish < window.endDay {
                    completed = finish
                    cursor = finish
                } else if milestone.required {
                    stalled = true
                }
            }
            milestones.append(
                OnboardingMilestone(
                    account: life.index, milestone: milestone.name, required: milestone.required,
                    startedAt: started.map(Window.timestamp(day:)), dueAt: Window.timestamp(day: due),
                    completedAt: completed.map(Window.timestamp(day:))))
        }
    }

    private mutating func goals(
        start: Int, health: Double, life: AccountLife, rng: inout SeededRandom, into goals: inout [SuccessGoal]
    ) {
        guard rng.chance(0.6) else { return }
        chosen.removeAll(keepingCapacity: true)
        for _ in 0..<(1 + rng.int(3)) {
            let name = rng.int(Catalog.goals.count)
            if !chosen.contains(name) { chosen.append(name) }
        }
        for name in chosen {
            let created = start + rng.int(60)
            let target = created + rng.int(in: 60...270)
            guard target < window.endDay else { continue }
            var achieved: Timestamp?
            if rng.chance(0.15 + 0.7 * health) {
                let day = max(created + 14, target + rng.int(in: -60...30))
                if day < window.endDay { achieved = Window.timestamp(day: day) }
            }
            goals.append(
                SuccessGoal(id: SuccessGoalID(goalIDs.next()), account: life.index, name: Catalog.goals[name],
                            targetDate: Window.timestamp(day: target), achievedAt: achieved))
        }
    }
}
