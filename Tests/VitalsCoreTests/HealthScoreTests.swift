import Testing
import VitalsCore

/// Scores worked out by hand from the default curves and weights (docs/health.md).
@Suite struct HealthScoreTests {
    /// Each component's value reads with its unit (docs/health.md's "value" column), one decimal at most.
    @Test func componentValuesReadWithTheirUnits() {
        #expect(HealthComponent.usageTrend.reading(5.3) == "+5.3 %")
        #expect(HealthComponent.usageTrend.reading(-62.54) == "-62.5 %")
        #expect(HealthComponent.featureAdoption.reading(100) == "100 % of key features")
        #expect(HealthComponent.nps.reading(-20) == "-20")
        #expect(HealthComponent.csat.reading(80) == "80 % satisfied")
        #expect(HealthComponent.supportLoad.reading(1) == "1 ticket" && HealthComponent.supportLoad.reading(0) == "0 tickets")
        #expect(HealthComponent.fcr.reading(66.67) == "66.7 %")
        #expect(HealthComponent.onboarding.reading(12) == "12 days overdue")
        #expect(HealthComponent.billing.reading(0) == "0 days past due")
        #expect(HealthComponent.csmPulse.reading(3) == "3/5")
    }

    @Test func curvesInterpolateBetweenThresholdsAndAreFlatBeyond() {
        let curve = ScoreCurve([(0, 100), (2, 70), (5, 30)])
        #expect(curve.score(-1) == 100)
        #expect(curve.score(0) == 100)
        // Halfway from 0 to 2 tickets: halfway from 100 to 70.
        #expect(curve.score(1) == 85)
        // 4 tickets: 70 + (4 - 2) x (30 - 70) / (5 - 2) = 70 - 26.667 = 43.333.
        #expect(abs(curve.score(4) - 43.3333333) < 1e-6)
        #expect(curve.score(9) == 30)
        #expect(ScoreCurve.problem(with: []) != nil)
        #expect(ScoreCurve.problem(with: [(1, 50), (1, 60)]) != nil)
        #expect(ScoreCurve.problem(with: [(1, 150)]) != nil)
    }

