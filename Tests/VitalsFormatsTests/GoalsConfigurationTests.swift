import Foundation
import Testing
import VitalsCore
import VitalsGenerator

@testable import VitalsFormats

/// Goals in configuration (TOML) and API bodies (JSON): one reader, every problem listed with path, key and reason.
@Suite struct GoalsConfigurationTests {
    let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples").path

    @Test func theExampleFileIsTheDemoTree() throws {
        let goals = try GoalsConfiguration.load(file: examples + "/goals.toml")
        #expect(goals == DemoGoals.tree(dataEnd: CivilDate(year: 2026, month: 11, day: 1)))
        #expect(goals.count == 2)
        let churn = goals[1].factors[0].targets[0]
        #expect(churn.amount == .change(-0.10))
        #expect(churn.stages == [TargetStage(amount: .change(-0.05), deadline: CivilDate(year: 2026, month: 9, day: 30))])
        #expect(churn.start == CivilDate(year: 2026, month: 7, day: 1))
        #expect(goals[0].target?.deadline == CivilDate(year: 2027, month: 6, day: 30))
    }

    @Test func theReportSettingsLoaderAcceptsAGoalsSection() throws {
        let path = NSTemporaryDirectory() + "vitals-goals-\(UUID().uuidString).toml"
        try """
            [report]
            currency = "EUR"

            [[goals]]
            key = "g"
            name = "G"
            deadline = 2026-12-31
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try ConfigurationLoader.load(configFile: path, environment: [:], flags: .init())
        #expect(settings.reportingCurrency == CurrencyCode("EUR"))
        #expect(try GoalsConfiguration.load(file: path).map(\.key) == ["g"])
    }

    @Test func everyProblemIsListedWithItsPathKeyAndReason() {
        let text = """
            [[goals]]
            key = "Bad Key"
            name = "Churn"
            deadline = 2026-12-31
            colour = "red"

            [[goals.ksf]]
            name = "Retention"

            [[goals.ksf.targets]]
            kpi = "churn"
            value = 0.02
            start = 2026-01-01

            [[goals.ksf.targets]]
            kpi = "customer_churn_rate"
            value = 0.02
            change = -0.1
            start = 2026-01-01

            [[goals.ksf.targets]]
            kpi = "customer_churn_rate"
            value = "two"
            deadline = "2026-13"
            review = "daily"

            [[goals.ksf.targets]]
            kpi = "feature_adoption"
            value = 0.5
            start = 2026-01-01
            deadline = 2026-06-30
            [[goals.ksf.targets.stages]]
            deadline = 2026-07-31
            change = -1.5

            [[goals]]
            key = "g2"
            name = "Second"
            deadline = 2026-06-30
            """
        do {
            _ = try GoalsConfiguration.parse(text, source: "vitals.toml")
            Issue.record("the file should have been refused")
        } catch {
            // The reader's problems first (types, keys); goals without them are then checked as definitions.
            #expect(error.problems == [
                "vitals.toml: goals[0].colour: unknown key (known: key, name, description, owner, start, deadline, target, ksf)",
                "vitals.toml: goals[0].ksf[0].targets[0].kpi: 'churn' is not a KPI id (docs/metrics.md lists them, e.g. nrr, customer_churn_rate)",
                "vitals.toml: goals[0].ksf[0].targets[0].deadline: is required",
                "vitals.toml: goals[0].ksf[0].targets[1].change: give value or change, not both",
                "vitals.toml: goals[0].ksf[0].targets[1].deadline: is required",
                "vitals.toml: goals[0].ksf[0].targets[2].value: must be a number, not a string",
                "vitals.toml: goals[0].ksf[0].targets[2].deadline: '2026-13' is not a period bound (use 2024, 2024-Q1, 2024-03 or 2024-03-15)",
                "vitals.toml: goals[0].ksf[0].targets[2].start: is required (the baseline date), here or in the goal",
                "vitals.toml: goals[0].ksf[0].targets[2].review: 'daily' is not one of weekly, monthly, quarterly, yearly",
            ])
        }
        // A goal that reads cleanly is then checked as a definition: key syntax, KPIs without one number, stages.
        let semantic = """
            [[goals]]
            key = "Bad Key"
            name = "Churn"
            start = 2026-01-01
            deadline = 2026-12-31

            [[goals.ksf]]
            name = "Adoption"

            [[goals.ksf.targets]]
            kpi = "feature_adoption"
            value = 0.5
            deadline = 2026-06-30
            [[goals.ksf.targets.stages]]
            deadline = 2026-07-31
            change = -1.5
            """
        #expect(throws: ConfigurationError.self) { try GoalsConfiguration.parse(semantic, source: "g.toml") }
        do {
            _ = try GoalsConfiguration.parse(semantic, source: "g.toml")
        } catch {
            #expect(error.problems == [
                "g.toml: goals[0].key: 'Bad Key' must be 1 to 64 characters of a-z, 0-9, '-', '_' or '.'",
                "g.toml: goals[0].ksf[0].targets[0].kpi: feature_adoption has one value per feature, not one number: it cannot have a target",
                "g.toml: goals[0].ksf[0].targets[0].stages[0].change: must be a fraction above -1 (-0.10 = 10 % less than the baseline)",
                "g.toml: goals[0].ksf[0].targets[0].stages[0].deadline: 2026-07-31 must be before the target's deadline 2026-06-30",
            ])
        }
    }

    @Test func duplicateKeysAndMalformedTOMLAreRefused() throws {
        let duplicate = """
            [[goals]]
            key = "g"
            name = "A"
            deadline = 2026-12-31
            [[goals]]
            key = "g"
            name = "B"
            deadline = 2026-12-31
            """
        #expect(throws: ConfigurationError.self) { try GoalsConfiguration.parse(duplicate, source: "f") }
        do { _ = try GoalsConfiguration.parse(duplicate, source: "f") } catch {
            #expect(error.problems == ["f: goals[1].key: 'g' is used by an earlier goal"])
        }
        do { _ = try GoalsConfiguration.parse("[[goals]\n", source: "f") } catch {
            #expect(error.problems.count == 1 && error.problems[0].hasPrefix("f: line 1:"))
        }
        #expect(try GoalsConfiguration.parse("[report]\ncurrency = \"USD\"\n", source: "f").isEmpty)
    }

    @Test func jsonBodiesReadPeriodsNullsAndIDs() throws {
        let body = """
            {"key": "nrr", "name": "NRR", "start": "2026-Q1", "deadline": "2026-Q4", "description": null,
             "target": {"kpi": "nrr", "value": 1.1, "id": 12},
             "ksf": [{"name": "Expand", "targets": [{"kpi": "expansion_rate", "change": 0.2, "deadline": "2026-06",
                      "grain": "quarter", "direction": "higher", "review": "quarterly", "trend_periods": 4,
                      "baseline": 0.05, "segment": "", "label": "Expansion +20 %"}]}]}
            """
        let input = try GoalInput(json: Data(body.utf8))
        let (goal, problems) = GoalReader(allowsIDs: true).goal(input, at: "")
        #expect(problems.isEmpty)
        let g = try #require(goal)
        // A start takes a period's first day, a deadline its last; the goal's target takes the goal's deadline.
        #expect(g.start == CivilDate(year: 2026, month: 1, day: 1))
        #expect(g.deadline == CivilDate(year: 2026, month: 12, day: 31))
        #expect(g.description == nil)
        #expect(g.target == KPITarget(
            id: 12, kpi: .nrr, amount: .value(1.1), deadline: CivilDate(year: 2026, month: 12, day: 31),
            start: CivilDate(year: 2026, month: 1, day: 1)))
        #expect(g.factors[0].targets[0] == KPITarget(
            label: "Expansion +20 %", kpi: .expansionRate, amount: .change(0.2), deadline: CivilDate(year: 2026, month: 6, day: 30),
            start: CivilDate(year: 2026, month: 1, day: 1), baseline: 0.05, segment: nil, grain: .quarter, direction: .higher,
            review: .quarterly, trendPeriods: 4))
        // The written definition reads back as the same goal.
        let again = GoalReader(allowsIDs: true).goal(try GoalInput(json: Data(GoalJSON.definition(g).utf8)), at: "")
        #expect(again.goal == g)
        // Configuration files may not carry ids.
        let (_, refused) = GoalReader().goal(input, at: "goals[0]")
        #expect(refused.map(\.description) == ["goals[0].target.id: unknown key (known: label, kpi, value, change, deadline, start, baseline, segment, grain, direction, review, trend_periods, stages)"])
        #expect(throws: GoalInputError.self) { try GoalInput(json: Data("{".utf8)) }
    }
}
