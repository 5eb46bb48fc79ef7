import Testing
import VitalsCore

/// Which hosted surveys are due, worked by hand with a clock set by the test (docs/surveys.md, "Triggers" and
/// "Limits").
@Suite struct SurveyPlannerTests {
    /// 2025-03-10 12:00 UTC.
    static let now = at("2025-03-10T12:00:00Z")

    /// Accounts A and B. A: a1 (primary), a2, a3 (no address). B: b1 (primary), b2 (unsubscribed).
    /// Tickets, resolved before `now` by: t1 (A, a1) 2 h; t2 (A, a2) 30 min; t3 (B, b1) 8 days; t4 (B, b2) 3 h;
    /// t5 (A, a3) 2 h. A's required onboarding completed a day ago; B's is still open.
    func dataset() -> Dataset {
        var b = DatasetBuilder()
        let a = b.account("A")
        let bee = b.account("B")
        b.dataset.contacts = [
            Contact(id: "a1", account: a, name: "Ann", email: "a1@a.example", primary: true),
            Contact(id: "a2", account: a, email: "a2@a.example"),
            Contact(id: "a3", account: a, name: "No address"),
            Contact(id: "b1", account: bee, email: "b1@b.example", primary: true),
            Contact(id: "b2", account: bee, email: " B2@B.example "),
        ]
        func ticket(_ id: String, _ account: AccountIndex, _ contact: ContactID, resolvedSecondsAgo: Int64) -> Ticket {
            let resolved = Self.now.adding(seconds: -resolvedSecondsAgo)
            return Ticket(id: TicketID(id), account: account, openedAt: resolved.adding(days: -1), resolvedAt: resolved, contact: contact)
        }
        b.dataset.tickets = [
            ticket("t1", a, "a1", resolvedSecondsAgo: 7_200), ticket("t2", a, "a2", resolvedSecondsAgo: 1_800),
            ticket("t3", bee, "b1", resolvedSecondsAgo: 8 * 86_400), ticket("t4", bee, "b2", resolvedSecondsAgo: 10_800),
            ticket("t5", a, "a3", resolvedSecondsAgo: 7_200),
        ]
        b.dataset.onboarding = [
            OnboardingMilestone(account: a, milestone: "kickoff", completedAt: Self.now.adding(days: -2)),
            OnboardingMilestone(account: a, milestone: "data", completedAt: Self.now.adding(days: -1)),
            OnboardingMilestone(account: a, milestone: "training", required: false),
            OnboardingMilestone(account: bee, milestone: "kickoff"),
        ]
        return b.dataset
    }

    static let suppressed: Set<String> = ["b2@b.example"]

    func plan(_ dataset: Dataset, _ triggers: Set<SurveyTrigger>, minDays: Int = 30, sample: Double = 1, now: Timestamp = now)
        -> [String]
    {
        SurveyPlanner.plan(
            dataset, settings: SurveySettings(triggers: triggers, npsSample: sample, minDaysBetweenSurveys: minDays),
            suppressed: Self.suppressed, now: now
        ).map { "\($0.id)>\($0.contact)" }
    }

    @Test func csatGoesToTheTicketsContactAfterTheDelayAndNotForThePast() {
        // t1: 2 h >= 1 h delay, within 7 days. t2: 30 min < 1 h. t3: 8 days > 7. t4: b2 unsubscribed. t5: no address.
        #expect(plan(dataset(), [.ticketResolved]) == ["csat-t1>a1"])
        // Half an hour later t2 is an hour old; t1 was asked (its invitation stored), and never is twice.
        var later = dataset()
        later.surveyInvitations = [
            SurveyInvitation(
                id: "csat-t1", account: AccountIndex(0), contact: "a1", survey: .csat, trigger: .ticketResolved, reference: "t1",
                sentAt: Self.now)
        ]
        #expect(plan(later, [.ticketResolved], now: Self.now.adding(seconds: 1_800)) == ["csat-t2>a2"])
        // With no recontact limit t1's invitation still is not sent again.
        #expect(plan(later, [.ticketResolved], minDays: 0, now: Self.now.adding(seconds: 1_800)) == ["csat-t2>a2"])
    }

    @Test func noTriggerNoInvitation() {
        #expect(plan(dataset(), []) == [])
    }

