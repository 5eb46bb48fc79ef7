import Foundation
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// What a survey link shows (docs/surveys.md, "The pages").
public enum SurveyPage: Sendable, Equatable {
    /// Not a link this server signed (or its invitation was deleted).
    case forged
    /// The link's time ran out at the instant given.
    case expired(Timestamp)
    /// Already answered, and no comment may be added.
    case used(company: String?)
    /// The question, not answered yet; `invalidScore` when a submitted score was missing or off the scale.
    case question(SurveyQuestion, company: String?, invalidScore: Bool)
    /// Answered with `score` (from the email); a comment may still be added.
    case comment(SurveyQuestion, score: Double, company: String?)
    /// Just answered.
    case thanks(company: String?)
}

extension SurveyService {
    /// After an answer given by clicking a score in the email, a comment may be added for this long.
    public static let commentWindowSeconds: Int64 = 3600
    /// The longest comment kept, in characters.
    public static let commentLimit = 2000

    /// What `token` shows: the question (marking the invitation opened on the first view), or, with `score`, the
    /// score recorded at once and the comment offered.
    public func view(token: String, score: String?) async throws -> SurveyPage {
        let found: Found
        switch try await find(token) {
        case .failure(let failure): return failure.page
        case .success(let f): found = f
        }
        let now = clock()
        if found.invitation.answeredAt != nil { return commentPage(found, now: now) ?? .used(company: found.company) }
        if let score {
            guard let value = Int(score), found.question.scores.contains(value) else {
                return .question(found.question, company: found.company, invalidScore: true)
            }
            try await record(found, score: Double(value), comment: nil, at: now)
            return .comment(found.question, score: Double(value), company: found.company)
        }
        if found.invitation.openedAt == nil {
            var opened = found.invitation
            opened.openedAt = now
            try await save(found, invitation: opened, response: nil)
        }
        return .question(found.question, company: found.company, invalidScore: false)
    }

    /// Takes the form of `token`: a score (with an optional comment) for an invitation not yet answered, or the
    /// comment after a score given in the email.
    public func submit(token: String, score: String?, comment: String?) async throws -> SurveyPage {
        let found: Found
        switch try await find(token) {
        case .failure(let failure): return failure.page
        case .success(let f): found = f
        }
        let now = clock()
        let comment = Self.cleaned(comment)
        if found.invitation.answeredAt != nil {
            guard commentPage(found, now: now) != nil, let comment, var response = found.response else {
                return .used(company: found.company)
            }
            response.comment = comment
            try await save(found, invitation: found.invitation, response: response)
            return .thanks(company: found.company)
        }
        guard let score, let value = Int(score), found.question.scores.contains(value) else {
            return .question(found.question, company: found.company, invalidScore: true)
        }
        try await record(found, score: Double(value), comment: comment, at: now)
        return .thanks(company: found.company)
    }

    /// An invitation found by its token, with what its pages show.
    struct Found: Sendable {
        var workspace: Int64
        var invitation: SurveyInvitation
        var account: AccountID
        var response: SurveyResponse?
        var question: SurveyQuestion
        /// The name the pages speak for (`[surveys] company`); `nil` when not set.
        var company: String?
    }

    /// The invitation `token` names, or the page that says why there is none.
    func find(_ token: String) async throws -> Result<Found, SurveyPageFailure> {
        let key = try store.serverSecret("links", at: clock())
        let fields: [String]
        switch SignedLink.open(token, key: key, now: clock()) {
        case .failure(.forged): return .failure(SurveyPageFailure(.forged))
        case .failure(.expired(let at)): return .failure(SurveyPageFailure(.expired(at)))
        case .success(let f): fields = f
        }
        guard fields.count == 3, fields[0] == "survey", let workspace = Int64(fields[1]),
            try store.workspaceIDs().contains(workspace)
        else { return .failure(SurveyPageFailure(.forged)) }
        let dataset = try await cache.view(workspace).dataset
        guard let invitation = dataset.surveyInvitations.first(where: { $0.id.rawValue == fields[2] }) else {
            return .failure(SurveyPageFailure(.forged))
        }
        let settings = try settings(workspace: workspace)
        let company = settings.company
        let response = invitation.response.flatMap { id in dataset.surveyResponses.first { $0.id == id } }
        let question = SurveyQuestion.of(
            invitation.survey, company: company, ticket: invitation.trigger == .ticketResolved ? invitation.reference : nil)
        return .success(
            Found(
                workspace: workspace, invitation: invitation, account: dataset[invitation.account].id, response: response,
                question: question, company: company))
    }

    /// The comment page, while a score given in the email may still get its comment.
    private func commentPage(_ found: Found, now: Timestamp) -> SurveyPage? {
        guard let response = found.response, response.comment == nil, let answered = found.invitation.answeredAt,
            now.seconds - answered.seconds <= Self.commentWindowSeconds
        else { return nil }
        return .comment(found.question, score: response.score, company: found.company)
    }

    /// Stores the answer as a `survey_responses` record (source `vitals`) and marks the invitation answered.
    private func record(_ found: Found, score: Double, comment: String?, at now: Timestamp) async throws {
        let id = SurveyResponseID("vitals-" + found.invitation.id.rawValue)
        var invitation = found.invitation
        invitation.openedAt = invitation.openedAt ?? now
        invitation.answeredAt = now
        invitation.response = id
        let response = SurveyResponse(
            id: id, account: invitation.account, survey: invitation.survey, score: score, respondedAt: now,
            contact: invitation.contact.rawValue, comment: comment, source: SurveySource.vitals)
        try await save(found, invitation: invitation, response: response)
    }

    /// Writes the invitation (and the response) through the ingest writer, one answer per invitation at a time.
    private func save(_ found: Found, invitation: SurveyInvitation, response: SurveyResponse?) async throws {
        let key = "\(found.workspace)/\(invitation.id.rawValue)"
        guard answering.insert(key).inserted else { throw SurveyAnswerBusy() }
        defer { answering.remove(key) }
        let references = try await cache.references(found.workspace)
        guard let stored = references.indexes[found.account.rawValue] else { throw SurveyAnswerBusy() }
        var records = Dataset(accounts: references.accounts) ?? Dataset()
        var invitation = invitation
        invitation.account = AccountIndex(stored)
        records.surveyInvitations = [invitation]
        if var response {
            response.account = AccountIndex(stored)
            records.surveyResponses = [response]
        }
        try await writer.save(
            SaveRequest(records, workspace: found.workspace, storedAccounts: references.rows), changesReferences: false)
        await cache.invalidate(found.workspace, references: false)
    }

    /// A comment trimmed and cut to `commentLimit` characters; `nil` when empty.
    static func cleaned(_ comment: String?) -> String? {
        guard let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return String(text.prefix(commentLimit))
    }
}

/// The page shown instead of an invitation.
struct SurveyPageFailure: Error {
    let page: SurveyPage
    init(_ page: SurveyPage) { self.page = page }
}

/// Another answer to the same invitation is being written at this moment.
public struct SurveyAnswerBusy: Error, CustomStringConvertible {
    public var description: String { "this survey is being answered in another window" }
}
