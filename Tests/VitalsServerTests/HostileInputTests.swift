import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
@testable import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Requests found by the security probe (issue 26) that crashed the server or left the store unservable. Each must
/// get a clear 4xx, store nothing, and leave the server answering.
@Suite struct HostileInputTests {
    let secret = "whsec_hostile"

    func stripeFixture() throws -> (APIFixture, some ApplicationProtocol) {
        let f = try APIFixture()
        try f.store.setStripeSecret(secret, workspace: f.a, replace: true, at: Timestamp(seconds: 0))
        return (f, f.app())
    }

    func stillServes(_ client: some TestClientProtocol, _ f: APIFixture) async throws {
        try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-02", method: .get, headers: headers(f.readA)) { response in
            #expect(response.status == .ok)
            // Workspace a's hand-worked MRR (APIFixture): 150 in January, 100 after b churns on 15 February.
            let mrr = try periods(response.body).map { $0["mrr"] as? Double }
            #expect(mrr == [150, 100])
        }
    }

    /// Defect 1: `abs(now - t)` overflowed for t = Int64.min before the signature was checked.
    @Test func aStripeSignatureWithAnExtremeTimestampIsRefused() async throws {
        let (f, app) = try stripeFixture()
        try await app.test(.router) { client in
            for t in ["-9223372036854775808", "9223372036854775807"] {
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                fields[HTTPField.Name("Stripe-Signature")!] = "t=\(t),v1=00"
                try await client.execute(uri: "/webhooks/stripe/a", method: .post, headers: fields, body: ByteBuffer(string: "{}")) {
                    response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("from now"))
                }
            }
            try await stillServes(client, f)
        }
        // The check itself: the distance from now to Int64.min is 2^63 + now, which no Int64 holds.
        let now = Timestamp(seconds: 1_700_000_000)
        #expect(throws: StripeSignature.Failure.outsideTolerance(seconds: 9_223_372_038_554_775_808)) {
            try StripeSignature.verify(header: "t=-9223372036854775808,v1=00", payload: [], secrets: [secret], now: now)
        }
        #expect(!WebhookSignature.verify(headerValue: "t=-9223372036854775808,v1=00", secret: secret, body: Data(), now: now.seconds))
    }

    /// Defect 2: amount 1,000,000,000 x quantity 100,000,000 = 10^19 cents passed the checks, and every read of the
    /// store then trapped converting the MRR to Int64.
    @Test func aSubscriptionPastTheMoneyBoundIsRefusedNamingTheField() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            let body = #"[{"subscription_id":"big","account_id":"a","product":"Core","currency":"USD","amount":"1000000000","interval":"month","quantity":100000000,"valid_from":"2024-01-01"}]"#
            try await client.execute(uri: "/api/v1/subscriptions", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("subscriptions[0].amount: amount × quantity is more than one subscription item may bill per interval (10000000000000.00 USD)"))
            }
            // One amount alone past 10^15 minor units: 10,000,000,000,000.01 dollars.
            let alone = body.replacingOccurrences(of: #""1000000000""#, with: #""10000000000000.01""#)
                .replacingOccurrences(of: "100000000,", with: "1,")
            try await client.execute(uri: "/api/v1/subscriptions", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: alone)) {
                response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("subscriptions[0].amount: '10000000000000.01' is too large (the largest amount a record may carry is 10000000000000.00 USD)"))
            }
            // At the bound exactly (10^13 dollars = 10^15 cents, one unit) it is accepted.
            let edge = alone.replacingOccurrences(of: "10000000000000.01", with: "10000000000000")
            try await client.execute(uri: "/api/v1/subscriptions", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: edge)) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-01", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                // 150 dollars + 10^13 dollars.
                let mrr = try periods(response.body).map { $0["mrr"] as? Double }
                #expect(mrr == [10_000_000_000_150])
            }
        }
        #expect(try f.store.dataset(workspace: f.a).subscriptions.count == 3)
    }

    /// Defect 2, through Stripe: unit_amount 9e12 x quantity 1e8 trapped in SubscriptionHistory's multiply.
    @Test func aSignedStripeEventPastTheMoneyBoundIsRefused() async throws {
        let (f, app) = try stripeFixture()
        let start = Timestamp(year: 2024, month: 1, day: 15).seconds
        let subscription = #"""
            {"id":"sub_X","object":"subscription","customer":"cus_X","status":"active","start_date":\#(start),"items":{"data":[
             {"quantity":100000000,"price":{"id":"price_x","currency":"usd","unit_amount":9000000000000,"product":"prod_x",
              "recurring":{"interval":"month","interval_count":1}}}]}}
            """#
        let event = #"{"id":"evt_x","object":"event","type":"customer.subscription.created","created":\#(start),"data":{"object":\#(subscription)}}"#
        try await app.test(.router) { client in
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            fields[HTTPField.Name("Stripe-Signature")!] = StripeSignature.header(
                payload: Array(event.utf8), secret: secret, timestamp: Int64(Date().timeIntervalSince1970))
            try await client.execute(uri: "/webhooks/stripe/a", method: .post, headers: fields, body: ByteBuffer(string: event)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("price price_x: unit_amount amount × quantity is more than"))
            }
            try await stillServes(client, f)
        }
        #expect(try f.store.dataset(workspace: f.a).index(of: "cus_X") == nil)
    }
}

/// Defect 3: `POST /api/v1/accounts` and `DELETE /api/v1/accounts/{id}` answered 404, the GET routes on the same
/// paths shadowing the generic record routes, though the OpenAPI document listed them.
@Suite struct RecordRouteTests {
    @Test func accountsAreCreatedAndDeletedThroughTheirOwnPaths() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/accounts", method: .post, headers: headers(f.ingestA),
                body: ByteBuffer(string: #"[{"account_id":"c","name":"C Corp","industry":"Retail"}]"#)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(String(buffer: response.body) == #"{"stored":1}"#)
            }
            try await client.execute(uri: "/api/v1/accounts/c", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""name":"C Corp""#))
            }
            try await client.execute(uri: "/api/v1/accounts/c", method: .delete, headers: headers(f.ingestA)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"deleted":1}"#)
            }
            try await client.execute(uri: "/api/v1/accounts/c", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .notFound)
            }
            // A name that is no kind, and a keyed kind deleted by id, explain themselves.
            try await client.execute(uri: "/api/v1/widgets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: "[]")) {
                response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("no record kind 'widgets'"))
            }
            // A method the document does not list for a path it lists: 405 naming those it does (schemathesis, ST204).
            try await client.execute(uri: "/api/v1/accounts", method: .put, headers: headers(f.ingestA), body: ByteBuffer(string: "[]")) {
                response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD, POST")
            }
            try await client.execute(uri: "/api/v1/kpis", method: HTTPRequest.Method("TRACE")!, headers: headers(f.readA)) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
            try await client.execute(uri: "/api/v1/onboarding/x", method: .delete, headers: headers(f.ingestA)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("onboarding have no id to delete by"))
            }
        }
        #expect(try f.store.dataset(workspace: f.a).index(of: "c") == nil)
    }
}

/// Defects 4, 5, 8 and 9 of the security probe.
@Suite struct HostileFormTests {
    /// Defect 4: the formula guard was skipped for any value with a comma, quote or line break, and a leading tab or
    /// carriage return was not guarded at all.
    @Test func downloadsNeutraliseFormulasWhateverElseTheValueHolds() {
        #expect(DataTable.field(#"=HYPERLINK("http://evil.example","Open")"#) == #""'=HYPERLINK(""http://evil.example"",""Open"")""#)
        #expect(DataTable.field("=1+2") == "'=1+2")
        #expect(DataTable.field("\t=1+2") == "'\t=1+2")
        #expect(DataTable.field("\r=1") == "\"'\r=1\"")
        #expect(DataTable.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(DataTable.field("-12.5") == "-12.5")
        #expect(DataTable.field("-cmd") == "'-cmd")
        #expect(DataTable.field("Acme, Inc.") == "\"Acme, Inc.\"")
    }

    /// Defect 5: `/<TAB>/evil.example` was taken as a same-site path; browsers read it as `//evil.example`.
    @Test func signInSendsPeopleOnlyToPathsOfThisSite() {
        #expect(LoginController.safeNext("/\t/evil.example") == "/")
        #expect(LoginController.safeNext("/\n/evil.example") == "/")
        #expect(LoginController.safeNext("//evil.example") == "/")
        #expect(LoginController.safeNext("/\\evil.example") == "/")
        #expect(LoginController.safeNext("https://evil.example") == "/")
        #expect(LoginController.safeNext("/accounts?segment=csm%3Dana") == "/accounts?segment=csm%3Dana")
    }

    /// Defect 9: weak passwords were accepted, and bcrypt ignores what follows the 72nd byte.
    @Test func passwordsAreLongEnoughAndNoLongerThanBcryptReads() {
        #expect(Passwords.problem("aaaaaaaaaa") == "a password must not be one character repeated")
        #expect(Passwords.problem(String(repeating: " ", count: 12)) == "a password must not be only spaces")
        #expect(Passwords.problem("1234567890") == "a password must not be a run of neighbouring characters")
        #expect(Passwords.problem("short1") == "a password needs at least 10 characters")
        #expect(Passwords.problem(String(repeating: "ab", count: 37)) == "a password may have at most 72 bytes (UTF-8)")
        #expect(Passwords.problem("correct horse battery") == nil)
        #expect(Passwords.problem(String(repeating: "ab", count: 36)) == nil)
    }

    /// Defect 8: forms send spaces as `+`, which reached the segment parser as is; a literal plus is `%2B`.
    @Test func aFormsPlusIsASpaceInQueriesOfPagesAndTheAPI() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-01&segment=industry+in+(Retail,+Media)", method: .get, headers: headers(f.readA)) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains(#""segment":"industry in (Retail, Media)""#))
            }
            // Only Retail: a (100) of the two accounts.
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-01&segment=industry+%3D+Retail", method: .get, headers: headers(f.readA)) {
                response in
                let mrr = try periods(response.body).map { $0["mrr"] as? Double }
                #expect(mrr == [100])
            }
        }
    }

    /// Defect 9: a NUL byte was accepted in ids, and the JSON API's messages spoke of CSV files.
    @Test func idsWithControlCharactersAreRefusedAndAPIMessagesSpeakOfTheWorkspace() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            let body = #"[{"ticket_id":"t\u0000x","account_id":"a","opened_at":"2024-02-03"},{"ticket_id":"t2","account_id":"zz","opened_at":"2024-02-03"}]"#
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unprocessableContent)
                let message = String(buffer: response.body)
                #expect(message.contains("tickets[0].ticket_id: must not contain control characters"))
                #expect(message.contains("tickets[1].account_id: unknown account 'zz' (not in this workspace)"))
                #expect(!message.contains(".csv"))
            }
        }
    }
}

/// Defect 7: a record dated 0000-01-01 or 9999-12-31 was accepted, after which every default read of the KPIs and of
/// the accounts answered 400 "too many periods".
@Suite struct DateBoundTests {
    @Test func datesOutsideTheSupportedYearsAreRefusedNamingTheField() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            for (day, field) in [("0000-01-01", "opened_at"), ("9999-12-31T00:00:00Z", "opened_at"), ("2200-01-01", "opened_at")] {
                let body = #"[{"ticket_id":"t1","account_id":"a","\#(field)":"\#(day)"}]"#
                try await client.execute(uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == .unprocessableContent)
                    #expect(String(buffer: response.body) == #"{"error":"tickets[0].opened_at: '\#(day)' is outside the years 1900-2199 that records may fall in"}"#)
                }
            }
            // The first and last days of the range are records' days like any other.
            let edges = #"[{"ticket_id":"t1","account_id":"a","opened_at":"1900-01-01"},{"ticket_id":"t2","account_id":"a","opened_at":"2199-12-31T23:59:59Z"}]"#
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: edges)) {
                response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            // Now the records span 300 years (3,600 months): without from, the report holds the last 600 months.
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                let rows = try periods(response.body)
                #expect(rows.count == 600)
                #expect(rows.first?["period"] as? String == "2150-01")
                #expect(rows.last?["period"] as? String == "2199-12")
            }
        }
    }

    @Test func aStoreWithARecordFromYearZeroIsStillRead() async throws {
        let f = try APIFixture()
        // Written past the checks, as by a version before them.
        var d = try f.store.dataset(workspace: f.a)
        d.tickets = [Ticket(id: "old", account: AccountIndex(0), openedAt: Timestamp(year: 0, month: 1, day: 1), resolvedAt: nil, agentReplies: nil, reopens: nil, firstContactResolution: nil, channel: nil)]
        _ = try f.store.save(d, workspace: f.a)
        try await f.app().test(.router) { client in
            // Without from, the default report holds the last 600 months up to the latest record (February 2024 here).
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                let rows = try periods(response.body)
                #expect(rows.count == 600)
                #expect(rows.last?["period"] as? String == "2024-02")
                #expect(rows.first?["period"] as? String == "1974-03")
            }
            try await client.execute(uri: "/api/v1/accounts/a", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func timestampsParseOnlyInsideTheSupportedYears() throws {
        #expect(try Timestamp.parse("1900-01-01") == Timestamp(year: 1900, month: 1, day: 1))
        #expect(try Timestamp.parse("2199-12-31T23:59:59Z").seconds == Timestamp(year: 2200, month: 1, day: 1).seconds - 1)
        #expect(throws: Timestamp.ParseError.outOfRange("1899-12-31")) { try Timestamp.parse("1899-12-31") }
        #expect(throws: Timestamp.ParseError.outOfRange("9999-12-31T00:00:00+01:00")) { try Timestamp.parse("9999-12-31T00:00:00+01:00") }
        #expect(Timestamp(checkedSeconds: -9_223_372_036_854_775_808) == nil)
        #expect(Timestamp(checkedSeconds: 0) == Timestamp(seconds: 0))
    }
}

/// Defect 6: 40 wrong passwords and then the right one signed in, and a flood of attempts queued bcrypt without bound.
@Suite struct SignInLimitTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Date(timeIntervalSince1970: 1_800_000_000)
        var now: Date { lock.withLock { value } }
        func advance(_ seconds: TimeInterval) { lock.withLock { value += seconds } }
    }

    func post(_ client: some TestClientProtocol, email: String, password: String) async throws -> (HTTPResponse.Status, String?) {
        let csrf = "t0k3n"
        let body = "csrf=\(csrf)&next=%2F&email=\(email)&password=\(password.replacingOccurrences(of: " ", with: "+"))"
        return try await client.execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "vitals_csrf=\(csrf)"],
            body: ByteBuffer(string: body)
        ) { ($0.status, $0.headers[.retryAfter]) }
    }

    @Test func anAccountIsLockedAfterFiveFailuresWhateverThePasswordThen() async throws {
        let f = try DashboardTests.fixture()
        let clock = Clock()
        let app = buildApplication(configuration: .init(port: 0), store: f.store, settings: ReportSettings(), now: { clock.now })
        try await app.test(.router) { client in
            for _ in 0..<5 {
                #expect(try await post(client, email: "ana@a.example", password: "wrong password").0 == .unauthorized)
            }
            // The sixth attempt is refused before any password is checked, the right one included: 15 minutes.
            let locked = try await post(client, email: "ana@a.example", password: DashboardTests.password)
            #expect(locked.0 == .tooManyRequests)
            #expect(locked.1 == "900")
            clock.advance(600)
            #expect(try await post(client, email: "ANA@a.example", password: DashboardTests.password).1 == "300")
            // Once the first failure leaves the 15-minute window, one more attempt is let through: the right one.
            clock.advance(301)
            #expect(try await post(client, email: "ana@a.example", password: DashboardTests.password).0 == .seeOther)
            // Another account is not locked by ana's failures.
            #expect(try await post(client, email: "bo@b.example", password: DashboardTests.password).0 == .seeOther)
        }
    }

    @Test func oneAddressIsLockedAfterTwentyFailuresOverAnyAccounts() async {
        let limits = SignInLimits()
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<20 { await limits.recordFailure(email: "user\(i)@x.example", address: "203.0.113.9", at: t) }
        #expect(await limits.lockedUntil(email: "new@x.example", address: "203.0.113.9", at: t) == t.addingTimeInterval(900))
        #expect(await limits.lockedUntil(email: "new@x.example", address: "203.0.113.10", at: t) == nil)
        await limits.recordSuccess(email: "user0@x.example")
        #expect(await limits.lockedUntil(email: "user0@x.example", address: "198.51.100.1", at: t) == nil)
    }

    @Test func hashingRunsOnBoundedWorkersAndRefusesPastItsQueue() async throws {
        let gate = HashingGate(workers: 1, queue: 1)
        let release = DispatchSemaphore(value: 0)
        /// Waits (at most 10 s) until the gate holds `running` and `waiting` hashes.
        func until(_ running: Int, _ waiting: Int) async throws {
            var tries = 0
            while await gate.load != (running, waiting), tries < 2000 {
                try await Task.sleep(for: .milliseconds(5))
                tries += 1
            }
            #expect(await gate.load == (running, waiting))
        }
        async let first = gate.run { release.wait(); return 1 }
        try await until(1, 0)
        async let second = gate.run { 2 }
        try await until(1, 1)
        // One running, one waiting: a third is refused at once.
        await #expect(throws: HashingGate.Busy.self) { try await gate.run { 3 } }
        release.signal()
        #expect(try await first == 1)
        #expect(try await second == 2)
        try await until(0, 0)
        #expect(try await gate.run { 4 } == 4)
    }
}

/// Found by scripts/fuzz: a survey answer whose scale_min is above its scale_max (11 on an NPS question, whose maximum
/// defaults to 10) was reported, and then the score's check built the range 11...10, which traps: one request took the
/// server down.
@Suite struct FuzzFindingsTests {
    @Test func aScaleWithItsEndsOutOfOrderIsAnErrorNotACrash() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            let body = #"[{"response_id":"r1","account_id":"a","survey":"nps","score":9,"scale_min":11,"responded_at":"2024-02-01"}]"#
            try await client.execute(uri: "/api/v1/survey_responses", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body) == #"{"error":"survey_responses[0].scale_max: must be greater than scale_min (11)"}"#)
            }
        }
    }
}
