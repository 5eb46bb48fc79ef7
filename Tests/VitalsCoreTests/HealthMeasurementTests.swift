import Testing
import VitalsCore

/// Component values measured on small hand-built datasets, as of 2026-06-01 (docs/health.md).
@Suite struct HealthMeasurementTests {
    static let t = at("2026-06-01")

    static func sample() -> Dataset {
        var b = DatasetBuilder()
        let x = b.account("x", csm: "ana")
        let y = b.account("y")
        b.subscription(x, 100, from: "2026-01-01")
        b.subscription(x, 50, from: "2026-05-27", product: "Addon", status: .pastDue)
        b.subscription(y, 80, from: "2026-01-01")
        var d = b.dataset
        func event(_ id: String, _ user: String, _ name: String, _ when: String, _ seconds: Double) {
            d.usageEvents.append(UsageEvent(id: UsageEventID(id), account: x, user: UserID(user), event: name, occurredAt: at(when), durationSeconds: seconds))
        }
        event("e1", "u1", "login", "2026-04-10", 600)
        event("e2", "u2", "export", "2026-04-20", 600)
        event("e3", "u1", "login", "2026-05-10", 300)
        func answer(_ id: String, _ kind: SurveyKind, _ score: Double, _ when: String) {
            d.surveyResponses.append(SurveyResponse(id: SurveyResponseID(id), account: x, survey: kind, score: score, respondedAt: at(when)))
        }
        answer("n0", .nps, 0, "2025-01-01")  // older than the 365-day window
        answer("n1", .nps, 9, "2026-01-10")
        answer("n2", .nps, 10, "2026-03-01")
        answer("n3", .nps, 3, "2026-05-01")
        answer("c1", .csat, 5, "2026-04-01")
        answer("c2", .csat, 2, "2026-05-01")
        d.tickets = [
            Ticket(id: "t1", account: x, openedAt: at("2026-05-10"), resolvedAt: at("2026-05-11"), firstContactResolution: true),
            Ticket(id: "t2", account: x, openedAt: at("2026-05-20"), resolvedAt: at("2026-05-25"), agentReplies: 3),
            Ticket(id: "t3", account: x, openedAt: at("2026-03-01"), resolvedAt: at("2026-03-05"), agentReplies: 1, reopens: 0),
        ]
        d.onboarding = [
            OnboardingMilestone(account: x, milestone: "training", startedAt: at("2026-04-01"), dueAt: at("2026-05-01"), completedAt: at("2026-05-02")),
            OnboardingMilestone(account: x, milestone: "kickoff", startedAt: at("2026-04-01"), dueAt: at("2026-05-22")),
        ]
        d.csmPulses = [
            CsmPulse(account: x, recordedAt: at("2025-10-01"), rating: 2),
            CsmPulse(account: x, recordedAt: at("2026-05-12"), rating: 4),
        ]
        return d
    }

    static let settings = HealthSettings(keyFeatures: ["login", "export", "report"])

    @Test func componentsAreMeasuredFromRecordsBeforeTheInstant() throws {
        let index = HealthIndex(dataset: Self.sample(), settings: Self.settings)
        let v = index.measure(AccountIndex(0), at: Self.t)
        // Users 2 -> 1 (-50 %), seconds 1200 -> 300 (-75 %): mean -62.5.
        #expect(v[.usageTrend] == -62.5)
        // login of login, export, report used in the last 30 days: 1 / 3.
        #expect(abs(v[.featureAdoption]! - 100.0 / 3) < 1e-9)
        // 9, 10, 3 within 365 days: 2 promoters, 1 detractor of 3: 100 x 1 / 3.
        #expect(abs(v[.nps]! - 100.0 / 3) < 1e-9)
        #expect(v[.csat] == 50)  // 5 satisfied, 2 not
        #expect(v[.supportLoad] == 2)  // t1, t2 opened in the last 30 days
        #expect(abs(v[.fcr]! - 200.0 / 3) < 1e-9)  // t1 (flag) and t3 (1 reply, no reopen) of 3 resolved in 90 days
        #expect(v[.onboarding] == 10)  // kickoff due 2026-05-22, open
        #expect(v[.billing] == 5)  // Addon past due since 2026-05-27
        #expect(v[.csmPulse] == 4)  // the latest rating
        // As of 2026-05-01 nothing of May counts yet: support load 0, no past-due item, onboarding not overdue.
        let earlier = index.measure(AccountIndex(0), at: at("2026-05-01"))
        #expect(earlier[.supportLoad] == 0 && earlier[.billing] == 0 && earlier[.onboarding] == 0)
        // 2025-10-01 is 212 days before 2026-05-01, beyond the 180-day pulse window; 110 days before 2026-01-19.
        #expect(earlier[.csmPulse] == nil)
        #expect(index.measure(AccountIndex(0), at: at("2026-01-19"))[.csmPulse] == 2)
    }

