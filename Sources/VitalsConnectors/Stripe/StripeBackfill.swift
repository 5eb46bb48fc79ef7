import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads a Stripe account's history through its API: every customer (`GET /v1/customers`) and every subscription
/// of any status (`GET /v1/subscriptions?status=all`), a page of 100 at a time (`has_more` / `starting_after`).
///
/// Each subscription is an observation at `now`: its current terms, reaching back to its start, with its trial and
/// cancellation dates. Stripe's list endpoints do not say when past price or quantity changes happened; the webhook
/// records those as they come.
public struct StripeBackfill: Sendable {
    public var apiKey: String
    /// `https://api.stripe.com` unless testing against a local stand-in.
    public var apiBase: URL
    public var pageSize: Int

    public init(apiKey: String, apiBase: URL = URL(string: "https://api.stripe.com")!, pageSize: Int = 100) {
        self.apiKey = apiKey
        self.apiBase = apiBase
        self.pageSize = pageSize
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What the account holds, as changes for `Store.applyStripe`, with the number of requests made.
    public func fetch(now: Timestamp, progress: (@Sendable (String) -> Void)? = nil) async throws -> (changes: StripeChanges, requests: Int) {
        var changes = StripeChanges()
        var requests = 0
        let customers = try await list("/v1/customers", [], requests: &requests)
        progress?("\(customers.count) customers")
        for c in customers {
            do { changes.customers.append(try StripeMapping.customer(c)) } catch { throw Failure(description: error.description) }
        }
        let subscriptions = try await list(
            "/v1/subscriptions",
            [URLQueryItem(name: "status", value: "all"), URLQueryItem(name: "expand[]", value: "data.discounts")],
            requests: &requests)
        progress?("\(subscriptions.count) subscriptions")
        for s in subscriptions {
            do {
                changes.observations.append(try StripeMapping.subscription(s, observedAt: now))
            } catch {
                throw Failure(description: error.description)
            }
        }
        return (changes, requests)
    }

    /// Every object of a list endpoint, following `has_more` with `starting_after` = the last object's id.
    func list(_ path: String, _ query: [URLQueryItem], requests: inout Int) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var after: String?
        while true {
            var components = URLComponents(url: apiBase.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
            components.queryItems = query + [URLQueryItem(name: "limit", value: String(pageSize))]
                + (after.map { [URLQueryItem(name: "starting_after", value: $0)] } ?? [])
            var request = URLRequest(url: components.url!)
            request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            request.timeoutInterval = 60
            let (data, response) = try await URLSession.shared.data(for: request)
            requests += 1
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            guard status == 200, let body else {
                let message = body?.object("error")?.string("message") ?? String(decoding: data.prefix(200), as: UTF8.self)
                throw Failure(description: "GET \(components.url!.absoluteString) answered \(status): \(message)")
            }
            let page = body.objects("data")
            all += page
            guard body.bool("has_more") == true, let last = page.last?.string("id") else { return all }
            after = last
        }
    }
}
