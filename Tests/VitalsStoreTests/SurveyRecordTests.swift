import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Hosted surveys' records (migration 0024): survey invitations, a ticket's contact and an answer's source go through
/// the readers, the store, the snapshot and the writer like every column; an invitation's email is stored in the
/// same transaction as the invitation, or not at all.
@Suite struct SurveyRecordTests {
    static let files: [String: String] = [
        "accounts.csv": "account_id,name\nA1,Acme\nA2,Beta\n",
        "contacts.csv": "contact_id,account_id,email\nc1,A1,ann@acme.example\nc2,A2,bo@beta.example\n",
        "tickets.csv": "ticket_id,account_id,opened_at,resolved_at,contact_id\nT1,A1,2025-01-02,2025-01-03,c1\nT2,A2,2025-01-04,,\n",
        "survey_responses.csv": "response_id,account_id,survey,score,responded_at,contact,source\nR1,A1,csat,4,2025-01-04,c1,vitals\n",
        "survey_invitations.csv": """
            invitation_id,account_id,contact_id,survey,trigger,reference,sent_at,opened_at,answered_at,response_id
            csat-T1,A1,c1,csat,ticket_resolved,T1,2025-01-03T02:00:00Z,2025-01-03T08:00:00Z,2025-01-04,R1
            nps-1,A2,c2,nps,periodic,round-1,2025-01-05,,,

            """,
    ]

    func load(_ files: [String: String] = files) throws(DatasetLoadError) -> Dataset {
        try DatasetLoader.load(files: files.mapValues { Array($0.utf8) }, reportingCurrency: .usd)
    }

    @Test func readStoredSnapshottedAndWritten() throws {
        let dataset = try load()
        #expect(dataset.tickets.map(\.contact) == ["c1", nil])
        #expect(dataset.surveyResponses.map(\.source) == ["vitals"])
        #expect(dataset.surveyInvitations.count == 2)
        let first = dataset.surveyInvitations[0]
        #expect(first.trigger == .ticketResolved && first.reference == "T1" && first.response == "R1")
        #expect(first.openedAt == at("2025-01-03T08:00:00Z") && first.answeredAt == at("2025-01-04"))

        let store = try Store(path: NSTemporaryDirectory() + "vitals-surveys-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("acme")
        try store.save(dataset, workspace: workspace)
        let back = try store.dataset(workspace: workspace)
        #expect(back.surveyInvitations == dataset.surveyInvitations)
        #expect(back.tickets.map(\.contact) == ["c1", nil])
        #expect(back.surveyResponses.map(\.source) == ["vitals"])

        #expect(try DatasetSnapshot.decode(DatasetSnapshot.encode(dataset)).surveyInvitations == dataset.surveyInvitations)

        let folder = NSTemporaryDirectory() + "vitals-surveys-\(UUID().uuidString)"
        try DatasetWriter.write(dataset, to: folder)
        let reread = try DatasetLoader.load(directory: folder, reportingCurrency: .usd)
        #expect(reread.surveyInvitations == dataset.surveyInvitations)
        #expect(reread.tickets == dataset.tickets)
    }

    @Test func aContactOfAnotherAccountIsRefusedWithItsPlace() {
        var files = Self.files
        files["survey_invitations.csv"] = "invitation_id,account_id,contact_id,survey,trigger,sent_at,opened_at\nx,A1,c2,nps,manual,2025-01-05,2025-01-04\n"
        files["tickets.csv"] = "ticket_id,account_id,opened_at,contact_id\nT1,A1,2025-01-02,c9\n"
        #expect {
            try load(files)
        } throws: { error in
            let issues = ((error as? DatasetLoadError)?.issues ?? []).map { "\($0.file):\($0.line) \($0.column ?? ""): \($0.reason)" }
            return issues.contains("survey_invitations.csv:2 contact_id: contact 'c2' is of account 'A2', not 'A1'")
                && issues.contains("survey_invitations.csv:2 opened_at: must not be before sent_at")
                && issues.contains("tickets.csv:2 contact_id: unknown contact 'c9' (not in contacts.csv)")
        }
    }

    @Test func theEmailIsStoredWithItsInvitationOrNotAtAll() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-surveys-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("acme")
        let dataset = try load()
        try store.save(dataset, workspace: workspace)
        let email = NewEmail(kind: .survey, recipient: "ann@acme.example", subject: "How did we do?", text: "t", html: "h", reference: "invitation:n")
        var records = Dataset(accounts: dataset.accounts)!
        records.surveyInvitations = [
            SurveyInvitation(id: "n", account: AccountIndex(0), contact: "c1", survey: .nps, trigger: .manual, sentAt: at("2025-02-01"))
        ]
        let ok = store.save([SaveRequest(records, workspace: workspace, emails: [email], emailedAt: at("2025-02-01"))])
        #expect((try? ok[0].get()) != nil)
        #expect(try store.emailCount(workspace: workspace, filter: EmailFilter()) == 1)
        // A record that fails (a score outside its scale, caught by the table's check) takes its email with it.
        var bad = Dataset(accounts: dataset.accounts)!
        bad.surveyResponses = [
            SurveyResponse(id: "bad", account: AccountIndex(0), survey: .csat, score: 3, scaleMin: 5, scaleMax: 1, respondedAt: at("2025-02-02"))
        ]
        let failed = store.save([SaveRequest(bad, workspace: workspace, emails: [email], emailedAt: at("2025-02-02"))])
        #expect((try? failed[0].get()) == nil)
        #expect(try store.emailCount(workspace: workspace, filter: EmailFilter()) == 1)
    }
}

/// An instant from ISO 8601 text.
private func at(_ text: String) -> Timestamp { try! Timestamp.parse(text) }