    @Test func recontactLimitCountsWholeDays() {
        // a1 was asked (any survey) 29 days ago: 29 < 30, skipped. 30 days ago exactly: 30 is not < 30, asked.
        for (daysAgo, expected) in [(29, [String]()), (30, ["csat-t1>a1"])] {
            var d = dataset()
            d.surveyInvitations = [
                SurveyInvitation(
                    id: "old", account: AccountIndex(0), contact: "a1", survey: .nps, trigger: .periodic, reference: "round-1",
                    sentAt: Self.now.adding(days: -daysAgo))
            ]
            #expect(plan(d, [.ticketResolved]) == expected, "\(daysAgo) days")
        }
    }

    @Test func cesWhenTheRequiredMilestonesAreAllComplete() {
        // A: kickoff (2 days ago) and data (1 day ago) are required and done; training is optional. To the primary, a1.
        // B: kickoff is not done.
        #expect(plan(dataset(), [.onboardingCompleted]) == ["ces-A>a1"])
        // Nine days later A's completion (8 days before) is older than the 7-day look-back.
        #expect(plan(dataset(), [.onboardingCompleted], now: Self.now.adding(days: 9)) == [])
    }

    @Test func npsRoundsAndSample() {
        // 2025-03-10T12:00Z is 1,741,608,000 s; a 90-day round is 7,776,000 s; 1,741,608,000 / 7,776,000 = 223.97: round 223.
        // Every contact with an address, not unsubscribed: a1, a2, b1 (b2 unsubscribed, a3 no address).
        #expect(plan(dataset(), [.periodic]) == ["nps-223-a1>a1", "nps-223-a2>a2", "nps-223-b1>b1"])
        // A sample of 0.5: ceil(0.5 x 3) = 2 of A's three contacts and ceil(0.5 x 2) = 1 of B's two are drawn; of those,
        // the ones without an address or unsubscribed are skipped, so at most 2 + 1 are asked.
        let half = SurveyPlanner.plan(
            dataset(), settings: SurveySettings(triggers: [.periodic], npsSample: 0.5), suppressed: [], now: Self.now)
        let drawn = SurveyPlanner.sample(dataset().contacts.filter { $0.account == AccountIndex(0) }, share: 0.5, round: 223)
        #expect(drawn.count == 2)
        #expect(half.filter { $0.account == AccountIndex(0) }.count <= 2 && half.filter { $0.account == AccountIndex(1) }.count <= 1)
        // The draw is the same every time (deterministic), and changes with the round.
        #expect(SurveyPlanner.sample(dataset().contacts, share: 0.4, round: 223).map(\.id)
            == SurveyPlanner.sample(dataset().contacts, share: 0.4, round: 223).map(\.id))
        // Asked in round 223, a contact is not asked again in it (here with no recontact limit at all).
        var asked = dataset()
        asked.surveyInvitations = [
            SurveyInvitation(
                id: "nps-223-a1", account: AccountIndex(0), contact: "a1", survey: .nps, trigger: .periodic,
                reference: "round-223", sentAt: Self.now.adding(days: -40))
        ]
        #expect(plan(asked, [.periodic], minDays: 0) == ["nps-223-a2>a2", "nps-223-b1>b1"])
    }

    @Test func oneQuestionPerContactPerPlanTheMostSpecificFirst() {
        // a1 is due for CSAT (t1), CES (A's onboarding) and NPS: CSAT is taken, the others wait 30 days.
        #expect(plan(dataset(), [.ticketResolved, .onboardingCompleted, .periodic])
            == ["csat-t1>a1", "nps-223-a2>a2", "nps-223-b1>b1"])
    }

    @Test func aManualSendSaysWhichLimitRefusedIt() {
        var d = dataset()
        let tenDaysAgo = Self.now.adding(days: -10)
        d.surveyInvitations = [
            SurveyInvitation(
                id: "x", account: AccountIndex(0), contact: "a1", survey: .csat, trigger: .manual, sentAt: tenDaysAgo)
        ]
        let settings = SurveySettings()
        func refusal(_ id: ContactID) -> SurveyPlanner.Refusal? {
            SurveyPlanner.refusal(d.contacts.first { $0.id == id }!, in: d, settings: settings, suppressed: Self.suppressed, now: Self.now)
        }
        #expect(refusal("a1") == .askedRecently(at: tenDaysAgo, minDays: 30))
        #expect(refusal("b2") == .unsubscribed)
        #expect(refusal("a3") == .noEmail)
        #expect(refusal("a2") == nil)
        #expect(refusal("a1")!.description.hasPrefix("min_days_between_surveys: the contact was asked on 2025-02-28"))
    }
}
