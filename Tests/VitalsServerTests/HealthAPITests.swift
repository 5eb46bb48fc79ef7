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

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp
    init(_ start: Timestamp) { current = start }
    var now: Timestamp { lock.withLock { current } }
    func advance(seconds: Int64) { lock.withLock { current = current.adding(seconds: seconds) } }
}

/// A store with workspace `w`: acme (CSM ana, pulse 1: red under the pulse-only model) and bolt (pulse 5: green),
/// both paying since 2026-01-01; the clock stands at 2026-06-01.
struct HealthFixture {
    let store: Store
    let workspace: Int64
    let read: String
    let ingest: String
    let clock = TestClock(Timestamp(year: 2026, month: 6, day: 1))

    init() throws {
        store = try Store(path: NSTemporaryDirectory() + "vitals-health-api-\(UUID().uuidString).sqlite")
        workspace = try store.workspace("w")
        var d = Dataset()
        let acme = d.upsert(Account(id: "acme", name: "Acme", csm: "ana"))
        let bolt = d.upsert(Account(id: "bolt", name: "Bolt", csm: "bo"))
        for (k, a) in [acme, bolt].enumerated() {
            d.subscriptions.append(SubscriptionVersion(
                subscriptionID: SubscriptionID("s\(k)"), account: a, product: "Core", amount: Money(minorUnits: 12_000_00, currency: .usd),
                interval: .year, validFrom: Timestamp(year: 2025, month: 7, day: 1)))
        }
        d.csmPulses = [
            CsmPulse(account: acme, recordedAt: Timestamp(year: 2026, month: 5, day: 20), rating: 1),
            CsmPulse(account: bolt, recordedAt: Timestamp(year: 2026, month: 5, day: 20), rating: 5),
        ]
        try store.save(d, workspace: workspace)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        read = try store.createKey(workspace: workspace, scope: .read, at: now)
        ingest = try store.createKey(workspace: workspace, scope: .ingest, at: now)
        // The workspace was evaluated once before, a day earlier, when nothing held: that first evaluation is the
        // baseline (docs/alerts.md), so what holds now fires.
        _ = try store.recordEvaluation(
            workspace: workspace, at: clock.now.adding(days: -1), fired: [], cleared: [], tasks: []) { _ in [] }
    }

    /// Pulse-only scoring, a `red` rule, a call task for red accounts, and `webhooks`.
    func configuration(webhooks: [WebhookTarget] = []) -> HealthConfiguration {
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        return HealthConfiguration(
            health: HealthSettings(defaultModel: model),
            rules: [AlertRule(id: "red", kind: .turnedRed, severity: "critical")],
            webhooks: webhooks,
            playbooks: [Playbook(name: "call", rules: ["red"], actions: [.task(title: "Call {account}", dueDays: 2, owner: nil)])],
            digests: DigestSettings(grain: .day))
    }

    func service(webhooks: [WebhookTarget] = []) -> HealthService {
        let clock = self.clock
        return HealthService(store: store, settings: ReportSettings(), configuration: configuration(webhooks: webhooks), clock: { clock.now })
    }
}

