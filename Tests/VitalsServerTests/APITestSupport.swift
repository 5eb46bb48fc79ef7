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

/// A store in a temporary file with two workspaces and a key of each scope for each.
struct APIFixture {
    let store: Store
    let a: Int64
    let b: Int64
    let readA: String
    let ingestA: String
    let adminA: String
    let readB: String

    /// Workspace a: customer a pays 100 from January 2024, b pays 50 in January and churns on 2024-02-15.
    /// Workspace b: one customer paying 999.
    init() throws {
        store = try Store(path: NSTemporaryDirectory() + "vitals-api-\(UUID().uuidString).sqlite")
        a = try store.workspace("a")
        b = try store.workspace("b")
        var one = Dataset()
        let x = one.upsert(Account(id: "a", name: "A", industry: "Retail"))
        let y = one.upsert(Account(id: "b", name: "B", industry: "Media"))
        one.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "sa", account: x, product: "Core", amount: Money(minorUnits: 10_000, currency: .usd),
                validFrom: Timestamp(year: 2024, month: 1, day: 1)),
            SubscriptionVersion(
                subscriptionID: "sb", account: y, product: "Core", amount: Money(minorUnits: 5_000, currency: .usd),
                validFrom: Timestamp(year: 2024, month: 1, day: 1), validTo: Timestamp(year: 2024, month: 2, day: 15)),
        ]
        try store.save(one, workspace: a)
        var two = Dataset()
        let z = two.upsert(Account(id: "secret", name: "Other company's customer"))
        two.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "s", account: z, product: "Core", amount: Money(minorUnits: 99_900, currency: .usd),
                validFrom: Timestamp(year: 2024, month: 1, day: 1))
        ]
        try store.save(two, workspace: b)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        readA = try store.createKey(workspace: a, scope: .read, at: now)
        ingestA = try store.createKey(workspace: a, scope: .ingest, at: now)
        adminA = try store.createKey(workspace: a, scope: .admin, at: now)
        readB = try store.createKey(workspace: b, scope: .read, at: now)
    }

    func app(maxBodyBytes: Int = 10 << 20) -> some ApplicationProtocol {
        buildApplication(
            configuration: .init(port: 0, maxBodyBytes: maxBodyBytes), store: store, settings: ReportSettings())
    }
}

func headers(_ key: String?, ndjson: Bool = false) -> HTTPFields {
    var fields = HTTPFields()
    if let key { fields[.authorization] = "Bearer \(key)" }
    fields[.contentType] = ndjson ? "application/x-ndjson" : "application/json"
    return fields
}

func json(_ body: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
}

func periods(_ body: ByteBuffer) throws -> [[String: Any]] {
    try #require(try json(body)["periods"] as? [[String: Any]])
}
