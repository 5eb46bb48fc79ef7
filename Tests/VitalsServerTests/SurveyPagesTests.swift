import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import VitalsCore
@testable import VitalsServer
import VitalsApp
import VitalsFormats
import VitalsStore

/// Hosted surveys end to end inside the server, with a clock set by the test: a resolved ticket's CSAT invitation is
/// queued with its email, its link shows the question, the answer lands as a survey response (source `vitals`) that
/// the KPIs see at once, and the same link then says it was used; forged and expired links store nothing; a score
/// from the email takes one comment; manual sends keep the recontact limits and unsubscribes.
@Suite struct SurveyPagesTests {
    /// 2025-03-10 12:00 UTC, moved by the tests.
    final class Clock: Sendable {
        let seconds = Mutex<Int64>(at("2025-03-10T12:00:00Z").seconds)
        var now: Timestamp { Timestamp(seconds: seconds.withLock { $0 }) }
        func advance(_ delta: Int64) { seconds.withLock { $0 += delta } }
    }

    struct Setup: Sendable {
        let f: APIFixture
        let clock: Clock
        let surveys: SurveyService
    }

    /// Workspace a of `APIFixture` with contacts c1 (Ann) and c2 of account a, c3 of b, and ticket T1 of a, asked by
    /// c1, resolved two hours before the clock.
    func setup() async throws -> (Setup, Router<VitalsContext>) {
        let f = try APIFixture()
        let clock = Clock()
        var people = Dataset(accounts: try f.store.accounts(workspace: f.a))!
        people.contacts = [
            Contact(id: "c1", account: AccountIndex(0), name: "Ann", email: "ann@a.example", primary: true),
            Contact(id: "c2", account: AccountIndex(0), email: "cy@a.example"),
            Contact(id: "c3", account: AccountIndex(1), email: "bo@b.example"),
        ]
        let resolved = clock.now.adding(seconds: -7_200)
        people.tickets = [
            Ticket(id: "T1", account: AccountIndex(0), openedAt: resolved.adding(days: -1), resolvedAt: resolved, contact: "c1")
        ]
        try f.store.save(people, workspace: f.a, storedAccounts: try f.store.accountRowIDs(workspace: f.a))
        let now: @Sendable () -> Timestamp = { clock.now }
        let health = HealthService(store: f.store, settings: ReportSettings(), clock: now)
        let writer = IngestWriter(store: f.store, journal: health.cache.journal)
        let surveys = SurveyService(
            store: f.store, cache: health.cache, writer: writer, settings: SurveySettings(triggers: [.ticketResolved]),
            publicURL: "http://surveys.example/", clock: now)
        let router = buildRouter(
            configuration: .init(port: 0), store: f.store, settings: ReportSettings(), health: health,
            surveys: surveys, now: { Date(timeIntervalSince1970: TimeInterval(clock.now.seconds)) })
        return (Setup(f: f, clock: clock, surveys: surveys), router)
    }

