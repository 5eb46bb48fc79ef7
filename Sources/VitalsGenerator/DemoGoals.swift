import VitalsCore

/// The goal tree that ships with the generated demo company: a fiscal year that started four months before the data
/// ends and runs eight months past it, so the demo shows goals mid-flight. Scale-dependent targets (revenue, active
/// accounts) are relative to their baselines, so the tree suits any size of generated company; rates are absolute.
///
/// On the generated demo (`vitals generate` defaults, `Examples/demo`) some targets are achieved or on track, others
/// at risk or off track; `Examples/goals.toml` is the same tree written as configuration for data ending 2026-11-01.
public enum DemoGoals {
    /// The goals for a dataset whose records end (exclusive) on `dataEnd` (`GeneratorOptions.endDate`).
    public static func tree(dataEnd: CivilDate) -> [GoalDefinition] {
        let start = Grain.month.start(containing: dataEnd).adding(months: -4)
        let end = start.adding(months: 12).adding(days: -1)
        let firstQuarterEnd = start.adding(months: 3).adding(days: -1)
        let halfYear = start.adding(months: 6).adding(days: -1)
        func target(
            _ kpi: KPI, _ amount: TargetAmount, by deadline: CivilDate, review: ReviewCadence = .monthly,
            segment: String? = nil, stages: [TargetStage] = []
        ) -> KPITarget {
            KPITarget(kpi: kpi, amount: amount, deadline: deadline, start: start, segment: segment, stages: stages, review: review)
        }
        return [
            GoalDefinition(
                key: "revenue-growth", name: "Grow recurring revenue by half this fiscal year",
                description: "New logos and expansion together lift MRR 50 % over its level when the year started.",
                owner: "CEO", start: start, deadline: end,
                target: target(.mrr, .change(0.50), by: end, review: .quarterly),
                factors: [
                    SuccessFactor(
                        name: "Customers reach value in onboarding",
                        description: "Accounts that finish onboarding quickly adopt, renew and expand.",
                        targets: [
                            target(.onboardingCompletionRate, .value(0.60), by: halfYear),
                            target(.medianDaysToOnboard, .value(28), by: end),
                        ]),
                    SuccessFactor(
                        name: "Customers grow with us",
                        description: "Expansion from existing customers outruns contraction and churn.",
                        targets: [
                            target(.nrr, .value(1.15), by: end, review: .quarterly),
                            target(.activeAccounts, .change(0.40), by: end),
                        ]),
                ]),
            GoalDefinition(
                key: "retention", name: "Keep the customers we win",
                description: "Cut churn in two steps while support and satisfaction improve.",
                owner: "VP Customer Success", start: start, deadline: end,
                target: target(.grr, .value(0.975), by: end, review: .quarterly),
                factors: [
                    SuccessFactor(
                        name: "Fewer customers leave",
                        targets: [
                            target(
                                .customerChurnRate, .change(-0.10), by: end,
                                stages: [TargetStage(amount: .change(-0.05), deadline: firstQuarterEnd)]),
                            target(.customerChurnRate, .value(0.02), by: end, segment: "industry in (Retail, Media)"),
                        ]),
                    SuccessFactor(
                        name: "Support resolves issues at first contact",
                        targets: [
                            target(.fcrRate, .value(0.45), by: end),
                            target(.medianResolutionHours, .value(16), by: end, review: .weekly),
                        ]),
                    SuccessFactor(
                        name: "Customers would recommend us",
                        targets: [target(.nps, .value(0), by: end, review: .quarterly)]),
                ]),
        ]
    }

    /// Review notes for the demo tree, dated before `dataEnd`: some targets reviewed lately (not due), others long
    /// ago or never (due), so the review list has both.
    public static func reviews(dataEnd: CivilDate) -> [TargetReviewSeed] {
        func at(_ daysBefore: Int, hour: Int = 10) -> Timestamp {
            Timestamp(dataEnd.adding(days: -daysBefore)).adding(seconds: Int64(hour) * 3600)
        }
        func seed(_ goal: String, _ kpi: KPI, segment: String? = nil, _ days: Int, _ who: String, _ note: String) -> TargetReviewSeed {
            TargetReviewSeed(goalKey: goal, kpi: kpi, segment: segment, review: TargetReview(reviewedAt: at(days), reviewer: who, note: note))
        }
        return [
            seed("revenue-growth", .mrr, 95, "Maya (CEO)", "Quarter one of the plan: new logos ahead, expansion behind. Keep the target."),
            seed("revenue-growth", .mrr, 5, "Maya (CEO)", "Growth is steady; the board asked for a mid-year check on expansion."),
            seed("revenue-growth", .onboardingCompletionRate, 12, "Priya (Onboarding)", "New kickoff template live; completion up two months running."),
            seed("revenue-growth", .nrr, 70, "Luis (Account management)", "Expansion playbook rolled out to the top 50 accounts."),
            seed("retention", .customerChurnRate, 40, "Ana (VP CS)", "Missed the first step: two large Retail accounts left after a price change."),
            seed("retention", .customerChurnRate, 9, "Ana (VP CS)", "Save desk staffed; churn interviews for every cancellation."),
            seed("retention", .fcrRate, 20, "Tom (Support)", "Knowledge base refresh started; FCR flat so far, at risk."),
            seed("retention", .nps, 30, "Ana (VP CS)", "Detractors cite slow support; tied to the FCR work."),
        ]
    }
}
