/// A webhook alerts, playbook messages and digests are delivered to (`[[alerts.webhooks]]`, `docs/alerts.md`).
public struct WebhookTarget: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// Vitals' own JSON body.
        case json
        /// A Slack-compatible body: `{"text": "..."}` (incoming webhooks, and tools that accept their format).
        case slack
    }

    public var name: String
    public var url: String
    /// The HMAC-SHA256 signing secret; `nil` sends unsigned.
    public var secret: String?
    public var format: Format
    /// What it receives: `alert`, `playbook`, `digest`.
    public var events: Set<String>
    /// Only alerts of these rules (all when `nil`).
    public var rules: [String]?
    /// Attempts in all before a delivery fails for good.
    public var maxAttempts: Int
    /// The wait before the second attempt; it doubles at each further attempt.
    public var backoffSeconds: Double
    /// How long one attempt may take.
    public var timeoutSeconds: Double

    public init(
        name: String, url: String, secret: String? = nil, format: Format = .json,
        events: Set<String> = ["alert", "digest"], rules: [String]? = nil, maxAttempts: Int = 6, backoffSeconds: Double = 30,
        timeoutSeconds: Double = 10
    ) {
        self.name = name
        self.url = url
        self.secret = secret
        self.format = format
        self.events = events
        self.rules = rules
        self.maxAttempts = maxAttempts
        self.backoffSeconds = backoffSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    /// The wait after failed attempt number `attempt` (1-based): `backoffSeconds x 2^(attempt - 1)`.
    public func backoff(after attempt: Int) -> Double { backoffSeconds * Double(1 << min(max(attempt - 1, 0), 20)) }

    public static let eventKinds: Set<String> = ["alert", "playbook", "digest"]
}

/// When digests are made.
public struct DigestSettings: Sendable, Equatable {
    /// `.day`, `.week`, or `nil` for no digests.
    public var grain: Grain?
    public var kpis: [KPI]
    public init(grain: Grain? = nil, kpis: [KPI] = Digest.defaultKPIs) {
        self.grain = grain
        self.kpis = kpis
    }
}

/// Everything configured about health, alerts, playbooks and digests.
public struct HealthConfiguration: Sendable, Equatable {
    public var health: HealthSettings
    public var rules: [AlertRule]
    public var webhooks: [WebhookTarget]
    public var playbooks: [Playbook]
    public var digests: DigestSettings
    /// How often the server evaluates health and alerts.
    public var evaluateEverySeconds: Int
    /// How soon after records are written to a workspace the server evaluates it again (0: only on the schedule).
    public var afterIngestSeconds: Int
    /// The dashboard's address (`http://host:port`, no trailing slash), for links in webhook messages; `nil`: links
    /// are paths only.
    public var dashboardURL: String?

    public init(
        health: HealthSettings = HealthSettings(), rules: [AlertRule] = [], webhooks: [WebhookTarget] = [],
        playbooks: [Playbook] = [], digests: DigestSettings = DigestSettings(), evaluateEverySeconds: Int = 900,
        afterIngestSeconds: Int = 60
    ) {
        self.health = health
        self.rules = rules
        self.webhooks = webhooks
        self.playbooks = playbooks
        self.digests = digests
        self.evaluateEverySeconds = evaluateEverySeconds
        self.afterIngestSeconds = afterIngestSeconds
    }
}

extension HealthConfiguration {
    /// The segment filters of the configuration that name attributes no account has, as "where: attribute" (such a
    /// filter never matches, which is worth a warning once the data is known).
    public func unknownAttributes(known: Set<String>) -> [String] {
        var filters: [(String, SegmentFilter?)] = health.segmentModels.map { ("[health.segments.\($0.name)]", $0.segment) }
        filters += rules.map { ("alert rule '\($0.id)'", $0.segment) }
        filters += playbooks.map { ("playbook '\($0.name)'", $0.segment) }
        var problems: [String] = []
        for (place, filter) in filters {
            for clause in filter?.clauses ?? [] where !known.contains(clause.attribute) {
                problems.append("\(place): segment attribute '\(clause.attribute)' is not an attribute of any account")
            }
        }
        return problems
    }
}