    /// The token of the survey link in `text`.
    func token(_ text: String) throws -> String {
        let start = try #require(text.range(of: "http://surveys.example/s/"))
        return String(text[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
    }

    func form(_ fields: String) -> HTTPFields { [.contentType: "application/x-www-form-urlencoded"] }

    @Test func aResolvedTicketsCSATIsAnsweredOnceAndSeenByTheKPIs() async throws {
        let (s, router) = try await setup()
        let sent = try await s.surveys.sendDue(workspace: s.f.a)
        #expect(sent.map(\.id) == ["csat-T1"])
        #expect(try await s.surveys.sendDue(workspace: s.f.a).isEmpty)  // never twice
        let emails = try s.f.store.emails(workspace: s.f.a, filter: EmailFilter(kind: .survey), limit: 10, offset: 0)
        #expect(emails.count == 1)
        let email = try #require(emails.first)
        #expect(email.message.recipient == "ann@a.example" && email.message.reference == "invitation:csat-T1")
        #expect(email.message.subject == "How did we do?")
        // One link per score (1 to 5); the unsubscribe link is the mailer's to add when it sends (MailerTests).
        for score in 1...5 { #expect(email.message.text.contains("?score=\(score)\n")) }
        #expect(!email.message.text.contains("/unsubscribe/"))
        #expect(email.message.html.contains("?score=5"))
        let token = try token(email.message.text)

        try await Application(router: router).test(.router) { client in
            let page = try await client.execute(uri: "/s/\(token)", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(page.0 == .ok)
            #expect(page.1.contains("How satisfied are you with your support request T1?"))
            #expect(page.1.components(separatedBy: "type=\"radio\" name=\"score\"").count - 1 == 5)
            #expect(page.1.contains("aria-label=\"5 – Very satisfied\"") && page.1.contains("<label for=\"comment\""))
            #expect(!page.1.contains("<script") && !page.1.contains("http://") && !page.1.contains("https://"))
            let opened = try await s.surveys.cache.view(s.f.a).dataset.surveyInvitations.first
            #expect(opened?.openedAt == s.clock.now && opened?.answeredAt == nil)

            s.clock.advance(60)
            let answer = try await client.execute(
                uri: "/s/\(token)", method: .post, headers: form(""), body: ByteBuffer(string: "score=4&comment=Quick+and+kind")
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(answer.0 == .ok && answer.1.contains("Thank you!"))

            let view = try await s.surveys.cache.view(s.f.a)
            let response = try #require(view.dataset.surveyResponses.first)
            #expect(response.id == "vitals-csat-T1" && response.score == 4 && response.comment == "Quick and kind")
            #expect(response.source == "vitals" && response.contact == "c1" && response.survey == .csat)
            #expect(view.dataset.surveyInvitations.first?.response == "vitals-csat-T1")
            // March 2025: one CSAT answer, 4 of 1-5: satisfied, CSAT 1; one invitation sent, answered: rate 1.
            let march = Period(grain: .month, containing: CivilDate(year: 2025, month: 3, day: 1))
            let row = view.calculator.report(ReportScope(periods: [march])).rows[0]
            #expect(row[.csat] == .number(1))
            #expect(row[.surveyResponseRate] == .breakdown(["csat": 1]))

            let again = try await client.execute(uri: "/s/\(token)", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(again.0 == .gone && again.1.contains("This survey was already answered"))
            let twice = try await client.execute(
                uri: "/s/\(token)", method: .post, headers: form(""), body: ByteBuffer(string: "score=1")
            ) { $0.status }
            #expect(twice == .gone)
            #expect(try await s.surveys.cache.view(s.f.a).dataset.surveyResponses.map(\.score) == [4])
        }
    }

    @Test func forgedAndExpiredLinksSaySoAndStoreNothing() async throws {
        let (s, router) = try await setup()
        _ = try await s.surveys.sendDue(workspace: s.f.a)
        let email = try #require(try s.f.store.emails(workspace: s.f.a, filter: EmailFilter(), limit: 1, offset: 0).first)
        let token = try token(email.message.text)
        try await Application(router: router).test(.router) { client in
            // One character of the signed fields changed: the signature no longer matches.
            let forged = (token.first == "c" ? "d" : "c") + token.dropFirst()
            for bad in [forged, "nonsense", String(repeating: "x", count: 5000)] {
                let page = try await client.execute(
                    uri: "/s/\(bad)", method: .post, headers: form(""), body: ByteBuffer(string: "score=5")
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(page.0 == .notFound && page.1.contains("This link is not valid"))
            }
            // 30 days (the default token_days) after it was sent, the link has expired.
            s.clock.advance(30 * 86_400)
            let page = try await client.execute(uri: "/s/\(token)?score=5", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(page.0 == .gone && page.1.contains("This survey link has expired"))
        }
        let view = try await s.surveys.cache.view(s.f.a)
        #expect(view.dataset.surveyResponses.isEmpty && view.dataset.surveyInvitations.first?.openedAt == nil)
    }

    @Test func aScoreFromTheEmailTakesOneCommentWithinTheHour() async throws {
        let (s, router) = try await setup()
        guard case .sent = try await s.surveys.sendManual(workspace: s.f.a, account: "a", contact: "c2", survey: .nps) else {
            Issue.record("not sent")
            return
        }
        let email = try #require(try s.f.store.emails(workspace: s.f.a, filter: EmailFilter(), limit: 1, offset: 0).first)
        #expect(email.message.subject == "A quick question: would you recommend us?")
        let token = try token(email.message.text)
        try await Application(router: router).test(.router) { client in
            let off = try await client.execute(uri: "/s/\(token)?score=11", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(off.0 == .unprocessableContent && off.1.contains("Please choose a score from 0 to 10"))
            let scored = try await client.execute(uri: "/s/\(token)?score=9", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(scored.0 == .ok && scored.1.contains("your score of <strong>9</strong> is recorded"))
            #expect(try await s.surveys.cache.view(s.f.a).dataset.surveyResponses.map(\.score) == [9])
            s.clock.advance(600)
            let comment = try await client.execute(
                uri: "/s/\(token)", method: .post, headers: form(""), body: ByteBuffer(string: "comment=Great+reports")
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(comment.0 == .ok && comment.1.contains("Thank you!"))
            let second = try await client.execute(
                uri: "/s/\(token)", method: .post, headers: form(""), body: ByteBuffer(string: "comment=Changed+my+mind")
            ) { $0.status }
            #expect(second == .gone)
        }
        let response = try #require(try await s.surveys.cache.view(s.f.a).dataset.surveyResponses.first)
        #expect(response.score == 9 && response.comment == "Great reports")
    }

    @Test func manualSendsKeepTheLimitsAndUnsubscribes() async throws {
        let (s, router) = try await setup()
        guard case .sent = try await s.surveys.sendManual(workspace: s.f.a, account: "a", contact: "c1", survey: .ces) else {
            Issue.record("not sent")
            return
        }
        // c1 was asked just now: 0 days < 30.
        #expect(
            try await s.surveys.sendManual(workspace: s.f.a, account: "a", contact: "c1", survey: .nps)
                == .refused(.askedRecently(at: s.clock.now, minDays: 30)))
        // 30 days later c1 may be asked again; the ticket's CSAT is past its 7-day look-back by then.
        s.clock.advance(30 * 86_400)
        #expect(try await s.surveys.sendDue(workspace: s.f.a).isEmpty)
        // c2 unsubscribed from surveys: refused, and no trigger writes to them.
        try s.f.store.suppress(Suppression(address: "cy@a.example", scope: .surveys, reason: .unsubscribed, at: s.clock.now), workspace: s.f.a)
        #expect(try await s.surveys.sendManual(workspace: s.f.a, account: "a", contact: "c2", survey: .nps) == .refused(.unsubscribed))
        // c3 is b's contact, not a's.
        #expect(try await s.surveys.sendManual(workspace: s.f.a, account: "a", contact: "c3", survey: .nps) == .refused(.unknownContact))

        try await Application(router: router).test(.router) { client in
            var fields = headers(s.f.ingestA)
            fields[.contentType] = "application/json"
            let refused = try await client.execute(
                uri: "/api/v1/survey_invitations", method: .post, headers: fields,
                body: ByteBuffer(string: #"{"account_id":"a","contact_id":"c2","survey":"nps"}"#)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("survey_invitations.contact_id: refused by unsubscribed"))
            let sent = try await client.execute(
                uri: "/api/v1/survey_invitations", method: .post, headers: fields,
                body: ByteBuffer(string: #"{"account_id":"a","contact_id":"c1","survey":"nps"}"#)
            ) { ($0.status, try json($0.body)) }
            #expect(sent.0 == .created && sent.1["trigger"] as? String == "manual" && sent.1["survey"] as? String == "nps")
            let bad = try await client.execute(
                uri: "/api/v1/survey_invitations", method: .post, headers: fields, body: ByteBuffer(string: #"{"survey":"xyz"}"#)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(bad.0 == .unprocessableContent && bad.1.contains("survey_invitations.account_id: required"))
        }
    }
}

/// An instant from ISO 8601 text.
private func at(_ text: String) -> Timestamp { try! Timestamp.parse(text) }
