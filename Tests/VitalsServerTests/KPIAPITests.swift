import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer

@Suite struct KPIAPITests {
    /// Two customers: a pays 100 from January, b pays 50 in January and churns on 2024-02-15.
    func source() -> KPISource {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: "a", name: "A", industry: "Retail"))
        let b = dataset.upsert(Account(id: "b", name: "B", industry: "Media"))
        dataset.subscriptions = [
            SubscriptionVersion(subscriptionID: "sa", account: a, product: "Core", amount: Money(minorUnits: 10_000, currency: .usd), validFrom: Timestamp(year: 2024, month: 1, day: 1)),
            SubscriptionVersion(subscriptionID: "sb", account: b, product: "Core", amount: Money(minorUnits: 5_000, currency: .usd), validFrom: Timestamp(year: 2024, month: 1, day: 1), validTo: Timestamp(year: 2024, month: 2, day: 15)),
        ]
        return KPISource(dataset: dataset, settings: ReportSettings())
    }

    func periods(_ body: ByteBuffer) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as! [String: Any]
        return object["periods"] as! [[String: Any]]
    }

    @Test func servesKPIsAsJSON() async throws {
        let app = buildApplication(configuration: .init(port: 0), source: source())
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?from=2024-01&to=2024-02", method: .get) { response in
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
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02&segment=industry%3DRetail", method: .get) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["mrr"] as? Double == 100)
                #expect(rows[0]["customer_churn_rate"] as? Double == 0)
            }
        }
    }

    @Test func rejectsBadQueriesWithTheReason() async throws {
        let app = buildApplication(configuration: .init(port: 0), source: source())
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/kpis?grain=fortnight", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("grain: 'fortnight' is not one of"))
            }
            try await client.execute(uri: "/api/v1/kpis?segment=tier%3Dgold", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("unknown attribute 'tier'"))
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-13", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func answersOnARealSocket() async throws {
        let app = buildApplication(configuration: .init(port: 0), source: source())
        try await app.test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/kpis?from=2024-02&to=2024-02", method: .get) { response in
                let rows = try periods(response.body)
                #expect(rows[0]["paying_customers"] as? Int == 1)
            }
        }
    }
}
