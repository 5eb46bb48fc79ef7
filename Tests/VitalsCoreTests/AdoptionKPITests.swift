import Testing
import VitalsCore

/// Onboarding and product adoption, worked by hand (issue 3).
@Suite struct AdoptionKPITests {
    /// Onboarding milestones of five accounts in 2024.
    func onboarding() -> DatasetBuilder {
        var b = DatasetBuilder()
        // A starts 1 March and completes its last required milestone on 21 March: 20 days.
        let a = b.account("a")
        b.milestone(a, "kickoff", started: "2024-03-01", completed: "2024-03-11")
        b.milestone(a, "integration", started: "2024-03-05", due: "2024-03-15", completed: "2024-03-21")
        // B starts 5 March and is done on 15 March at noon (10.5 days); its optional milestone does not matter.
        let bee = b.account("b")
        b.milestone(bee, "kickoff", started: "2024-03-05", completed: "2024-03-15T12:00:00Z")
        b.milestone(bee, "training", required: false, started: "2024-03-10")
        // C starts 10 March and never completes; both its required milestones are overdue from April on.
        let c = b.account("c")
        b.milestone(c, "kickoff", started: "2024-03-10", due: "2024-03-20")
        b.milestone(c, "integration", due: "2024-03-22")
        // D starts 1 February, due 10 February, done 5 March (33 days): overdue at the end of February only.
        let d = b.account("d")
        b.milestone(d, "kickoff", started: "2024-02-01", due: "2024-02-10", completed: "2024-03-05")
        // E never started anything (no cohort) but has a required milestone due 25 March.
        let e = b.account("e")
        b.milestone(e, "kickoff", due: "2024-03-25")
        return b
    }

