import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsStore

/// The renewals API (`GET /api/v1/renewals`, `GET`/`PUT /api/v1/renewals/forecast`) and the store's forecast calls,
/// on a real SQLite file: account A pays 12,000.00 a year from 2024-08-01, so a renewal of 12,000.00 ARR is due on
/// 2025-08-01.
@Suite struct RenewalsAPITests {
    /// 2025-08-01T00:00:00Z: 20,089 days to 2025-01-01 + 212 (January to July) = 20,301 days x 86,400 s.
    static let key = "sa|Core|1754006400"

    func fixture() throws -> (store: Store, read: String, ingest: String) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-renewals-\(UUID().uuidString).sqlite")
        let w = try store.workspace("a")
        var d = Dataset()
        let a = d.upsert(Account(id: "A", name: "Acme", csm: "ana"))
        let b = d.upsert(Account(id: "B", name: "Beta"))
        // B's monthly item (no renewals) makes 2025-07-01 the last day the data speaks of: the page's as-of day.
        d.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "sa", account: a, product: "Core", amount: Money(minorUnits: 1_200_000, currency: .usd),
                interval: .year, validFrom: Timestamp(year: 2024, month: 8, day: 1)),
            SubscriptionVersion(
                subscriptionID: "sb", account: b, product: "Core", amount: Money(minorUnits: 1_000, currency: .usd),
                validFrom: Timestamp(year: 2025, month: 7, day: 1)),
        ]
        try store.save(d, workspace: w)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        return (store, try store.createKey(workspace: w, scope: .read, at: now), try store.createKey(workspace: w, scope: .ingest, at: now))
    }

    @Test func theStoreKeepsOneCallPerRenewal() throws {
        let (store, _, _) = try fixture()
        let w = try store.workspace("a")
        _ = try store.setForecastCall(workspace: w, key: Self.key, call: .likely, by: "ana", at: Timestamp(seconds: 10))
        _ = try store.setForecastCall(workspace: w, key: Self.key, call: .atRisk, by: "ben", at: Timestamp(seconds: 20))
        let calls = try store.forecastCalls(workspace: w)
        #expect(calls.count == 1)
        #expect(calls[Self.key] == StoredForecastCall(key: Self.key, call: .atRisk, setBy: "ben", setAt: Timestamp(seconds: 20)))
        #expect(try store.forecastCalls(workspace: try store.workspace("other")).isEmpty)
    }

    @Test func aCallIsSetAndReadBack() async throws {
        let (store, read, ingest) = try fixture()
        let app = buildApplication(
            configuration: .init(port: 0), store: store, settings: ReportSettings(),
            now: { Date(timeIntervalSince1970: 1_751_328_000) })  // 2025-07-01
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/renewals?from=2025-07-01&to=2025-09-30", method: .get, headers: headers(read)) { response in
                #expect(response.status == .ok)
                let renewals = try #require(try json(response.body)["renewals"] as? [[String: Any]])
                #expect(renewals.count == 1)
                #expect(renewals.first?["key"] as? String == Self.key)
                #expect(renewals.first?["due_at"] as? String == "2025-08-01")
                #expect(renewals.first?["arr_before"] as? Double == 12_000)
                #expect(renewals.first?["owner"] as? String == "ana")
                #expect(renewals.first?["forecast"] is NSNull)
            }
            let body = ByteBuffer(string: #"{"key":"\#(Self.key)","forecast":"commit","set_by":"ana"}"#)
            try await client.execute(uri: "/api/v1/renewals/forecast", method: .put, headers: headers(read), body: body) { response in
                #expect(response.status == .forbidden)  // setting writes: an ingest key
            }
            try await client.execute(uri: "/api/v1/renewals/forecast", method: .put, headers: headers(ingest), body: body) { response in
                #expect(response.status == .ok)
                let call = try json(response.body)
                #expect(call["forecast"] as? String == "commit")
            }
            let bad = ByteBuffer(string: #"{"key":"\#(Self.key)","forecast":"maybe","set_by":"ana"}"#)
            try await client.execute(uri: "/api/v1/renewals/forecast", method: .put, headers: headers(ingest), body: bad) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("forecast: 'maybe' is not one of commit, likely, at_risk, lost"))
            }
            let unknown = ByteBuffer(string: #"{"key":"sa|Core|1754092800","forecast":"lost","set_by":"ana"}"#)
            try await client.execute(uri: "/api/v1/renewals/forecast", method: .put, headers: headers(ingest), body: unknown) { response in
                #expect(response.status == .notFound)  // 2025-08-02 is not a due date of sa
            }
            try await client.execute(uri: "/api/v1/renewals/forecast?key=sa%7CCore%7C1754006400", method: .get, headers: headers(read)) { response in
                #expect(response.status == .ok)
                let call = try json(response.body)
                #expect(call["forecast"] as? String == "commit" && call["set_by"] as? String == "ana")
                #expect(call["set_at"] as? String == "2025-07-01")
            }
            try await client.execute(uri: "/api/v1/renewals?from=2025-07-01&to=2025-09-30", method: .get, headers: headers(read)) { response in
                let renewals = try #require(try json(response.body)["renewals"] as? [[String: Any]])
                #expect(renewals.first?["forecast"] as? String == "commit")
            }
        }
    }

    @Test func thePageListsTheRenewalsAndSavesACallFromItsForm() async throws {
        let (store, _, _) = try fixture()
        let w = try store.workspace("a")
        try store.createUser(workspace: w, email: "ana@a.example", name: "Ana", passwordHash: Passwords.hash(DashboardTests.password), at: Date())
        let app = buildApplication(
            configuration: .init(port: 0), store: store, settings: ReportSettings(),
            now: { Date(timeIntervalSince1970: 1_751_328_000) })  // 2025-07-01
        try await app.test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (status, page) = try await DashboardTests.get(client, "/renewals", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains(#"<a href="/renewals" aria-current="page">Renewals</a>"#))
            // The next 90 days from 2025-07-01: 2025-07-01 to 2025-09-28, A's 12,000.00 due 2025-08-01.
            #expect(page.contains("1 renewal due 2025-07-01 to 2025-09-28, ARR $12,000.00 in all"))
            #expect(page.contains(#"<td>Core</td><td>2025-08-01</td><td class="num">$12,000.00</td>"#))
            #expect(page.contains("<td>not calibrated</td>"))
            #expect(page.contains(#"<form method="post" action="/renewals/forecast" class="inline" data-renewal="\#(Self.key)">"#))
            let csrf = String(try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            let fields = [("csrf", csrf), ("key", Self.key), ("call", "likely"), ("back", "window=90&page=1")]
            // Without the CSRF token: refused, nothing stored.
            #expect(try await GoalEditorTests.post(client, "/renewals/forecast", cookie: cookie, fields: Array(fields.dropFirst())).0 == .forbidden)
            #expect(try store.forecastCalls(workspace: w).isEmpty)
            #expect(try await GoalEditorTests.post(client, "/renewals/forecast", cookie: cookie, fields: fields).0 == .seeOther)
            #expect(try store.forecastCalls(workspace: w)[Self.key]?.call == .likely)
            #expect(try store.forecastCalls(workspace: w)[Self.key]?.setBy == "Ana")
            let (_, after) = try await DashboardTests.get(client, "/renewals?window=90", cookie: cookie)
            #expect(after.contains(#"<option value="likely" selected>Likely</option>"#))
            // The last closed quarter, 2025-Q2: nothing was due, and the view has the outcome columns.
            let (_, closed) = try await DashboardTests.get(client, "/renewals?window=closed", cookie: cookie)
            #expect(closed.contains("0 renewals due 2025-04-01 to 2025-06-30, ARR $0.00 in all"))
            #expect(closed.contains(#"<th scope="col">Outcome</th><th scope="col">Came true</th>"#))
        }
    }

    /// The revenue page's churn by cause: in the API fixture, B's 50.00 a month ends on 2024-02-15 with no reason.
    @Test func theRevenuePageSplitsChurnedMRRByCauseAndReason() async throws {
        let f = try DashboardTests.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (status, page) = try await DashboardTests.get(client, "/revenue?from=2024-02&to=2024-02", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains(#"<table data-table="churn_reasons">"#))
            #expect(page.contains(#"<th class="num" scope="col">Voluntary churned MRR</th><th class="num" scope="col">Delinquent churned MRR</th><th class="num" scope="col">(none)</th>"#))
            // February: churned 50.00 = voluntary 50.00 + delinquent 0.00, all of it without a reason.
            #expect(page.contains(#"<td>2024-02</td><td class="num">$50.00</td><td class="num">$50.00</td><td class="num">$0.00</td><td class="num" data-reason="(none)">$50.00</td>"#))
        }
    }
}
