import Foundation
import Testing
import VitalsCore
import VitalsFormats

@testable import VitalsServer

/// The goal form reads and writes the API's definition in each KPI's unit (docs/goals.md, the goal form).
@Suite struct GoalFormTests {
    /// A goal whose own target cuts customer churn by 10 % (change -0.1) from a baseline of 4 % (0.04), with one stage,
    /// and whose KSF targets 12,000.50 of new MRR (money, major units) and a median of 28 days to onboard.
    static let definition = """
        {"key": "g", "name": "Keep", "deadline": "2026-12-31",
         "target": {"id": 7, "kpi": "customer_churn_rate", "change": -0.1, "baseline": 0.04, "start": "2026-01-01",
                    "deadline": "2026-12-31", "review": "quarterly", "stages": [{"deadline": "2026-06-30", "change": -0.05}]},
         "ksf": [{"name": "Grow", "targets": [
            {"kpi": "new_mrr", "value": 12000.5, "start": "2026-01-01", "deadline": "2026-12-31"},
            {"kpi": "median_days_to_onboard", "value": 28, "start": "2026-01-01", "deadline": "2026-12-31", "direction": "lower"}]}]}
        """

    @Test func theFormShowsValuesInTheirUnitAndGivesBackTheSameDefinition() throws {
        let input = try GoalInput(json: Data(Self.definition.utf8))
        let form = GoalForm(definition: input)
        // -0.1 is typed as -10 (%), the 0.04 baseline of a rate as 4 (%), money and days as they are.
        #expect(form.target["mode"] == "change" && form.target["value"] == "-10" && form.target["baseline"] == "4")
        #expect(form.target["id"] == "7")
        #expect(form.factors[0].targets.map { $0["value"] } == ["12000.5", "28"])
        #expect(form.factors[0].targets[1]["direction"] == "lower")
        #expect(GoalFormView.unit(.medianDaysToOnboard, currency: CurrencyCode("USD")!) == "days")
        let (back, typed) = form.input()
        #expect(typed.isEmpty)
        let (goal, problems) = GoalReader(allowsIDs: true).goal(back, at: "")
        #expect(problems.isEmpty)
        let original = GoalReader(allowsIDs: true).goal(input, at: "").goal
        #expect(goal == original)  // stages, ids, baseline and direction survive the form
    }

    @Test func typedNumbersAcceptSeparatorsAndRefuseText() {
        var form = GoalForm()
        form.fields = ["key": "g", "name": "G", "deadline": "2026-12-31"]
        var money = GoalForm.Target()
        money.fields = ["kpi": "mrr", "mode": "value", "value": "$12,000.50", "deadline": "2026-12-31"]
        var rate = GoalForm.Target()
        rate.fields = ["kpi": "nrr", "mode": "value", "value": "110 %", "baseline": "abc", "deadline": "2026-12-31"]
        form.factors = [GoalForm.Factor(name: "F", targets: [money, rate])]
        let (input, typed) = form.input()
        #expect(typed == ["ksf[0].targets[1].baseline": "'abc' is not a number"])
        guard case .array(let factors)? = input["ksf"], case .array(let targets)? = factors[0]["targets"] else {
            Issue.record("no targets")
            return
        }
        // $12,000.50 -> 12000.5 (USD, major units); 110 % of a rate -> 1.1.
        #expect(targets[0]["value"] == .double(12000.5))
        #expect(targets[1]["value"] == .double(1.1))
    }

    @Test func rowsAreAddedAndRemovedWithinBounds() {
        var form = GoalForm()
        #expect(form.apply("add-ksf") && form.factors.count == 1 && form.factors[0].targets.count == 1)
        #expect(form.apply("add-target:0") && form.factors[0].targets.count == 2)
        #expect(form.apply("remove-target:0:1") && form.factors[0].targets.count == 1)
        #expect(!form.apply("remove-target:3:0") && !form.apply("add-target:x") && !form.apply("save"))
        #expect(form.apply("remove-ksf:0") && form.factors.isEmpty)
        // A post never makes more than 50 KSFs.
        let many = Dictionary(uniqueKeysWithValues: (0..<80).map { ("ksf[\($0)].name", "F\($0)") })
        #expect(GoalForm(form: many).factors.count == GoalForm.maxRows)
    }
}