@Suite struct HealthAPITests {
    /// One as-of rule (issue 27): account a pays 100 a month since 2026-01-01 and opens a ticket at 2026-06-01 10:00,
    /// the last record; the clock stands at 12:00. Default model: billing current (100, weight 15), support load.
    /// As of 12:00 the ticket counts: support 85 (1 ticket), score (15 x 100 + 5 x 85) / 20 = 96.25; as of the start
    /// of the day it does not: support 100, score 100. Pages, API, command and the service all read 00:00: the API's
    /// score and the score the service stores (and puts in tasks) are both 100.
    @Test func theAPIAndTheServiceScoreAsOfTheSameInstant() async throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-asof-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("w")
        var d = Dataset()
        let a = d.upsert(Account(id: "a", name: "A"))
        d.subscriptions = [SubscriptionVersion(
            subscriptionID: "s", account: a, product: "Core", amount: Money(minorUnits: 10_000, currency: .usd),
            validFrom: Timestamp(year: 2026, month: 1, day: 1))]
        d.tickets = [Ticket(id: "t", account: a, openedAt: Timestamp(seconds: Timestamp(year: 2026, month: 6, day: 1).seconds + 10 * 3600))]
        try store.save(d, workspace: workspace)
        let read = try store.createKey(workspace: workspace, scope: .read, at: Date(timeIntervalSince1970: 1_700_000_000))
        let noon = Timestamp(seconds: Timestamp(year: 2026, month: 6, day: 1).seconds + 12 * 3600)
        let service = HealthService(store: store, settings: ReportSettings(), clock: { noon })
        let summary = try await service.evaluate(workspace: workspace)
        #expect(summary.scored == 1)
        let stored = try store.healthHistory(workspace: workspace, account: "a", from: CivilDate(year: 2026, month: 5, day: 1))
        #expect(stored.map(\.day) == [CivilDate(year: 2026, month: 6, day: 1)])
        #expect(stored.map(\.score) == [100])
        let app = buildApplication(configuration: .init(port: 0), store: store, settings: ReportSettings(), health: service)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/accounts/a/health", method: .get, headers: headers(read)) { response in
                let body = try json(response.body)
                #expect(body["at"] as? String == "2026-06-01T00:00:00Z")
                #expect(body["score"] as? Double == 100)
            }
            // An explicit date is the start of that date, the same kind of instant.
            try await client.execute(uri: "/api/v1/accounts/a/health?at=2026-06-02", method: .get, headers: headers(read)) { response in
                let body = try json(response.body)
                #expect(body["score"] as? Double == 96.25)
            }
        }
    }

    @Test func explainsAnAccountsHealthAndListsAlertsTasksAndDigests() async throws {
        let f = try HealthFixture()
        let service = f.service()
        let summary = try await service.evaluate(workspace: f.workspace)
        #expect(summary.scored == 2 && summary.bands == [.red: 1, .green: 1])
        #expect(summary.fired.map(\.subject) == ["acme"])
        #expect(summary.tasks == 1)
        #expect(summary.digest != nil)
        let app = buildApplication(configuration: .init(port: 0), store: f.store, settings: ReportSettings(), health: service)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/accounts/acme/health", method: .get, headers: headers(f.read)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["score"] as? Double == 0)
                #expect(body["band"] as? String == "red")
                #expect(body["next_renewal"] as? String == "2026-07-01")
                let components = try #require(body["components"] as? [[String: Any]])
                let pulse = try #require(components.first { $0["component"] as? String == "csm_pulse" })
                #expect(pulse["value"] as? Double == 1)
                #expect(pulse["effective_weight"] as? Double == 1)
                let risks = try #require(body["risk_factors"] as? [[String: Any]])
                #expect(risks.first?["text"] as? String == "CSM pulse: the CSM rates the account 1/5")
                let history = try #require(body["history"] as? [[String: Any]])
                // The data stops at the pulses of 2026-05-20: health is as of the start of the next day (HealthInstant).
                #expect(history.map { $0["day"] as? String } == ["2026-05-21"])
            }
            try await client.execute(uri: "/api/v1/accounts/nobody/health", method: .get, headers: headers(f.read)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/health?band=red", method: .get, headers: headers(f.read)) { response in
                let body = try json(response.body)
                #expect((body["bands"] as? [String: Int]) == ["red": 1, "yellow": 0, "green": 1])
                #expect((body["accounts"] as? [[String: Any]])?.map { $0["account_id"] as? String } == ["acme"])
            }
            try await client.execute(uri: "/api/v1/revenue-at-risk", method: .get, headers: headers(f.read)) { response in
                let body = try json(response.body)
                #expect(body["revenue_at_risk"] as? Double == 1000)  // acme's 12,000 a year
                #expect((body["by_reason"] as? [String: Double]) == ["red": 1000, "renewal": 0])
            }
            try await client.execute(uri: "/api/v1/alerts?status=open", method: .get, headers: headers(f.read)) { response in
                let alerts = try #require(try json(response.body)["alerts"] as? [[String: Any]])
                #expect(alerts.map { $0["title"] as? String } == ["Acme turned red"])
            }
            var taskID = 0
            try await client.execute(uri: "/api/v1/tasks?owner=ana", method: .get, headers: headers(f.read)) { response in
                let tasks = try #require(try json(response.body)["tasks"] as? [[String: Any]])
                #expect(tasks.map { $0["title"] as? String } == ["Call Acme"])
                #expect(tasks.first?["due_at"] as? String == "2026-06-03T00:00:00Z")
                taskID = tasks.first?["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/v1/tasks?owner=bo", method: .get, headers: headers(f.read)) { response in
                let tasks = try json(response.body)["tasks"] as? [[String: Any]]
                #expect(tasks?.isEmpty == true)
            }
            // Snoozed to a date and given to bo in one PATCH; a bad date is refused with the field named.
            let bad = ByteBuffer(string: #"{"snoozed_until":"2026-13-01"}"#)
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: bad) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("snoozed_until: '2026-13-01' is not a real calendar date"))
            }
            let snooze = ByteBuffer(string: #"{"snoozed_until":"2026-06-10","owner":"bo"}"#)
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: snooze) { response in
                #expect(response.status == .ok)
                let task = try json(response.body)
                #expect(task["owner"] as? String == "bo")
                #expect(task["snoozed_until"] as? String == "2026-06-10T00:00:00Z")
                #expect(task["status"] as? String == "open")
            }
            try await client.execute(uri: "/api/v1/tasks?owner=bo", method: .get, headers: headers(f.read)) { response in
                let tasks = try json(response.body)["tasks"] as? [[String: Any]]
                #expect(tasks?.map { $0["title"] as? String } == ["Call Acme"])
            }
            let wake = ByteBuffer(string: #"{"snoozed_until":null}"#)
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: wake) { response in
                let task = try json(response.body)
                #expect(task["snoozed_until"] is NSNull)
            }
            let close = ByteBuffer(string: #"{"status":"done","closed_by":"ana","note":"called, renewal on track"}"#)
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.read), body: close) { response in
                #expect(response.status == .forbidden)  // closing writes: an ingest key
            }
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: close) { response in
                #expect(response.status == .ok)
                let task = try json(response.body)
                #expect(task["status"] as? String == "done")
                #expect(task["closed_by"] as? String == "ana")
                #expect(task["closed_at"] as? String == "2026-06-01T00:00:00Z")
            }
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: close) { response in
                #expect(response.status == .conflict)
            }
            // A closed task is neither snoozed nor reassigned.
            try await client.execute(uri: "/api/v1/tasks/\(taskID)", method: .patch, headers: headers(f.ingest), body: snooze) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/digests", method: .get, headers: headers(f.read)) { response in
                let digests = try #require(try json(response.body)["digests"] as? [[String: Any]])
                #expect(digests.count == 1)
                let digest = try #require(digests.first?["digest"] as? [String: Any])
                #expect(digest["period"] as? String == "2026-05-31")
            }
        }
    }
}