    @Test func theScoreIsTheWeightedMeanOfTheComponentScores() throws {
        var v = ComponentValues()
        v[.usageTrend] = -25  // (-50, 0) .. (0, 70): 35, weight 20 -> 700
        v[.featureAdoption] = 30  // (0, 0) .. (60, 100): 50, weight 15 -> 750
        v[.nps] = 20  // (0, 50) .. (50, 100): 70, weight 10 -> 700
        v[.csat] = 65  // (50, 40) .. (80, 80): 40 + 15 x 40 / 30 = 60, weight 5 -> 300
        v[.supportLoad] = 1  // (0, 100) .. (2, 70): 85, weight 5 -> 425
        v[.fcr] = 80  // (70, 70) .. (90, 100): 85, weight 5 -> 425
        v[.onboarding] = 7  // (0, 100) .. (14, 40): 70, weight 10 -> 700
        v[.billing] = 0  // 100, weight 15 -> 1500
        v[.csmPulse] = 3  // (1, 0) .. (5, 100): 50, weight 15 -> 750
        // (700 + 750 + 700 + 300 + 425 + 425 + 700 + 1500 + 750) / 100 = 6250 / 100 = 62.5
        let s = try #require(HealthModel().score(v))
        #expect(abs(s.score - 62.5) < 1e-9)
        #expect(s.band == .yellow)
        #expect(s.missing.isEmpty)
        let csat = s.components[HealthComponent.csat.position]
        #expect(abs(csat.score! - 60) < 1e-9)
        #expect(abs(csat.effectiveWeight - 0.05) < 1e-12)
        #expect(abs(csat.contribution - 3) < 1e-9)
        // The contributions add up to the score.
        #expect(abs(s.components.map(\.contribution).reduce(0, +) - 62.5) < 1e-9)
        v.values.withUnsafeBufferPointer { #expect(abs(HealthModel().quickScore($0)! - 62.5) < 1e-9) }
    }

    @Test func aComponentWithoutDataDropsOutAndItsWeightIsShared() throws {
        var v = ComponentValues()
        v[.usageTrend] = -25  // 35 at weight 20
        v[.billing] = 0  // 100 at weight 15
        // (20 x 35 + 15 x 100) / (20 + 15) = 2200 / 35 = 62.857
        let s = try #require(HealthModel().score(v))
        #expect(abs(s.score - 2200.0 / 35) < 1e-9)
        let usage = s.components[HealthComponent.usageTrend.position]
        let billing = s.components[HealthComponent.billing.position]
        #expect(abs(usage.effectiveWeight - 20.0 / 35) < 1e-12)  // 0.5714
        #expect(abs(billing.effectiveWeight - 15.0 / 35) < 1e-12)  // 0.4286
        #expect(abs(usage.contribution - 20) < 1e-9)  // 20/35 x 35
        #expect(abs(billing.contribution - 1500.0 / 35) < 1e-9)  // 42.857
        #expect(Set(s.missing) == [.featureAdoption, .nps, .csat, .supportLoad, .fcr, .onboarding, .csmPulse])
        #expect(s.components[HealthComponent.nps.position].effectiveWeight == 0)
        // Nothing to score: no score at all (not 0).
        #expect(HealthModel().score(ComponentValues()) == nil)
    }

    @Test func bandEdgesBelongToTheHigherBand() throws {
        // A model that reads the CSM pulse alone through the identity curve, so the score is the value.
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        model.setCurve(.csmPulse, ScoreCurve([(0, 0), (100, 100)]))
        func band(_ x: Double) throws -> HealthBand {
            var v = ComponentValues()
            v[.csmPulse] = x
            return try #require(model.score(v)).band
        }
        #expect(try band(39.999) == .red)
        #expect(try band(40) == .yellow)  // red < 40 <= yellow
        #expect(try band(69.999) == .yellow)
        #expect(try band(70) == .green)  // yellow < 70 <= green
        #expect(try band(0) == .red)
        #expect(try band(100) == .green)
        let custom = HealthBands(yellowFrom: 50, greenFrom: 80)
        #expect(custom.band(49.9) == .red && custom.band(50) == .yellow && custom.band(80) == .green)
    }

    @Test func eachAccountIsScoredByTheFirstMatchingSegmentModel() throws {
        var high = HealthModel(name: "high", segment: try SegmentFilter.parse("touch = high", knownAttributes: ["touch"]))
        high.bands = HealthBands(yellowFrom: 50, greenFrom: 80)
        let settings = HealthSettings(segmentModels: [high])
        let a = Account(id: "a", name: "A", attributes: ["touch": "high"])
        let b = Account(id: "b", name: "B", attributes: ["touch": "tech"])
        #expect(settings.model(for: a).name == "high")
        #expect(settings.model(for: b).name == "default")
        #expect(settings.modelIndex(for: a) == 0 && settings.modelIndex(for: b) == 1)
    }

    @Test func templatesFillKnownPlaceholdersOnly() {
        let text = Playbooks.render("Call {account} ({csm}) about {reason} {unknown}", ["account": "Acme", "csm": "ana", "reason": "usage"])
        #expect(text == "Call Acme (ana) about usage {unknown}")
    }
}

/// The one default instant of health readings (issue 27), by hand.
@Suite struct HealthInstantTests {
    @Test func theStartOfTodayOrOfTheDayAfterTheLastRecord() {
        let now = at("2026-06-10T18:00:00Z")
        // Live data (a record today): today's 00:00, whatever the hour.
        #expect(HealthInstant.asOf(now: now, latestActivity: at("2026-06-10T14:00:00Z")) == at("2026-06-10"))
        // Data that stops earlier: the day after its last record, so that its last day counts in full.
        #expect(HealthInstant.asOf(now: now, latestActivity: at("2025-03-05T09:00:00Z")) == at("2025-03-06"))
        // Records dated after now (a generated demo): still today's 00:00.
        #expect(HealthInstant.asOf(now: now, latestActivity: at("2026-06-12")) == at("2026-06-10"))
        #expect(HealthInstant.asOf(now: now, latestActivity: nil) == at("2026-06-10"))
    }

    @Test func pulsesAndMilestonesCountAsRecords() {
        var b = DatasetBuilder()
        let x = b.account("x")
        b.subscription(x, 100, from: "2026-01-01")
        b.dataset.csmPulses = [CsmPulse(account: x, recordedAt: at("2026-05-20T08:00:00Z"), rating: 3)]
        b.milestone(x, "kickoff", started: "2026-02-01", due: "2026-12-01")
        #expect(b.dataset.latestActivity == at("2026-01-01"))
        #expect(HealthInstant.latestRecord(of: b.dataset) == at("2026-05-20T08:00:00Z"))
    }
}