    @Test func theScoreOfTheSampleIsWorkedOutByHand() throws {
        let index = HealthIndex(dataset: Self.sample(), settings: Self.settings)
        let dataset = Self.sample()
        let engine = HealthEngine(index: index, accounts: dataset.accounts)
        let breakdown = try #require(engine.breakdown(AccountIndex(0), at: Self.t))
        // usage -62.5 -> 0 (x20 = 0); adoption 33.3 -> 55.556 (x15 = 833.33); NPS 33.3 -> 83.333 (x10 = 833.33);
        // CSAT 50 -> 40 (x5 = 200); support 2 -> 70 (x5 = 350); FCR 66.7 -> 40 + 16.667 x 30 / 20 = 65 (x5 = 325);
        // onboarding 10 -> 100 - 10 x 60 / 14 = 57.143 (x10 = 571.43); billing 5 -> 50 - 4 x 30 / 14 = 41.429
        // (x15 = 621.43); pulse 4 -> 75 (x15 = 1125). Sum 4859.52 / 100 = 48.595.
        #expect(abs(breakdown.current.score - 48.595238) < 1e-5)
        #expect(breakdown.current.band == .yellow)
        #expect(breakdown.redistribution == nil)
        // The largest losses: usage (20 % x 100 = 20 points), billing (15 % x 58.571 = 8.79), adoption (15 % x 44.4 = 6.67).
        #expect(breakdown.riskFactors.map(\.component) == [.usageTrend, .billing, .featureAdoption])
        #expect(breakdown.riskFactors[0].text == "Usage trend: usage fell 62.5 % against the previous 30 days")
        #expect(abs(breakdown.riskFactors[1].pointsLost - 0.15 * (100 - (50 - 4 * 30.0 / 14))) < 1e-9)
        // y: support load 0 (100, weight 5) and billing current (100, weight 15) only: 100, and says so.
        let y = try #require(engine.breakdown(AccountIndex(1), at: Self.t))
        #expect(y.current.score == 100)
        #expect(y.redistribution?.hasPrefix("No data for Usage trend, Feature adoption, NPS, CSAT, First contact resolution, Onboarding, CSM pulse") == true)
        #expect(engine.assessAll(at: Self.t).map(\.account) == [AccountIndex(0), AccountIndex(1)])
    }

    @Test func usageOfADormantAccountIsAFullDrop() {
        var b = DatasetBuilder()
        let x = b.account("x")
        b.subscription(x, 10, from: "2026-01-01")
        var d = b.dataset
        d.usageEvents.append(UsageEvent(id: "e", account: x, user: "u", event: "login", occurredAt: at("2026-02-01")))
        let index = HealthIndex(dataset: d, settings: HealthSettings())
        #expect(index.measure(x, at: at("2026-06-01"))[.usageTrend] == -100)
        #expect(index.measure(x, at: at("2026-02-01"))[.usageTrend] == nil)  // no event before the instant yet
        // A drop needs activity the week before.
        #expect(index.usageChange(x, at: at("2026-06-01"), days: 7, requireActivityBefore: true) == nil)
    }

    @Test func churnWithinTheHorizonAndRenewals() {
        var b = DatasetBuilder()
        let z = b.account("z")
        let annual = b.account("annual")
        let dated = b.account("dated", attributes: ["renewal_date": "2026-08-15"])
        b.subscription(z, 10, from: "2026-01-01", to: "2026-07-15")
        b.subscription(annual, 1200, from: "2025-07-01", interval: .year)
        b.subscription(dated, 1200, from: "2025-07-01", interval: .year)
        let index = HealthIndex(dataset: b.dataset, settings: HealthSettings())
        #expect(index.churns(z, after: at("2026-06-01"), within: 90))
        #expect(!index.churns(z, after: at("2026-06-01"), within: 30))
        #expect(!index.churns(annual, after: at("2026-06-01"), within: 90))
        #expect(index.nextRenewal(of: annual, after: at("2026-06-01")) == at("2026-07-01"))
        #expect(index.nextRenewal(of: annual, after: at("2026-07-02")) == at("2027-07-01"))
        #expect(index.nextRenewal(of: dated, after: at("2026-06-01")) == at("2026-08-15"))
        #expect(index.nextRenewal(of: z, after: at("2026-06-01")) == nil)  // monthly: no contract renewal
    }

