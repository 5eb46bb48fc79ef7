import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Keys: a missing or wrong key is 401, the wrong scope 403, and a key never reaches another workspace.
@Suite struct AccessTests {
    @Test func keysAreRequiredAndScoped() async throws {
        let f = try APIFixture()
        let forged = "vk_" + f.readA.dropFirst(3).prefix(12) + "_" + String(repeating: "0", count: 48)
        try await f.app().test(.router) { client in
            for key in [nil, "nonsense", forged] {
                try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(key)) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(f.ingestA)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.readA),
                body: ByteBuffer(string: #"[{"ticket_id":"t1","account_id":"a","opened_at":"2024-01-02"}]"#)
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(f.adminA)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aKeyOfOneWorkspaceNeverReachesAnother() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            // B's account is invisible to A's key, by id and in lists; A's to B's.
            try await client.execute(uri: "/api/v1/accounts/secret", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/accounts/a", method: .get, headers: headers(f.readB)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/accounts", method: .get, headers: headers(f.readB)) { response in
                let accounts = try #require(try json(response.body)["accounts"] as? [[String: Any]])
                #expect(accounts.map { $0["account_id"] as? String } == ["secret"])
            }
            // A's ingest key cannot refer to B's account, nor delete it.
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA),
                body: ByteBuffer(string: #"[{"ticket_id":"t1","account_id":"secret","opened_at":"2024-01-02"}]"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/accounts/secret", method: .delete, headers: headers(f.ingestA)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-01", method: .get, headers: headers(f.readB)) { response in
                let value = try periods(response.body)[0]["mrr"] as? Double
                #expect(value == 999)
            }
        }
        #expect(try f.store.dataset(workspace: f.b).tickets.isEmpty)
    }

    @Test func theOpenAPIDocumentListsEveryRoute() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            var document: [String: Any] = [:]
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                document = try json(response.body)
            }
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // Every record kind has its own paths (from its description): POST, and DELETE by id or by key fields.
            let records = ["fx_rates", "accounts", "subscriptions", "orders", "trials", "acquisition_costs", "survey_responses",
                           "tickets", "usage_events", "onboarding", "leads", "success_goals", "csm_pulse", "contacts", "activities",
                           "survey_invitations"]
            let byID = ["accounts", "subscriptions", "orders", "trials", "survey_responses", "tickets", "usage_events", "leads", "success_goals",
                        "contacts", "activities", "survey_invitations"]
            #expect(Set(paths.keys) == Set([
                "/api/v1/kpis", "/api/v1/accounts/{id}",
                "/api/v1/openapi.json", "/api/v1/lifetime", "/api/v1/goals", "/api/v1/goals/{id}", "/api/v1/goals/{id}/history",
                "/api/v1/reviews/due", "/api/v1/targets/{id}/reviews", "/api/v1/accounts/{id}/health", "/api/v1/health", "/api/v1/revenue-at-risk",
                "/api/v1/alerts", "/api/v1/alerts/{id}", "/api/v1/tasks", "/api/v1/tasks/{id}", "/api/v1/digests", "/api/v1/audit", "/api/v1/renewals",
                "/api/v1/renewals/forecast", "/api/v1/emails",
            ] + records.map { "/api/v1/\($0)" } + byID.map { "/api/v1/\($0)/{id}" }))
            #expect(paths["/api/v1/accounts"].map { Set($0.keys) } == ["get", "post"])
            #expect(paths["/api/v1/accounts/{id}"].map { Set($0.keys) } == ["get", "delete"])
            #expect(paths["/api/v1/onboarding"].map { Set($0.keys) } == ["post", "delete"])
            // Survey invitations are sent by POST (SurveyAPIController), not upserted.
            #expect((paths["/api/v1/survey_invitations"]?["post"] as? [String: Any])?["operationId"] as? String == "sendSurveyInvitation")
            // Each kind's schema lists its required columns.
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            #expect(schemas["TicketsRecord"]?["required"] as? [String] == ["ticket_id", "account_id", "opened_at"])
            #expect(schemas["CsmPulseRecord"]?["required"] as? [String] == ["account_id", "recorded_at", "rating"])
            // Every documented operation is routed: called with an admin key, none answers 404 or 405.
            var concrete = [
                "/api/v1/kpis": "/api/v1/kpis", "/api/v1/accounts/{id}": "/api/v1/accounts/a",
                "/api/v1/openapi.json": "/api/v1/openapi.json",
                "/api/v1/lifetime": "/api/v1/lifetime",
                "/api/v1/goals": "/api/v1/goals", "/api/v1/goals/{id}": "/api/v1/goals/999",
                "/api/v1/goals/{id}/history": "/api/v1/goals/999/history", "/api/v1/reviews/due": "/api/v1/reviews/due",
                "/api/v1/targets/{id}/reviews": "/api/v1/targets/999/reviews",
                "/api/v1/accounts/{id}/health": "/api/v1/accounts/a/health", "/api/v1/health": "/api/v1/health",
                "/api/v1/revenue-at-risk": "/api/v1/revenue-at-risk", "/api/v1/alerts": "/api/v1/alerts",
                "/api/v1/alerts/{id}": "/api/v1/alerts/1",
                "/api/v1/tasks": "/api/v1/tasks", "/api/v1/tasks/{id}": "/api/v1/tasks/1", "/api/v1/digests": "/api/v1/digests",
                "/api/v1/audit": "/api/v1/audit", "/api/v1/emails": "/api/v1/emails",
                "/api/v1/renewals": "/api/v1/renewals", "/api/v1/renewals/forecast": "/api/v1/renewals/forecast?key=none",
            ]
            for kind in records { concrete["/api/v1/\(kind)"] = "/api/v1/\(kind)" }
            for kind in byID { concrete["/api/v1/\(kind)/{id}"] = "/api/v1/\(kind)/zz9" }
            for (path, operations) in paths {
                for method in operations.keys {
                    let uri = try #require(concrete[path])
                    try await client.execute(
                        uri: uri, method: HTTPRequest.Method(method.uppercased())!, headers: headers(f.adminA),
                        body: ByteBuffer(string: "[]")
                    ) { response in
                        // Hummingbird's own 404 (no route) has no body; the API's 404s explain themselves.
                        let routed = response.status != .notFound || String(buffer: response.body).contains("\"error\"")
                        #expect(routed, "\(method) \(path)")
                        #expect(response.status != .methodNotAllowed)
                    }
                }
            }
        }
    }
}
