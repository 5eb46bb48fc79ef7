import Foundation
import Hummingbird
import VitalsApp
import VitalsCore
import VitalsFormats

/// `POST /api/v1/survey_invitations` (docs/surveys.md, "Sending by hand"): sends one survey to one contact now,
/// within the recontact limits; a refusal (422) names the limit. Other invitations are the triggers' (and their
/// records are read and deleted like any kind's).
struct SurveyAPIController: Sendable {
    let surveys: SurveyService

    func register(on api: RouterGroup<VitalsContext>) {
        api.post("survey_invitations") { request, context in
            let grant = try context.requireCaller()
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                throw APIError.badRequest(#"the body must be a JSON object: {"account_id": "...", "contact_id": "...", "survey": "nps"}"#)
            }
            var problems: [String] = []
            let account = (object["account_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            if account == nil { problems.append("survey_invitations.account_id: required, the account's id") }
            let contact = (object["contact_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            if contact == nil { problems.append("survey_invitations.contact_id: required, a contact of the account") }
            let survey = (object["survey"] as? String).flatMap(SurveyKind.init(rawValue:))
            if survey == nil { problems.append("survey_invitations.survey: required, one of nps, csat, ces") }
            guard problems.isEmpty, let account, let contact, let survey else {
                throw APIError(status: .unprocessableContent, message: problems.joined(separator: "; "))
            }
            switch try await surveys.sendManual(
                workspace: grant.workspace, account: AccountID(account), contact: ContactID(contact), survey: survey)
            {
            case .refused(let refusal):
                throw APIError(status: .unprocessableContent, message: "survey_invitations.contact_id: refused by \(refusal)")
            case .sent(let invitation):
                try AuditTrail(store: surveys.store).note(
                    grant.workspace, actor: grant.actor, "survey.send", target: "\(account)/\(contact)",
                    change: "\(survey.rawValue) invitation \(invitation.id)", at: invitation.sentAt)
                var json = JSONText()
                json.beginObject()
                json.field("invitation_id", invitation.id.rawValue)
                json.field("account_id", account)
                json.field("contact_id", contact)
                json.field("survey", survey.rawValue)
                json.field("trigger", invitation.trigger.rawValue)
                json.field("sent_at", invitation.sentAt.description)
                json.endObject()
                return Response(
                    status: .created, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: json.text)))
            }
        }
    }
}
