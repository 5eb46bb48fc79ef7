/// A queued webhook delivery.
public struct StoredDelivery: Sendable, Equatable {
    public var id: Int64
    public var workspace: Int64
    public var webhook: String
    public var kind: String
    public var alertID: Int64?
    public var digestID: Int64?
    /// The evaluation whose alerts or playbook messages the delivery carries (deliveries made before migration 0027
    /// carry one alert, `alertID`).
    public var evaluationID: Int64?
    public var payload: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var deliveredAt: Timestamp?

    public init(
        id: Int64, workspace: Int64, webhook: String, kind: String, alertID: Int64? = nil, digestID: Int64? = nil, payload: String, status: String, attempts: Int, nextAttemptAt: Timestamp, lastError: String? = nil, deliveredAt: Timestamp? = nil,
        evaluationID: Int64? = nil
    ) {
        self.id = id
        self.workspace = workspace
        self.webhook = webhook
        self.kind = kind
        self.alertID = alertID
        self.digestID = digestID
        self.evaluationID = evaluationID
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }
}

/// The outcome of one delivery attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Failed for now (5xx, timeout, no connection): try again at `next`.
    case retry(next: Timestamp, error: String)
    /// Failed for good (a 4xx, or out of attempts).
    case failed(error: String)
}

/// A digest as stored.
public struct StoredDigest: Sendable, Equatable {
    public var id: Int64
    public var grain: String
    public var periodStart: Timestamp
    public var periodEnd: Timestamp
    public var createdAt: Timestamp
    /// The digest as JSON.
    public var body: String
    public var text: String

    public init(
        id: Int64, grain: String, periodStart: Timestamp, periodEnd: Timestamp, createdAt: Timestamp, body: String, text: String
    ) {
        self.id = id
        self.grain = grain
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.createdAt = createdAt
        self.body = body
        self.text = text
    }
}
