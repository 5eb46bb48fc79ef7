import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// The fast paths for onboarding.csv, leads.csv and csm_pulse.csv read what the general reader reads, and leave
/// every file with a problem to it, so the messages are the general reader's.
@Suite struct OnboardingLeadsAndPulseFastPathTests {
    let harness = FastPathHarness()

    /// The dataset after reading `text` as `file` by the fast path, `nil` when it gave up.
    func fast(_ file: String, _ text: String) -> Dataset? { harness.fast(file, text)?.dataset }

    /// The dataset after reading `text` as `file` by the general reader.
    func general(_ file: String, _ text: String) -> Dataset { harness.general(file, text).dataset }

    /// The problems `DatasetLoader` reports for `text` as `file`.
    func problems(_ file: String, _ text: String) -> [String] { harness.problems([file: text]) }

    // MARK: - onboarding.csv

    @Test func milestonesReadAsTheGeneralReaderReadsThem() throws {
        let text = "\u{FEFF}account_id,milestone,required,started_at,due_at,completed_at\r\n"
            + "a1,kickoff,TRUE,2024-01-02,2024-01-09,2024-01-05\r\n"
            + "\r\n"
            + "a1,\"data, connected\", no ,2024-01-05,,\r\n"
            + "a2,kickoff,,,2024-02-01T12:00:00Z,\r\n"
        let read = try #require(fast("onboarding.csv", text)).onboarding
        #expect(read == general("onboarding.csv", text).onboarding)
        #expect(read.map(\.milestone) == ["kickoff", "data, connected", "kickoff"])
        #expect(read.map(\.required) == [true, false, true])
        #expect(read.map(\.account) == [AccountIndex(0), AccountIndex(0), AccountIndex(1)])
        #expect(read[0].completedAt == (try Timestamp.parse("2024-01-05")) && read[1].completedAt == nil)
        let due = try Timestamp.parse("2024-02-01T12:00:00Z")
        #expect(read[2].startedAt == nil && read[2].dueAt == due)
    }

    /// An account whose milestones are not listed together may repeat one far apart: the general reader checks.
    @Test func scatteredAccountsTakeTheGeneralReader() {
        let header = "account_id,milestone\n"
        #expect(fast("onboarding.csv", header + "a1,kickoff\na2,kickoff\na1,live\n") == nil)
        #expect(problems("onboarding.csv", header + "a1,kickoff\na2,kickoff\na1,live\n") == [])
        #expect(fast("onboarding.csv", header + "a1,kickoff\na1,live\na2,kickoff\n")?.onboarding.count == 3)
    }

    @Test func badMilestonesGoToTheGeneralReader() {
        let text = """
            account_id,milestone,required,started_at,completed_at
            a1,kickoff,true,2024-01-02,2024-01-05
            a1,kickoff,true,2024-01-02,
            a2,live,maybe,,
            zz,live,,,
            a2,trained,,2024-03-01,2024-02-01

            """
        #expect(fast("onboarding.csv", text) == nil)
        #expect(
            problems("onboarding.csv", text) == [
                "onboarding.csv:4: required: 'maybe' is not true or false",
                "onboarding.csv:5: account_id: unknown account 'zz' (not in accounts.csv)",
                "onboarding.csv:6: completed_at: must not be before started_at",
                "onboarding.csv:3: milestone: duplicate milestone 'a1\u{1F}kickoff' (first on line 2)",
            ])
    }

    // MARK: - leads.csv

    @Test func leadsReadAsTheGeneralReaderReadsThem() throws {
        let text = "lead_id,account_id,source,created_at,status,closed_at,amount,currency\n"
            + "l1,a1,upsell,2024-07-06,won,2024-08-15,7200.00,USD\n"
            + "l2,,Referral,2024-07-07,OPEN,,,\n"
            + "l3,a2,cross_sell,2024-07-08T10:00:00Z,lost,2024-09-01,99.5,eur\n"
            + "l4,a2,csql,2024-07-09,open,,,XYZ\n"
        let read = try #require(fast("leads.csv", text)).leads
        #expect(read == general("leads.csv", text).leads)
        #expect(read.map(\.id) == [LeadID("l1"), LeadID("l2"), LeadID("l3"), LeadID("l4")])
        #expect(read.map(\.account) == [AccountIndex(0), nil, AccountIndex(1), AccountIndex(1)])
        #expect(read.map(\.source) == [.upsell, .referral, .crossSell, .csql])
        #expect(read.map(\.status) == [.won, .open, .lost, .open])
        #expect(read[0].amount == Money(minorUnits: 720_000, currency: .usd))
        #expect(read[2].amount == Money(minorUnits: 9_950, currency: .eur))
        // No amount: the currency is not read at all (even one that is not a code).
        #expect(read[1].amount == nil && read[3].amount == nil)
    }

    @Test func badLeadsGoToTheGeneralReader() {
        let text = """
            lead_id,account_id,source,created_at,status,closed_at,amount,currency
            l1,a1,upsell,2024-07-06,won,2024-08-15,7200.00,USD
            l2,zz,upsell,2024-07-06,won,,,
            l3,a1,billboard,2024-07-06,pending,,,
            l4,a1,upsell,2024-07-06,won,2024-07-01,,
            l5,a1,upsell,2024-07-06,won,,10,GBP
            l1,a1,upsell,2024-07-06,won,,,

            """
        #expect(fast("leads.csv", text) == nil)
        #expect(
            problems("leads.csv", text) == [
                "leads.csv:3: account_id: unknown account 'zz' (not in accounts.csv)",
                "leads.csv:4: source: 'billboard' is not one of referral, csql, upsell, cross_sell, marketing, other",
                "leads.csv:4: status: 'pending' is not one of open, won, lost",
                "leads.csv:5: closed_at: must not be before created_at",
                "leads.csv:6: currency: no rate for GBP in fx_rates.csv (the reporting currency is USD)",
                "leads.csv:7: lead_id: duplicate lead_id 'l1' (first on line 2)",
            ])
    }

    // MARK: - csm_pulse.csv

    @Test func pulsesReadAsTheGeneralReaderReadsThem() throws {
        let text = "account_id,recorded_at,rating,note\n"
            + "a1,2024-01-31,3,\n"
            + "a1,2024-02-29, 4 ,\"Sponsor left, new one keen\"\n"
            + "a2,2024-02-29T08:00:00Z,5.0,\n"
        let read = try #require(fast("csm_pulse.csv", text)).csmPulses
        #expect(read == general("csm_pulse.csv", text).csmPulses)
        #expect(read.map(\.rating) == [3, 4, 5])
        #expect(read.map(\.note) == [nil, "Sponsor left, new one keen", nil])
        #expect(read[1].recordedAt == (try Timestamp.parse("2024-02-29")))
    }

    @Test func badPulsesGoToTheGeneralReader() {
        let text = """
            account_id,recorded_at,rating,note
            a1,2024-01-31,3,
            a1,2024-02-31,4,
            a2,2024-03-01,6,
            a2,2024-03-02,,
            a2,2024-03-03,3.5,

            """
        #expect(fast("csm_pulse.csv", text) == nil)
        #expect(
            problems("csm_pulse.csv", text) == [
                "csm_pulse.csv:3: recorded_at: '2024-02-31' is not a real calendar date or time",
                "csm_pulse.csv:4: rating: 6 is outside 1...5",
                "csm_pulse.csv:5: rating: a value is required",
                "csm_pulse.csv:6: rating: '3.5' is not a whole number",
            ])
    }
}
