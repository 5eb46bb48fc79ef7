import VitalsCore

/// The hosted surveys' part of the OpenAPI document (docs/surveys.md): sending one survey by hand.
extension OpenAPIDocument {
    /// `"post":{...}` of `/api/v1/survey_invitations`.
    static func surveyInvitationSend(_ failure: (String) -> String) -> String {
        let surveys = SurveyKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        return """
            "post":{"operationId":"sendSurveyInvitation","summary":"Send one hosted survey to one contact now (scope ingest or admin; a csm or admin signed in), within the recontact limits of [surveys]: the invitation is stored and its email queued",
             "requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object","required":["account_id","contact_id","survey"],"properties":{"account_id":{"type":"string"},"contact_id":{"type":"string"},"survey":{"type":"string","enum":[\(surveys)]}}}}}},
             "responses":{"201":{"description":"sent","content":{"application/json":{"schema":{"type":"object","required":["invitation_id","account_id","contact_id","survey","trigger","sent_at"],"properties":{"invitation_id":{"type":"string"},"account_id":{"type":"string"},"contact_id":{"type":"string"},"survey":{"type":"string","enum":[\(surveys)]},"trigger":{"type":"string","enum":["manual"]},"sent_at":{"type":"string","format":"date-time"}}}}}},"400":\(failure("a body that is not a JSON object")),"422":\(failure("a missing field, an unknown contact, or a limit that refused it: survey_invitations.contact_id: refused by min_days_between_surveys, unsubscribed or no_email")),"401":\(failure("no valid key")),"403":\(failure("a key without the ingest scope"))}}
            """
    }
}
