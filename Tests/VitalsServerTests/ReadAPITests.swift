import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The read routes: KPIs and accounts of the key's workspace.
@Suite struct ReadAPITests {
    @Test func servesKPIsAsJSON() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-02", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let rows = try periods(response.body)
                #expect(rows.count == 2)
                #expect(rows[0]["period"] as? String == "2024-01")
                #expect(rows[0]["mrr"] as? Double == 150)
                #expect(rows[1]["mrr"] as? Double == 100)
                #expect(rows[1]["churned_mrr"] as? Double == 50)
                #expect(rows[1]["customer_churn_rate"] as? Double == 0.5)
            }
            try await client.execute(
                uri: "/api/v1/kpis?from=2024-02&to=2024-02&segment=industry%3DRetail", method: .get, headers: headers(f.readA)
            ) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 100)
                #expect(rows[0]["customer_churn_rate"] as? Double == 0)
            }
        }
    }

    @Test func rejectsBadQueriesWithTheReason() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?grain=fortnight", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("grain: 'fortnight' is not one of"))
            }
            try await client.execute(uri: "/api/v1/kpis?segment=tier%3Dgold", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("unknown attribute 'tier'"))
            }
            try await client.execute(uri: "/api/v1/accounts?sort=plan", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func listsAndShowsAccounts() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/accounts?sort=-mrr", method: .get, headers: headers(f.readA)) { response in
                let body = try json(response.body)
                #expect(body["total"] as? Int == 2)
                let accounts = try #require(body["accounts"] as? [[String: Any]])
                // a still pays 100 today; b churned in 2024.
                #expect(accounts.map { $0["account_id"] as? String } == ["a", "b"])
                #expect(accounts.map { $0["mrr"] as? Double } == [100, 0])
            }
            try await client.execute(uri: "/api/v1/accounts?limit=1&offset=1&sort=name", method: .get, headers: headers(f.readA)) { response in
                let accounts = try #require(try json(response.body)["accounts"] as? [[String: Any]])
                #expect(accounts.map { $0["name"] as? String } == ["B"])
            }
            try await client.execute(
                uri: "/api/v1/accounts/b?from=2024-01&to=2024-02", method: .get, headers: headers(f.readA)
            ) { response in
                let body = try json(response.body)
                let account = try #require(body["account"] as? [String: Any])
                #expect(account["industry"] as? String == "Media")
                let rows = try #require((body["kpis"] as? [String: Any])?["periods"] as? [[String: Any]])
                #expect(rows.map { $0["mrr"] as? Double } == [50, 0])
            }
        }
    }

    @Test func answersOnARealSocket() async throws {
        let f = try APIFixture()
        try await f.app().test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02", method: .get, headers: headers(f.readA)) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["paying_customers"] as? Int == 1)
            }
        }
    }
}

/// `GET /api/v1/lifetime` on the fixture: as of 2024-02-15 (the last record), a has paid since January 1st (still
/// paying: censored) and b paid from January 1st to February 15th (churned after 45 days = 45 / 30.4375 months).
@Suite struct LifetimeAPITests {
    @Test func servesSurvivalOfTheKeysWorkspace() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/lifetime", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let overall = try #require((body["survival"] as? [String: Any])?["overall"] as? [String: Any])
                #expect(overall["accounts"] as? Int == 2)
                #expect(overall["churned"] as? Int == 1)
                // Kaplan-Meier: 2 at risk when b churns, S = 1 - 1/2 = 0.5, so the median is b's tenure.
                let median = try #require(overall["median_months"] as? Double)
                #expect(abs(median - 45 / 30.4375) < 1e-9)
                // No orders: the purchase models cannot be fitted, and the answer says why.
                #expect(body["clv_error"] is String)
            }
            try await client.execute(uri: "/api/v1/lifetime?by=industry", method: .get, headers: headers(f.readA)) { response in
                let survival = try #require(try json(response.body)["survival"] as? [String: Any])
                let segments = try #require(survival["segments"] as? [[String: Any]])
                #expect(segments.map { $0["segment"] as? String } == ["Media", "Retail"])
            }
            try await client.execute(uri: "/api/v1/lifetime?by=shoe_size", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/lifetime", method: .get, headers: headers(f.ingestA)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}

/// A server sees records written by another process (here: a second `Store` on the same file, as `vitals import`
/// would open it) at its next read, without a restart.
@Suite struct OutsideWriteTests {
    @Test func aWriteByAnotherProcessReachesTheNextRead() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-03&to=2024-03", method: .get, headers: headers(f.readA)) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 100)
            }
            // Another process adds customer c paying 25 from March 1st: March MRR becomes 100 + 25 = 125.
            let other = try Store(path: f.store.path)
            var more = Dataset()
            let c = more.upsert(Account(id: "c", name: "C"))
            more.subscriptions = [
                SubscriptionVersion(
                    subscriptionID: "sc", account: c, product: "Core", amount: Money(minorUnits: 2_500, currency: .usd),
                    validFrom: Timestamp(year: 2024, month: 3, day: 1))
            ]
            try other.save(more, workspace: f.a)
            try await client.execute(uri: "/api/v1/kpis?from=2024-03&to=2024-03", method: .get, headers: headers(f.readA)) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 125)
            }
        }
    }
}

/// The server and the store's dataset snapshot: a first load from the rows leaves a snapshot for the next start, and
/// a snapshot older than the records is never served.
@Suite struct ServerSnapshotTests {
    @Test func aLoadFromTheRowsLeavesASnapshotForTheNextStart() async throws {
        let f = try APIFixture()
        let before = try f.store.load(workspace: f.a).fromSnapshot
        #expect(!before)
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-03&to=2024-03", method: .get, headers: headers(f.readA)) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 100)
            }
        }
        // Written in the background after the view was built: wait for it (a few seconds at most).
        var written = false
        for _ in 0..<100 where !written {
            written = try f.store.load(workspace: f.a).fromSnapshot
            if !written { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(written)
        let bSnapshot = try f.store.load(workspace: f.b).fromSnapshot
        #expect(!bSnapshot)  // b was never read
    }

    @Test func aSnapshotOlderThanTheRecordsIsNotServed() async throws {
        let f = try APIFixture()
        let loaded = try f.store.load(workspace: f.a)
        try f.store.writeSnapshot(loaded.dataset, workspace: f.a, dataVersion: loaded.dataVersion)
        // Customer c pays 25 from March: March MRR is 125 from now on, whatever the snapshot says.
        var more = Dataset()
        let c = more.upsert(Account(id: "c", name: "C"))
        more.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "sc", account: c, product: "Core", amount: Money(minorUnits: 2_500, currency: .usd),
                validFrom: Timestamp(year: 2024, month: 3, day: 1))
        ]
        try f.store.save(more, workspace: f.a)
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-03&to=2024-03", method: .get, headers: headers(f.readA)) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 125)
            }
        }
    }
}