    @Test func completionOfTheCohortThatStartedInThePeriod() {
        let rows = onboarding().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.onboardingCompletionRate] == .number(1))  // D
        #expect(close(rows[0][.medianDaysToOnboard].double, 33))
        #expect(close(rows[1][.onboardingCompletionRate].double, 2.0 / 3.0))  // A and B of A, B, C
        #expect(close(rows[1][.medianDaysToOnboard].double, 15.25))  // (20 + 10.5) / 2
        #expect(rows[2][.onboardingCompletionRate] == .null)  // nobody started in April
        #expect(rows[2][.medianDaysToOnboard] == .null)
    }

    @Test func overdueAccountsAtThePeriodEnd() {
        let rows = onboarding().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.onboardingOverdue] == .number(1))  // D at 1 March
        // At 1 April: C (two open milestones, counted once) and E; A finished its late milestone on 21 March.
        #expect(rows[1][.onboardingOverdue] == .number(2))
        #expect(rows[2][.onboardingOverdue] == .number(2))
        // Week 2024-W11 ends 18 March: A's milestone due 15 March is still open then (done 21 March).
        let week = onboarding().report(from: "2024-03-11", through: "2024-03-17", grain: .week).rows[0]
        #expect(week.period.label == "2024-W11")
        #expect(week[.onboardingOverdue] == .number(1))
    }

    /// Overdue only within the onboarding horizon (issue 27): Z's required milestone fell due 2024-01-15, Y's
    /// 2024-03-20, neither ever done. Days overdue at a period end, by hand: 1 February: Z 17; 1 April: Z 77 (Jan 15
    /// → Feb 15 is 31, → Mar 15 29, → Apr 1 17), Y 12; 1 May: Z 107, Y 42; 1 August: Y 134. With the default 90 days
    /// Z counts until 14 April 00:00 (due + 90 days: 16 + 29 + 31 + 14 days), Y until 18 June.
    @Test func overdueCountsOnlyMilestonesDueWithinTheHorizon() {
        var b = DatasetBuilder()
        b.milestone(b.account("z"), "kickoff", started: "2024-01-01", due: "2024-01-15")
        b.milestone(b.account("y"), "kickoff", started: "2024-03-01", due: "2024-03-20")
        let months = b.report(from: "2024-01", through: "2024-07").rows.map { $0[.onboardingOverdue] }
        // Jan: Z; Feb: Z (45 days); Mar: Z, Y; Apr: Y (Z 107 > 90); May: Y (72); Jun: none (Y 103 on 1 July); Jul: none.
        #expect(months == [1, 1, 2, 1, 1, 0, 0].map { KPIValue.number($0) })
        // The edge: the day ending at due + 90 days still counts, the next day not.
        let days = b.report(from: "2024-04-13", through: "2024-04-14", grain: .day).rows.map { $0[.onboardingOverdue] }
        #expect(days == [.number(2), .number(1)])
        // A shorter horizon, 30 days (onboarding_overdue_days): at 1 April only Y (12 days), not Z (77).
        let short = b.report(from: "2024-03", through: "2024-03", settings: ReportSettings(onboardingOverdueDays: 30)).rows[0]
        #expect(short[.onboardingOverdue] == .number(1))
        // The accounts behind it are the same ones.
        let calculator = KPICalculator(dataset: b.dataset, settings: ReportSettings())
        let april = Period(grain: .month, containing: CivilDate(year: 2024, month: 4, day: 1))
        let listed = KPIDrivers.drivers(of: .onboardingOverdue, in: april, calculator: calculator, include: { _ in true })
        #expect(listed.map { calculator.dataset.accounts[$0.account.int].id.rawValue } == ["y"])
    }

    @Test func onlyOptionalMilestonesCompleteAtTheStart() {
        var b = DatasetBuilder()
        b.milestone(b.account("f"), "webinar", required: false, started: "2024-05-02")
        let may = b.report(from: "2024-05", through: "2024-05").rows[0]
        #expect(may[.onboardingCompletionRate] == .number(1))
        #expect(may[.medianDaysToOnboard] == .number(0))
        #expect(may[.onboardingOverdue] == .number(0))
    }

    /// Usage of two accounts around February 2024 (29 days). B's user "u1" is not A's "u1".
    func usage() -> DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("a")
        let bee = b.account("b")
        b.event(a, "u1", "invite_sent", at: "2024-01-31T23:59:59Z", seconds: 30)  // January
        b.event(a, "u1", "login", at: "2024-02-01T10:00:00Z", seconds: 600)
        b.event(a, "u1", "export", at: "2024-02-01T11:00:00Z", seconds: 300)
        b.event(a, "u1", "login", at: "2024-02-02T09:00:00Z")  // no duration: counts 0 seconds
        b.event(a, "u2", "login", at: "2024-02-01T12:00:00Z", seconds: 120)
        b.event(bee, "u1", "report_viewed", at: "2024-02-10T08:00:00Z", seconds: 60)
        b.event(a, "u2", "login", at: "2024-03-01", seconds: 45)  // March
        return b
    }

    @Test func activeUsersStickinessAndTimeOnPlatform() {
        let rows = usage().report(from: "2024-01", through: "2024-04").rows
        let february = rows[1]
        #expect(february[.activeUsers] == .number(3))  // a/u1, a/u2, b/u1
        #expect(february[.activeAccounts] == .number(2))
        // Daily active users summed over the month: a/u1 on the 1st and 2nd, a/u2 on the 1st, b/u1 on the 10th = 4.
        // Mean DAU = 4 / 29 days; stickiness = (4 / 29) / 3 = 4/87.
        #expect(close(february[.stickiness].double, 4.0 / 87.0))
        // (600 + 300 + 0 + 120 + 60) s / 4 user-days / 60 = 4.5 minutes.
        #expect(close(february[.avgTimeOnPlatformMinutes].double, 4.5))

        #expect(rows[0][.activeUsers] == .number(1))
        #expect(close(rows[0][.stickiness].double, 1.0 / 31.0))
        #expect(close(rows[0][.avgTimeOnPlatformMinutes].double, 0.5))
        #expect(close(rows[2][.avgTimeOnPlatformMinutes].double, 0.75))
    }

    @Test func featureAdoptionPerEventName() {
        let rows = usage().report(from: "2024-01", through: "2024-04").rows
        // February: login and export by a, report_viewed by b, of 2 active accounts; invite_sent (seen in January)
        // by neither.
        #expect(rows[1][.featureAdoption] == .breakdown(["login": 0.5, "export": 0.5, "report_viewed": 0.5, "invite_sent": 0]))
        #expect(rows[0][.featureAdoption] == .breakdown(["login": 0, "export": 0, "report_viewed": 0, "invite_sent": 1]))
        #expect(rows[2][.featureAdoption] == .breakdown(["login": 1, "export": 0, "report_viewed": 0, "invite_sent": 0]))
    }

    @Test func aPeriodWithoutUsage() {
        let april = usage().report(from: "2024-04", through: "2024-04").rows[0]
        #expect(april[.activeUsers] == .number(0))
        #expect(april[.activeAccounts] == .number(0))
        #expect(april[.stickiness] == .null)
        #expect(april[.avgTimeOnPlatformMinutes] == .null)
        #expect(april[.featureAdoption] == .null)
    }

    @Test func eventOrderDoesNotMatter() {
        let ordered = usage()
        var reversed = ordered
        reversed.dataset.usageEvents.reverse()
        var shuffled = ordered
        shuffled.dataset.usageEvents.swapAt(0, 5)
        shuffled.dataset.usageEvents.swapAt(2, 6)
        let expected = ordered.report(from: "2024-01", through: "2024-04").rows.map(\.values)
        #expect(reversed.report(from: "2024-01", through: "2024-04").rows.map(\.values) == expected)
        #expect(shuffled.report(from: "2024-01", through: "2024-04").rows.map(\.values) == expected)
    }

    @Test func adoptionOfASegment() throws {
        var b = usage()
        b.dataset.usageEvents.removeAll()
        let retail = b.account("r", industry: "Retail")
        let media = b.account("m", industry: "Media")
        b.event(retail, "u1", "login", at: "2024-02-03", seconds: 60)
        b.event(retail, "u2", "export", at: "2024-02-03", seconds: 60)
        b.event(media, "u1", "login", at: "2024-02-04", seconds: 600)
        let filter = try SegmentFilter.parse("industry=Retail", knownAttributes: ["industry"])
        let february = b.report(from: "2024-02", through: "2024-02", segment: filter).rows[0]
        #expect(february[.activeUsers] == .number(2))
        #expect(february[.activeAccounts] == .number(1))
        #expect(close(february[.avgTimeOnPlatformMinutes].double, 1))  // 120 s / 2 user-days
        #expect(february[.featureAdoption] == .breakdown(["login": 1, "export": 1]))
    }
}
