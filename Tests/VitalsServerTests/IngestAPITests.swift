import CompressNIO
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
@testable import VitalsApp
import VitalsConnectors
@testable import VitalsFormats
@testable import VitalsStore

/// Writing records over HTTP: checked like an import, stored whole or not at all, idempotent by id.
@Suite struct IngestAPITests {
    let tickets = #"""
        [{"ticket_id":"t1","account_id":"a","opened_at":"2024-02-03","resolved_at":"2024-02-03T10:00:00Z","agent_replies":1},
         {"ticket_id":"t2","account_id":"b","opened_at":"2024-02-05","first_contact_resolution":false}]
        """#

    @Test func storedRecordsShowInTheNextRead() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02", method: .get, headers: headers(f.readA)) { response in
                let value = try periods(response.body)[0]["tickets_opened"] as? Int
                #expect(value == 0)
            }
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: tickets)
            ) { response in
                #expect(response.status == .ok)
                let value = try json(response.body)["stored"] as? Int
                #expect(value == 2)
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02", method: .get, headers: headers(f.readA)) { response in
                let row = try periods(response.body)[0]
                #expect(row["tickets_opened"] as? Int == 2)
                // t1: one reply, no reopen, resolved: first contact. t2 is not resolved.
                #expect(row["fcr_rate"] as? Double == 1)
            }
            // A retried request stores nothing twice.
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: tickets)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/tickets/t2", method: .delete, headers: headers(f.ingestA)) { response in
                let value = try json(response.body)["deleted"] as? Int
                #expect(value == 1)
            }
        }
        #expect(try f.store.dataset(workspace: f.a).tickets.map(\.id) == ["t1"])
    }

    @Test func recordsWithoutAnIdAreDeletedByTheirKey() async throws {
        let f = try APIFixture()
        let milestones = #"[{"account_id":"a","milestone":"kickoff"},{"account_id":"a","milestone":"sso"}]"#
        try await f.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/onboarding", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: milestones)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/api/v1/onboarding?account_id=a&milestone=sso", method: .delete, headers: headers(f.ingestA)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/onboarding?account_id=a", method: .delete, headers: headers(f.ingestA)) { response in
                #expect(response.status == .badRequest)
            }
            // Tickets are deleted by id: DELETE is not a method of /api/v1/tickets.
            try await client.execute(uri: "/api/v1/tickets", method: .delete, headers: headers(f.ingestA)) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
        #expect(try f.store.dataset(workspace: f.a).onboarding.map(\.milestone) == ["kickoff"])
    }

    @Test func usageEventsArriveAsNDJSON() async throws {
        let f = try APIFixture()
        let ndjson = """
            {"event_id":"e1","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-02-01T09:00:00Z","duration_seconds":120,"page":"/home"}

            {"event_id":"e2","account_id":"a","user_id":"u2","event":"export","occurred_at":"2024-02-02T09:00:00Z"}
            """
        try await f.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/usage_events", method: .post, headers: headers(f.ingestA, ndjson: true),
                body: ByteBuffer(string: ndjson)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02", method: .get, headers: headers(f.readA)) { response in
                let value = try periods(response.body)[0]["active_users"] as? Int
                #expect(value == 2)
            }
        }
        // The ids stay in the rows; a dataset read from the store is for computing and does not carry them.
        #expect(try usageEventIDs(f.store, f.a) == ["e1", "e2"])
        let events = try f.store.dataset(workspace: f.a).usageEvents
        #expect(events.properties(at: 0) == ["page": "/home"])
        #expect(events.durations[0] == 120)
    }

    @Test func concurrentBatchesAreEachStoredOnceAndWhole() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for k in 0..<8 {
                    // The last request repeats the first (a client retrying): it creates no duplicates.
                    let batch = k == 7 ? 0 : k
                    let body = (0..<50).map { i in
                        #"{"event_id":"b\#(batch)-\#(i)","account_id":"a","user_id":"u\#(i % 3)","event":"login","occurred_at":"2024-02-01T09:00:00Z"}"#
                    }.joined(separator: "\n")
                    group.addTask {
                        try await client.execute(
                            uri: "/api/v1/usage_events", method: .post, headers: headers(f.ingestA, ndjson: true),
                            body: ByteBuffer(string: body)
                        ) { $0.status }
                    }
                }
                for try await status in group { #expect(status == .ok) }
            }
        }
        let ids = try usageEventIDs(f.store, f.a)
        #expect(ids.count == 7 * 50)
        #expect(Set(ids) == Set((0..<7).flatMap { b in (0..<50).map { "b\(b)-\($0)" } }))
    }

    @Test func gzippedBodiesAreAccepted() async throws {
        let f = try APIFixture()
        var plain = ByteBuffer(string: tickets)
        let compressed = try plain.compress(with: .gzip())
        var gzipped = headers(f.ingestA)
        gzipped[.contentEncoding] = "gzip"
        let fields = gzipped
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: fields, body: compressed) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: fields, body: ByteBuffer(string: "not gzip")) { response in
                #expect(response.status == .badRequest)
            }
        }
        #expect(try f.store.dataset(workspace: f.a).tickets.map(\.id) == ["t1", "t2"])
        // A small body that inflates past the limit is refused as too large.
        var bomb = ByteBuffer(string: "[" + String(repeating: " ", count: 100_000) + "]")
        let small = try bomb.compress(with: .gzip())
        #expect(small.readableBytes < 1_000)
        try await f.app(maxBodyBytes: 10_000).test(.router) { client in
            try await client.execute(uri: "/api/v1/tickets", method: .post, headers: fields, body: small) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func badRequestsAreRefusedAndStoreNothing() async throws {
        let f = try APIFixture()
        try await f.app(maxBodyBytes: 300).test(.router) { client in
            // Malformed: 400 naming the first bad element.
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA),
                body: ByteBuffer(string: #"[{"ticket_id":"t1","account_id":"a","opened_at":"2024-02-03"}, 7]"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("element 1 is not a JSON object"))
            }
            // Unknown accounts: 422 listing each, with the element it is in.
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA),
                body: ByteBuffer(string: #"[{"ticket_id":"t1","account_id":"a","opened_at":"2024-02-03"},{"ticket_id":"t2","account_id":"zz","opened_at":"2024-02-03"},{"ticket_id":"t3","account_id":"yy","opened_at":"nope"}]"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let message = String(buffer: response.body)
                #expect(message.contains("tickets[1].account_id: unknown account 'zz'"))
                #expect(message.contains("tickets[2].account_id: unknown account 'yy'"))
                #expect(message.contains("tickets[2].opened_at: 'nope' is not an ISO 8601 date"))
            }
            // Too large: 413.
            try await client.execute(
                uri: "/api/v1/tickets", method: .post, headers: headers(f.ingestA),
                body: ByteBuffer(string: "[" + Array(repeating: #"{"ticket_id":"t","account_id":"a","opened_at":"2024-02-03"}"#, count: 10).joined(separator: ",") + "]")
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/v1/widgets", method: .post, headers: headers(f.ingestA), body: ByteBuffer(string: "[]")) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(try f.store.dataset(workspace: f.a).tickets.isEmpty)
    }
}

/// The ids of a workspace's usage events in the store, in the order they were stored.
private func usageEventIDs(_ store: Store, _ workspace: Int64) throws -> [String] {
    try store.pool.read {
        try String.fetchAll($0, sql: "SELECT external_id FROM usage_event WHERE workspace_id = ? ORDER BY id", arguments: [workspace])
    }
}