/// Records what a webhook receiver was sent; answers 500 to the first request, 200 after.
actor Inbox {
    struct Received: Sendable {
        var delivery: String
        var event: String
        var text: String
        var signed: Bool
        var status: Int
        var body: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:] }
    }
    var received: [Received] = []

    func receive(delivery: String, event: String, body: String, signed: Bool) -> Int {
        let status = received.isEmpty ? 500 : 200
        received.append(Received(delivery: delivery, event: event, text: body, signed: signed, status: status))
        return status
    }
}

@Suite struct WebhookDeliveryTests {
    @Test func hmacSHA256MatchesRFC4231() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        #expect(WebhookSignature.hmac(key: Data("Jefe".utf8), message: Data("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let body = Data(#"{"a":1}"#.utf8)
        let header = WebhookSignature.headerValue(secret: "s", timestamp: 100, body: body)
        #expect(header == "t=100,v1=" + WebhookSignature.hmac(key: Data("s".utf8), message: Data("100.{\"a\":1}".utf8)))
        #expect(WebhookSignature.verify(headerValue: header, secret: "s", body: body, now: 100))
        #expect(!WebhookSignature.verify(headerValue: header, secret: "other", body: body, now: 100))
        #expect(!WebhookSignature.verify(headerValue: header, secret: "s", body: Data("{}".utf8), now: 100))
        #expect(!WebhookSignature.verify(headerValue: header, secret: "s", body: body, now: 1000))  // replayed late
    }

    @Test func aReceiverGetsEachAlertOnceSignedAfterARetry() async throws {
        let f = try HealthFixture()
        let inbox = Inbox()
        let secret = "whsec_test"
        let clock = f.clock
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let data = Data(buffer: body)
            let signature = request.headers[HTTPField.Name("Vitals-Signature")!] ?? ""
            let signed = WebhookSignature.verify(headerValue: signature, secret: secret, body: data, now: clock.now.seconds)
            let status = await inbox.receive(
                delivery: request.headers[HTTPField.Name("Vitals-Delivery")!] ?? "", event: request.headers[HTTPField.Name("Vitals-Event")!] ?? "",
                body: String(decoding: data, as: UTF8.self), signed: signed)
            return Response(status: .init(code: status))
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            let hook = WebhookTarget(
                name: "ops", url: "http://127.0.0.1:\(port)/hook", secret: secret, events: ["alert"], maxAttempts: 5,
                backoffSeconds: 10, timeoutSeconds: 5)
            let service = f.service(webhooks: [hook])
            let first = try await service.evaluate(workspace: f.workspace)
            #expect(first.fired.count == 1)
            // Attempt 1: the receiver answers 500; the delivery waits 10 s before attempt 2.
            #expect(try await service.deliverDue() == 0)
            #expect(try await service.deliverDue() == 0)  // not due yet: nothing sent
            clock.advance(seconds: 9)
            #expect(try await service.deliverDue() == 0)
            clock.advance(seconds: 1)
            #expect(try await service.deliverDue() == 1)  // attempt 2: 200
            // The condition still holds: evaluating again fires nothing and sends nothing.
            clock.advance(seconds: 60)
            let second = try await service.evaluate(workspace: f.workspace)
            #expect(second.fired.isEmpty)
            #expect(try await service.deliverDue() == 0)
            let received = await inbox.received
            #expect(received.map(\.status) == [500, 200])
            #expect(received.allSatisfy { $0.signed })
            #expect(Set(received.map(\.delivery)).count == 1)  // the same delivery, retried
            #expect(received.allSatisfy { $0.event == "alert" })
            // One body per evaluation, its alerts in an array (docs/alerts.md, webhooks).
            let accepted = received.filter { $0.status == 200 }.flatMap { ($0.body["alerts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } }
            #expect(accepted == [Int(first.fired[0].id)])  // each alert arrives once
            #expect(received[1].body["type"] as? String == "alerts" && received[1].body["count"] as? Int == 1)
            #expect((received[1].body["alerts"] as? [[String: Any]])?.first?["subject"] as? String == "acme")
            let stored = try f.store.deliveries(workspace: f.workspace)
            #expect(stored.map(\.status) == ["delivered"] && stored.first?.attempts == 2)
        }
    }

    @Test func slackPayloadsAndGivingUp() async throws {
        let f = try HealthFixture()
        let router = Router()
        let inbox = Inbox()
        router.post("/slack") { request, _ -> Response in
            let data = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            _ = await inbox.receive(delivery: "", event: "", body: String(decoding: data, as: UTF8.self), signed: false)
            return Response(status: .serviceUnavailable)
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            let hook = WebhookTarget(
                name: "slack", url: "http://127.0.0.1:\(port)/slack", format: .slack, events: ["alert"], maxAttempts: 2,
                backoffSeconds: 1)
            let service = f.service(webhooks: [hook])
            try await service.evaluate(workspace: f.workspace)
            try await service.deliverDue()
            f.clock.advance(seconds: 1)
            try await service.deliverDue()
            f.clock.advance(seconds: 100)
            try await service.deliverDue()  // no third attempt: it failed for good
            let received = await inbox.received
            #expect(received.count == 2)
            #expect(received.first?.body["text"] as? String == """
                Vitals w: 1 new alert
                • [critical] Acme turned red: health 0, in the red band. Top risks: CSM pulse: the CSM rates the account 1/5 (account Acme, acme)
                """)
            let stored = try f.store.deliveries(workspace: f.workspace)
            #expect(stored.first?.status == "failed")
            #expect(stored.first?.lastError?.contains("HTTP 503") == true)
        }
    }
}

@Suite struct HealthScheduleTests {
    @Test func aWorkspaceIsEvaluatedAgainSoonAfterAWrite() async throws {
        let f = try HealthFixture()
        var configuration = f.configuration()
        configuration.evaluateEverySeconds = 3600
        configuration.afterIngestSeconds = 1
        let clock = f.clock
        let service = HealthService(store: f.store, settings: ReportSettings(), configuration: configuration, clock: { clock.now })
        let loop = Task { await service.run() }
        defer { loop.cancel() }
        func waitFor(_ condition: () throws -> Bool) async throws -> Bool {
            for _ in 0..<100 {
                if try condition() { return true }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            return false
        }
        // The first evaluation runs at once: acme fires.
        #expect(try await waitFor { try f.store.alerts(workspace: f.workspace).count == 1 })
        // Bolt's CSM rates it 1: a write, then the next check (1 s later on the service's clock) re-evaluates.
        var d = try f.store.dataset(workspace: f.workspace)
        d.csmPulses.append(CsmPulse(account: d.index(of: "bolt")!, recordedAt: Timestamp(year: 2026, month: 5, day: 25), rating: 1))
        try f.store.save(d, workspace: f.workspace)
        await service.invalidate(workspace: f.workspace)
        clock.advance(seconds: 2)
        #expect(try await waitFor { try f.store.alerts(workspace: f.workspace).map(\.subject).contains("bolt") })
    }
}
