import Testing
import VitalsCore

/// `survey_response_rate` (docs/metrics.md): per survey, of the invitations sent in the period, the share answered.
@Suite struct SurveyResponseRateTests {
    func invitation(
        _ id: String, _ account: AccountIndex, _ survey: SurveyKind, sent: String, answered: String? = nil
    ) -> SurveyInvitation {
        SurveyInvitation(
            id: SurveyInvitationID(id), account: account, contact: ContactID("c-" + id), survey: survey, trigger: .manual,
            sentAt: at(sent), answeredAt: answered.map(at))
    }

    func dataset() -> DatasetBuilder {
        var b = DatasetBuilder()
        let a = b.account("a", industry: "Retail")
        let m = b.account("m", industry: "Media")
        b.dataset.surveyInvitations = [
            // March: CSAT i1 answered, i2 answered in April (counts for March, when it was sent), i3 not answered.
            invitation("i1", a, .csat, sent: "2025-03-02", answered: "2025-03-03"),
            invitation("i2", a, .csat, sent: "2025-03-31T23:59:59Z", answered: "2025-04-02"),
            invitation("i3", m, .csat, sent: "2025-03-10"),
            // March: NPS i4 and i5, neither answered.
            invitation("i4", a, .nps, sent: "2025-03-05"),
            invitation("i5", m, .nps, sent: "2025-03-06"),
            // April: CSAT i6 sent at the first instant of April (April's), not answered; i7 answered.
            invitation("i6", a, .csat, sent: "2025-04-01T00:00:00Z"),
            invitation("i7", m, .csat, sent: "2025-04-15", answered: "2025-04-15T10:00:00Z"),
        ]
        return b
    }

    @Test func sharePerSurveyOfTheInvitationsSentInThePeriod() {
        let rows = dataset().report(from: "2025-02", through: "2025-04").rows
        // February: no invitation at all: null.
        #expect(rows[0][.surveyResponseRate] == .null)
        // March: CSAT 2 of 3 (i1, i2 of i1-i3); NPS 0 of 2; no CES invitation, so no CES share.
        #expect(rows[1][.surveyResponseRate] == .breakdown(["csat": 2.0 / 3.0, "nps": 0]))
        // April: CSAT 1 of 2 (i7 of i6, i7).
        #expect(rows[2][.surveyResponseRate] == .breakdown(["csat": 0.5]))
        #expect(KPI.surveyResponseRate.unit == .rates)
    }

    @Test func segmentsCountTheirOwnAccountsInvitations() {
        let segment = try! SegmentFilter.parse("industry = Retail", knownAttributes: ["industry"])
        let rows = dataset().report(from: "2025-03", through: "2025-03", segment: segment).rows
        // Retail is account a: CSAT i1, i2 (both answered): 2 / 2; NPS i4: 0 / 1.
        #expect(rows[0][.surveyResponseRate] == .breakdown(["csat": 1, "nps": 0]))
    }
}
