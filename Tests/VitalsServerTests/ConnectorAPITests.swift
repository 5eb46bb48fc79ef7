import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The connector routes over HTTP: Stripe's webhook, Segment's tracking API and PostHog's capture API.
@Suite struct ConnectorAPITests {
    let store: Store
    let workspace: Int64
    let ingest: String
    let read: String
    let secret = "whsec_vitals_test"

    init() throws {
        store = try Store(path: NSTemporaryDirectory() + "vitals-connect-\(UUID().uuidString).sqlite")
        workspace = try store.workspace("shop")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        ingest = try store.createKey(workspace: workspace, scope: .ingest, at: now)
        read = try store.createKey(workspace: workspace, scope: .read, at: now)
        try store.setStripeSecret(secret, workspace: workspace, replace: true, at: Timestamp(seconds: 0))
    }

    func app() -> some ApplicationProtocol {
        buildApplication(configuration: .init(port: 0), store: store, settings: ReportSettings())
    }

    static func t(_ y: Int, _ m: Int, _ d: Int) -> Int64 { Timestamp(year: y, month: m, day: d).seconds }

    static func subscription(_ id: String, _ customer: String, status: String, start: Int64, amount: Int, quantity: Int,
                             trialEnd: Int64? = nil, endedAt: Int64? = nil) -> String {
        #"""
        {"id":"\#(id)","object":"subscription","customer":"\#(customer)","status":"\#(status)","start_date":\#(start),
         "trial_start":\#(trialEnd == nil ? "null" : String(start)),"trial_end":\#(trialEnd.map(String.init) ?? "null"),"ended_at":\#(endedAt.map(String.init) ?? "null"),
         "items":{"data":[{"quantity":\#(quantity),"current_period_start":\#(start),"current_period_end":\#(start + 2_592_000),
           "price":{"id":"price_\#(amount)","currency":"usd","unit_amount":\#(amount),"product":"prod_core","recurring":{"interval":"month","interval_count":1}}}]}}
        """#
    }

    static func event(_ id: String, _ type: String, _ created: Int64, _ object: String) -> String {
        #"{"id":"\#(id)","object":"event","type":"\#(type)","created":\#(created),"data":{"object":\#(object)}}"#
    }

    /// A: 2 x 50.00 from 15 January, 3 seats from 15 March. C: trial 1-15 February, then 30.00, canceled 1 April.
    static let events = [
        event("evt_a1", "customer.subscription.created", t(2024, 1, 15), subscription("sub_A", "cus_A", status: "active", start: t(2024, 1, 15), amount: 5_000, quantity: 2)),
        event("evt_c1", "customer.subscription.created", t(2024, 2, 1), subscription("sub_C", "cus_C", status: "trialing", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trialEnd: t(2024, 2, 15))),
        event("evt_c2", "customer.subscription.updated", t(2024, 2, 15) + 60, subscription("sub_C", "cus_C", status: "active", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trialEnd: t(2024, 2, 15))),
        event("evt_a2", "customer.subscription.updated", t(2024, 3, 15), subscription("sub_A", "cus_A", status: "active", start: t(2024, 1, 15), amount: 5_000, quantity: 3)),
        event("evt_c3", "customer.subscription.deleted", t(2024, 4, 1), subscription("sub_C", "cus_C", status: "canceled", start: t(2024, 2, 1), amount: 3_000, quantity: 1, trialEnd: t(2024, 2, 15), endedAt: t(2024, 4, 1))),
    ]

    func signed(_ body: String, secret: String? = nil, at: Int64? = nil) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        let now = at ?? Int64(Date().timeIntervalSince1970)
        fields[HTTPField.Name("Stripe-Signature")!] = StripeSignature.header(payload: Array(body.utf8), secret: secret ?? self.secret, timestamp: now)
        return fields
    }

    func kpis(_ client: some TestClientProtocol, _ query: String) async throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        try await client.execute(uri: "/api/v1/kpis?\(query)", method: .get, headers: headers(read)) { response in
            #expect(response.status == .ok)
            rows = try periods(response.body)
        }
        return rows
    }

    @Test func stripeWebhookEventsBecomeTheHandWorkedMRR() async throws {
        try await app().test(.router) { client in
            for body in Self.events {
                try await client.execute(uri: "/webhooks/stripe/shop", method: .post, headers: signed(body), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
            }
            // Jan 100; Feb 100 + 30 (C pays from 15 Feb) = 130; Mar 150 + 30 = 180; Apr 150 (C churns 1 April).
            let rows = try await kpis(client, "from=2024-01&to=2024-04")
            #expect(rows.map { $0["mrr"] as? Double } == [100, 130, 180, 150])
            #expect(rows.map { $0["churned_mrr"] as? Double } == [0, 0, 0, 30])
            let versions = try store.dataset(workspace: workspace).subscriptions.count

            // A redelivery (fresh signature, same event id) is acknowledged and changes nothing.
            try await client.execute(uri: "/webhooks/stripe/shop", method: .post, headers: signed(Self.events[0]), body: ByteBuffer(string: Self.events[0])) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"duplicate\":true"))
            }
            // A new event with a bad signature, a stale one (a replay 10 minutes later) or none: 400, nothing stored.
            let fresh = Self.event("evt_new", "customer.subscription.created", Self.t(2024, 4, 2),
                                   Self.subscription("sub_N", "cus_N", status: "active", start: Self.t(2024, 4, 2), amount: 9_900, quantity: 1))
            let stale = Int64(Date().timeIntervalSince1970) - 600
            for fields in [signed(fresh, secret: "whsec_wrong"), signed(fresh, at: stale), headers(nil)] {
                try await client.execute(uri: "/webhooks/stripe/shop", method: .post, headers: fields, body: ByteBuffer(string: fresh)) { response in
                    #expect(response.status == .badRequest)
                }
            }
            try await client.execute(uri: "/webhooks/stripe/nowhere", method: .post, headers: signed(fresh), body: ByteBuffer(string: fresh)) { response in
                #expect(response.status == .notFound)
            }
            #expect(try store.dataset(workspace: workspace).subscriptions.count == versions)
            #expect(try store.dataset(workspace: workspace).index(of: "cus_N") == nil)
        }
    }

    @Test func anEventInACurrencyWithoutARateIsRetriedUntilTheRateExists() async throws {
        let eur = Self.event("evt_eur", "customer.subscription.created", Self.t(2024, 1, 1),
            Self.subscription("sub_E", "cus_E", status: "active", start: Self.t(2024, 1, 1), amount: 10_000, quantity: 1)
                .replacingOccurrences(of: "\"usd\"", with: "\"eur\""))
        try await app().test(.router) { client in
            try await client.execute(uri: "/webhooks/stripe/shop", method: .post, headers: signed(eur), body: ByteBuffer(string: eur)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("no rate for EUR"))
            }
            #expect(try store.dataset(workspace: workspace).subscriptions.isEmpty)
            let rates = #"[{"date":"2024-01-01","currency":"EUR","rate":1.10}]"#
            try await client.execute(uri: "/api/v1/fx_rates", method: .post, headers: headers(ingest), body: ByteBuffer(string: rates)) { response in
                #expect(response.status == .ok)
            }
            // Stripe's retry of the same event is now applied (it was not recorded as seen).
            try await client.execute(uri: "/webhooks/stripe/shop", method: .post, headers: signed(eur), body: ByteBuffer(string: eur)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"duplicate\":false"))
            }
            // 100.00 EUR at 1.10 = 110.00 USD.
            let rows = try await kpis(client, "from=2024-01&to=2024-01")
            #expect(rows.map { $0["mrr"] as? Double } == [110])
        }
    }

    func basic(_ key: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[.authorization] = "Basic " + Data("\(key):".utf8).base64EncodedString()
        return fields
    }

    @Test func segmentBatchesLandOnTheUsersAccount() async throws {
        let batch = #"""
            {"batch":[
              {"type":"group","messageId":"m1","userId":"u1","groupId":"acme","traits":{"name":"Acme Inc","industry":"Retail","employees":120},"timestamp":"2024-03-01T09:00:00Z"},
              {"type":"identify","messageId":"m2","userId":"u1","traits":{"email":"u1@acme.test"},"timestamp":"2024-03-01T09:00:01Z"},
              {"type":"track","messageId":"m3","userId":"u1","event":"Report Viewed","properties":{"report":"mrr","duration_seconds":120},"timestamp":"2024-03-02T10:00:00Z"},
              {"type":"track","messageId":"m4","userId":"u2","event":"Report Viewed","context":{"groupId":"acme"},"timestamp":"2024-03-03T10:00:00Z"},
              {"type":"page","messageId":"m5","anonymousId":"anon-9","name":"Pricing","timestamp":"2024-03-04T10:00:00Z"},
              {"type":"track","messageId":"m6","userId":"u3","event":"Export","context":{"groupId":"globex"},"timestamp":"2024-03-05T10:00:00Z"}
            ]}
            """#
        var plain = ByteBuffer(string: batch)
        let gzipped = try plain.compress(with: .gzip())
        try await app().test(.router) { client in
            var fields = basic(ingest)
            fields[.contentEncoding] = "gzip"
            try await client.execute(uri: "/v1/batch", method: .post, headers: fields, body: gzipped) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                // m3 (u1 via its group call), m4 and m6 stored; m5 has no account.
                #expect(body["stored"] as? Int == 3)
                #expect(body["unattributed"] as? Int == 1)
            }
            // The same batch again: duplicates by messageId.
            try await client.execute(uri: "/v1/batch", method: .post, headers: fields, body: gzipped) { response in
                let body = try json(response.body)
                #expect(body["duplicates"] as? Int == 3)
            }
            // A single track call with the write key in the body; u1's account comes from the stored group call.
            let track = #"{"writeKey":"\#(ingest)","userId":"u1","event":"Export","messageId":"m7","timestamp":"2024-03-06T10:00:00Z"}"#
            try await client.execute(uri: "/v1/track", method: .post, headers: headers(nil), body: ByteBuffer(string: track)) { response in
                #expect(response.status == .ok)
            }
            let dataset = try store.dataset(workspace: workspace)
            let acme = try #require(dataset.index(of: "acme"))
            #expect(dataset[acme].name == "Acme Inc")
            #expect(dataset[acme].industry == "Retail")
            #expect(dataset[acme].attributes["employees"] == "120")
            #expect(dataset.usageEvents.count == 4)
            // March: users u1, u2, u3 active; accounts acme and globex.
            let rows = try await kpis(client, "from=2024-03&to=2024-03")
            #expect(rows[0]["active_users"] as? Double == 3)
            #expect(rows[0]["active_accounts"] as? Double == 2)
        }
    }

    @Test func badTrackingRequestsAreRefusedWhole() async throws {
        try await app().test(.router) { client in
            let ok = #"{"type":"track","messageId":"x1","userId":"u1","event":"E","context":{"groupId":"acme"}}"#
            // Unknown key, a read key, no key.
            for (fields, status) in [(basic("vk_000000000000_" + String(repeating: "0", count: 48)), HTTPResponse.Status.unauthorized),
                                     (basic(read), .forbidden), (headers(nil), .unauthorized)] {
                try await client.execute(uri: "/v1/batch", method: .post, headers: fields, body: ByteBuffer(string: #"{"batch":[\#(ok)]}"#)) { response in
                    #expect(response.status == status)
                }
            }
            // A message over 32 KB in an otherwise good batch, and a batch over 500 KB: 413.
            let big = #"{"type":"track","messageId":"x2","userId":"u1","event":"E","context":{"groupId":"acme"},"properties":{"blob":"\#(String(repeating: "x", count: 33 * 1024))"}}"#
            try await client.execute(uri: "/v1/batch", method: .post, headers: basic(ingest), body: ByteBuffer(string: #"{"batch":[\#(ok),\#(big)]}"#)) { response in
                #expect(response.status == .contentTooLarge)
            }
            let many = (0..<40).map { i in #"{"type":"track","messageId":"y\#(i)","userId":"u1","event":"E","context":{"groupId":"acme"},"properties":{"blob":"\#(String(repeating: "y", count: 14 * 1024))"}}"# }
            try await client.execute(uri: "/v1/batch", method: .post, headers: basic(ingest), body: ByteBuffer(string: #"{"batch":[\#(many.joined(separator: ","))]}"#)) { response in
                #expect(response.status == .contentTooLarge)
            }
            // The same batch gzipped is small on the wire, but 500 KB is the limit of the JSON: 413.
            var plain = ByteBuffer(string: #"{"batch":[\#(many.joined(separator: ","))]}"#)
            var gzipped = basic(ingest)
            gzipped[.contentEncoding] = "gzip"
            let compressed = try plain.compress(with: .gzip())
            #expect(compressed.readableBytes < 100_000)
            try await client.execute(uri: "/v1/batch", method: .post, headers: gzipped, body: compressed) { response in
                #expect(response.status == .contentTooLarge)
            }
            // A malformed message (track without an event) spoils the batch: 400.
            try await client.execute(uri: "/v1/batch", method: .post, headers: basic(ingest), body: ByteBuffer(string: #"{"batch":[\#(ok),{"type":"track","userId":"u1"}]}"#)) { response in
                #expect(response.status == .badRequest)
            }
            #expect(try store.dataset(workspace: workspace).usageEvents.isEmpty)
            #expect(try store.dataset(workspace: workspace).accounts.isEmpty)
        }
    }

    @Test func posthogCaptureUsesTheCompanyGroup() async throws {
        let body = #"""
            {"api_key":"\#(ingest)","batch":[
              {"event":"$groupidentify","distinct_id":"$company_acme","properties":{"$group_type":"company","$group_key":"acme","$group_set":{"name":"Acme Inc"}},"uuid":"p0","timestamp":"2024-03-01T09:00:00Z"},
              {"event":"dashboard_opened","distinct_id":"u1","properties":{"$groups":{"company":"acme","team":"t1"},"plan":"pro","$lib":"posthog-python"},"uuid":"p1","timestamp":"2024-03-02T09:00:00+00:00"},
              {"event":"$identify","distinct_id":"u1","properties":{},"uuid":"p2"},
              {"event":"dashboard_opened","distinct_id":"u2","properties":{"$groups":{"company":"acme"}},"uuid":"p3","timestamp":"2024-03-03T09:00:00Z"}
            ]}
            """#
        try await app().test(.router) { client in
            try await client.execute(uri: "/batch/", method: .post, headers: headers(nil), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let answer = try json(response.body)
                #expect(answer["stored"] as? Int == 2)
            }
            let dataset = try store.dataset(workspace: workspace)
            #expect(dataset.accounts.map(\.name) == ["Acme Inc"])
            #expect(dataset.usageEvents.indices.map(dataset.usageEvents.properties(at:)) == [["plan": "pro"], [:]])
            let unknown = #"{"api_key":"vk_ffffffffffff_\#(String(repeating: "f", count: 48))","batch":[]}"#
            try await client.execute(uri: "/batch/", method: .post, headers: headers(nil), body: ByteBuffer(string: unknown)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
