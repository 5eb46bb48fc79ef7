/// One invitation to answer a hosted survey (docs/surveys.md): which contact of which account was asked which
/// question, why, and how far it went (sent, opened, answered). Invitations are records, so the response rate
/// (`survey_response_rate`, docs/metrics.md) and the recontact limits are worked out from them.
public struct SurveyInvitation: Sendable, Equatable {
    public var id: SurveyInvitationID
    public var account: AccountIndex
    public var contact: ContactID
    public var survey: SurveyKind
    public var trigger: SurveyTrigger
    /// What caused it, when something did: the ticket id of a `ticket_resolved` invitation, the period of a
    /// `periodic` one, the account of an `onboarding_completed` one.
    public var reference: String?
    public var sentAt: Timestamp
    /// When the link was first opened; `nil` until then.
    public var openedAt: Timestamp?
    /// When the answer was recorded; `nil` until then.
    public var answeredAt: Timestamp?
    /// The `survey_responses` record of the answer.
    public var response: SurveyResponseID?

    public init(
        id: SurveyInvitationID, account: AccountIndex, contact: ContactID, survey: SurveyKind, trigger: SurveyTrigger,
        reference: String? = nil, sentAt: Timestamp, openedAt: Timestamp? = nil, answeredAt: Timestamp? = nil,
        response: SurveyResponseID? = nil
    ) {
        self.id = id
        self.account = account
        self.contact = contact
        self.survey = survey
        self.trigger = trigger
        self.reference = reference
        self.sentAt = sentAt
        self.openedAt = openedAt
        self.answeredAt = answeredAt
        self.response = response
    }
}

/// Why an invitation was sent (docs/surveys.md, "Triggers").
public enum SurveyTrigger: String, Sendable, CaseIterable, Codable, FieldRepresentable {
    /// CSAT to the ticket's contact, a while after the ticket was resolved.
    case ticketResolved = "ticket_resolved"
    /// NPS to a sample of each account's contacts, every so many days.
    case periodic
    /// CES when the account's required onboarding milestones are all complete.
    case onboardingCompleted = "onboarding_completed"
    /// Sent by hand from the account page or the API.
    case manual
}

/// Where a survey answer came from.
public enum SurveySource {
    /// An answer given on Vitals' own survey pages (`/s/{token}`).
    public static let vitals = "vitals"
}
