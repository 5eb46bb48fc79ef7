import VitalsCore
import VitalsFormats
import VitalsStore

/// What the connectors keep beside the records: Stripe's endpoint secrets, customers, events and subscription
/// observations, and the trackers' groups (docs/integrations/). The SQLite store implements it.
public protocol ConnectorStore: Sendable {
    func stripeSecrets(workspace: Int64) throws(StoreError) -> [String]
    func setStripeSecret(_ secret: String, workspace: Int64, replace: Bool, at now: Timestamp) throws(StoreError)
    /// Applies one Stripe event's (or a backfill's) changes, once per event id.
    func applyStripe(
        _ changes: StripeChanges, workspace: Int64, event: (id: String, type: String)?, source: String, receivedAt: Timestamp
    ) throws(StoreError) -> StripeApplyResult
    func applyTracking(_ messages: [TrackingMessage], workspace: Int64) throws(StoreError) -> TrackingResult
}

extension Store: ConnectorStore {}

/// Every store protocol, the connectors' included: what the server and the command line are given.
public typealias VitalsStorage = WorkspaceStorage & ConnectorStore
