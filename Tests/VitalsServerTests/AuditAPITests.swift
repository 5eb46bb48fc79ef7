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

/// The audit log through the API: admin-key uses, goal changes and reviews are noted with who did them; the list is
/// filtered and paged with its total; only admins read it.
@Suite struct AuditAPITests {
    static let goal = #"{"key":"grow","name":"Grow","deadline":"2099-12-31","target":{"kpi":"mrr","value":500,"deadline":"2099-12-31"}}"#

    @Test func adminKeyUsesAndGoalChangesAreNotedAndListed() async throws {
        let f = try APIFixture()
        let prefix = String(f.adminA.dropFirst(3).prefix(12))
        let readPrefix = String(f.readA.dropFirst(3).prefix(12))
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: Self.goal)) {
                #expect($0.status == .created)
            }
            // A read key's use is not noted; it may not read the log either.
            try await client.execute(uri: "/api/v1/kpis", method: .get, headers: headers(f.readA)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: headers(f.readA)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/audit?limit=0", method: .get, headers: headers(f.adminA)) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("limit: '0'"))
            }
            try await client.execute(uri: "/api/v1/audit?since=yesterday", method: .get, headers: headers(f.adminA)) {
                #expect($0.status == .badRequest)
            }
            // Entries of workspace a so far: the fixture's 3 key.create (read, ingest, admin; the fourth key is b's), by
            // cli; goal.create and key.use (the POST); key.use of the two refused calls (400, 400). This request's own
            // use is noted after it answers.
            try await client.execute(uri: "/api/v1/audit?limit=2", method: .get, headers: headers(f.adminA)) { response in
                let body = try json(response.body)
                #expect(body["total"] as? Int == 3 + 2 + 2)
                let entries = try #require(body["entries"] as? [[String: Any]])
                #expect(entries.count == 2)
                #expect(entries.map { $0["action"] as? String } == ["key.use", "key.use"])
                #expect(entries[0]["change"] as? String == "answered 400")
            }
            try await client.execute(uri: "/api/v1/audit?action=goal.", method: .get, headers: headers(f.adminA)) { response in
                let body = try json(response.body)
                #expect(body["total"] as? Int == 1)
                let entry = try #require((body["entries"] as? [[String: Any]])?.first)
                #expect(entry["actor"] as? String == "key vk_\(prefix)")
                #expect(entry["action"] as? String == "goal.create")
                #expect((entry["target"] as? String)?.hasSuffix("(Grow)") == true)
            }
            try await client.execute(uri: "/api/v1/audit?action=key.create&actor=cli&offset=2", method: .get, headers: headers(f.adminA)) { response in
                let body = try json(response.body)
                // 3 keys made in a, the page starts at the 3rd newest: the first made, the read key.
                #expect(body["total"] as? Int == 3)
                #expect((body["entries"] as? [[String: Any]])?.map { $0["target"] as? String } == ["vk_\(readPrefix)"])
            }
        }
    }
}