    @Test func touchTiersComeFromARRAndAreASegmentAttribute() throws {
        var b = DatasetBuilder()
        let high = b.account("high")
        let low = b.account("low")
        let tech = b.account("tech")
        let gone = b.account("gone")
        b.subscription(high, 5000, from: "2026-01-01")  // ARR 60,000 >= 50,000
        b.subscription(low, 1000, from: "2026-01-01")  // ARR 12,000 >= 5,000
        b.subscription(tech, 100, from: "2026-01-01")  // ARR 1,200
        b.subscription(gone, 9000, from: "2026-01-01", to: "2026-03-01")  // pays nothing on 2026-06-01
        let settings = HealthSettings()
        #expect(TouchModel.tiers(b.dataset, settings: settings, at: at("2026-06-01")) == ["high", "low", "tech", "tech"])
        let tagged = TouchModel.tagged(b.dataset, settings: settings, at: at("2026-06-01"))
        let filter = try SegmentFilter.parse("touch = high", knownAttributes: ["touch"])
        #expect(tagged.accounts.filter(filter.matches).map(\.id) == ["high"])
        let report = KPICalculator(dataset: tagged, settings: ReportSettings())
            .report(ReportScope(periods: [Period(grain: .month, containing: CivilDate(year: 2026, month: 5, day: 1))], segment: filter))
        #expect(report.rows[0][.mrr] == .number(500_000))  // the high-touch account's 5,000.00
        // CLV basis with a 2 % monthly churn and margin 1: 1,000 x 1 / 0.02 = 50,000 -> high; 100 -> 5,000 -> low.
        var clv = HealthSettings()
        clv.touch = TouchSettings(basis: .clv, highFrom: 50_000, lowFrom: 5_000, monthlyChurn: 0.02)
        #expect(TouchModel.tiers(b.dataset, settings: clv, at: at("2026-06-01")) == ["high", "high", "low", "tech"])
    }

    @Test func revenueAtRiskCountsRedAccountsAndYellowOnesRenewingSoon() throws {
        var b = DatasetBuilder()
        let red = b.account("red")
        let renewing = b.account("renewing")
        let later = b.account("later")
        let green = b.account("green")
        b.subscription(red, 100, from: "2026-01-01")
        b.subscription(renewing, 2400, from: "2025-07-01", interval: .year)  // MRR 200, renews 2026-07-01
        b.subscription(later, 3600, from: "2025-12-01", interval: .year)  // MRR 300, renews 2026-12-01
        b.subscription(green, 4800, from: "2025-07-01", interval: .year)  // MRR 400, renews 2026-07-01
        var d = b.dataset
        // Pulses decide the bands with a pulse-only model: 1 -> 0 (red), 3 -> 50 (yellow), 5 -> 100 (green).
        for (account, rating) in [(red, 1), (renewing, 3), (later, 3), (green, 5)] {
            d.csmPulses.append(CsmPulse(account: account, recordedAt: at("2026-05-15"), rating: rating))
        }
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        let settings = HealthSettings(defaultModel: model, renewalWindowDays: 90)
        let tagged = TouchModel.tagged(d, settings: settings, at: at("2026-06-01"))
        let engine = HealthEngine(index: HealthIndex(dataset: tagged, settings: settings), accounts: tagged.accounts)
        let health = engine.assessAll(at: at("2026-06-01"))
        #expect(health.map(\.band) == [.red, .yellow, .yellow, .green])
        let risk = RevenueAtRisk.compute(health, engine: engine, at: at("2026-06-01"))
        // red 100.00 + renewing (yellow, renews in 30 days) 200.00; later renews in 183 days; green never counts.
        #expect(risk.total == 30_000)
        #expect(risk.byReason == [.red: 10_000, .renewal: 20_000])
        #expect(risk.bySegment == ["tech": 30_000])  // ARRs of 1,200 and 2,400 are tech touch
        #expect(risk.scoredMRR == 100_000)
        #expect(risk.entries.map(\.account) == [renewing, red])
    }

    /// The onboarding component looks only at milestones due within the horizon (90 days by default): x's milestone
    /// fell due 2026-03-01 and is still open. As of 2026-05-01 it is 61 days overdue (March 31 + April 30); as of
    /// 2026-06-01, 92 days (+ May 31): past the horizon, so the component has no data (and drops out of the score) instead of
    /// pulling it down for ever.
    @Test func onboardingIgnoresMilestonesDueBeforeTheHorizon() {
        var b = DatasetBuilder()
        let x = b.account("x")
        b.subscription(x, 100, from: "2026-01-01")
        b.milestone(x, "kickoff", started: "2026-02-01", due: "2026-03-01")
        let index = HealthIndex(dataset: b.dataset, settings: HealthSettings())
        #expect(index.measure(x, at: at("2026-05-01"))[.onboarding] == 61)
        // 2026-05-30 is due + 90 days (31 + 30 + 29): still counted; a day later, no longer.
        #expect(index.measure(x, at: at("2026-05-30"))[.onboarding] == 90)
        #expect(index.measure(x, at: at("2026-05-31"))[.onboarding] == nil)
        #expect(index.measure(x, at: at("2026-06-01"))[.onboarding] == nil)
        // With a 365-day horizon it is still overdue, by 92 days.
        var settings = HealthSettings()
        settings.report.onboardingOverdueDays = 365
        #expect(HealthIndex(dataset: b.dataset, settings: settings).measure(x, at: at("2026-06-01"))[.onboarding] == 92)
    }
}
