import Foundation
import HTTPTypes
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `POST /webhooks/stripe/{workspace}`: Stripe's events, checked against the workspace's endpoint secrets
/// (docs/integrations/stripe.md). Answers 200 once the event is applied and durable (or was applied before: a
/// redelivery changes nothing); 400 for a bad, missing or stale signature and for a body that is not an event;
/// 404 for an unknown workspace; 422 for an event that cannot be mapped (Stripe then retries it).
struct StripeWebhookController: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let maxBodyBytes: Int
    /// The clock the signature's timestamp is compared with.
    var now: @Sendable () -> Timestamp = { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    func register(on router: Router<VitalsContext>) {
        router.post("/webhooks/stripe/{workspace}") { request, context in
            try await receive(request, slug: try context.parameters.require("workspace"))
        }
    }

    func receive(_ request: Request, slug: String) async throws -> Response {
        let workspace: Int64
        do {
            workspace = try store.workspace(slug, create: false)
        } catch {
            throw APIError(status: .notFound, message: "no workspace '\(slug)'")
        }
        let body = Array(buffer: try await request.body.collect(upTo: maxBodyBytes))
        let header = HTTPField.Name("Stripe-Signature").flatMap { request.headers[$0] }
        do {
            try StripeSignature.verify(header: header, payload: body, secrets: try store.stripeSecrets(workspace: workspace), now: now())
        } catch let failure as StripeSignature.Failure {
            throw APIError.badRequest("signature: \(failure)")
        }
        guard let event = JSONBody.object(body) else { throw APIError.badRequest("the body is not a JSON object") }
        let mapped: (id: String, type: String, changes: StripeChanges)
        do {
            mapped = try StripeMapping.event(event)
        } catch {
            throw APIError(status: .unprocessableContent, message: error.description)
        }
        let references = try await cache.references(workspace)
        // The workspace's own reporting currency (an admin may have saved another than the server's).
        let reporting = try await cache.settings(workspace).report.reportingCurrency
        let unrated = mapped.changes.unratedCurrencies(reporting: reporting, rated: references.rated)
        guard unrated.isEmpty else {
            throw APIError(
                status: .unprocessableContent,
                message: "event \(mapped.id): no rate for \(unrated.joined(separator: ", ")) (the reporting currency is \(reporting)); add fx_rates, then Stripe's retry is applied")
        }
        let result = try store.applyStripe(
            mapped.changes, workspace: workspace, event: (mapped.id, mapped.type), source: mapped.id, receivedAt: now())
        if !result.duplicate, !mapped.changes.isEmpty { await cache.invalidate(workspace) }
        let applied = !result.duplicate && !mapped.changes.isEmpty
        return .json("{\"received\":true,\"event\":\(ReportJSON.quoted(mapped.id)),\"duplicate\":\(result.duplicate),\"applied\":\(applied)}")
    }
}
