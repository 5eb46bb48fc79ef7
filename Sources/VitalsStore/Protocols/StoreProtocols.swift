import Foundation
import VitalsCore

/// The workspaces and their records (docs/store.md): what imports and the HTTP API write and every report reads.
///
/// The SQLite store (`Store`) implements this and the other store protocols; the application, the server and the
/// command line see only the protocols (`VitalsStorage`, with the connectors' `ConnectorStore`), so that another engine can stand behind them. One test
/// suite (`StoreConformanceTests`) checks every implementation against them.
public protocol RecordStore: Sendable {
    /// Where the store is, for messages: a file's path, a database's address without its password.
    var location: String { get }
    /// The id of the workspace named `slug`, made if `create` and there is none.
    func workspace(_ slug: String, create: Bool) throws(StoreError) -> Int64
    func workspaceIDs() throws(StoreError) -> [Int64]
    func workspaceSlug(_ id: Int64) throws(StoreError) -> String
    /// A number that grows with every write to a workspace's records.
    func dataVersion(workspace: Int64) throws(StoreError) -> Int64

    /// Everything the workspace holds, and the data version it is as of.
    func load(workspace: Int64) throws(StoreError) -> LoadedDataset
    func dataset(workspace: Int64) throws(StoreError) -> Dataset
    func accounts(workspace: Int64) throws(StoreError) -> [Account]
    func accountRowIDs(workspace: Int64) throws(StoreError) -> [Int64]
    func ratedCurrencies(workspace: Int64) throws(StoreError) -> Set<CurrencyCode>
    /// The account of each stored contact: what activities may name.
    func contactOwners(workspace: Int64) throws(StoreError) -> [ContactID: AccountID]
    /// Keeps `dataset` as the fast-load form of the workspace's records at `dataVersion`; false when the records
    /// moved on meanwhile.
    @discardableResult
    func writeSnapshot(_ dataset: Dataset, workspace: Int64, dataVersion: Int64) throws(StoreError) -> Bool

    /// Upserts the records of `dataset` in one transaction (an import).
    func save(
        _ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]?, progress: ((_ written: Int, _ total: Int) -> Void)?
    ) throws(StoreError) -> SaveSummary
    /// Saves several requests' records together (group commit), each whole or not at all.
    func save(_ requests: [SaveRequest]) -> [Result<SaveSummary, StoreError>]
    /// Deletes one record by its id; nil for a kind named by several fields.
    func delete(kind: RecordKind, id: String, workspace: Int64) throws(StoreError) -> Int?
    func delete(kind: RecordKind, fields: [String: String], workspace: Int64) throws(StoreError) -> Int
}

extension RecordStore {
    public func workspace(_ slug: String) throws(StoreError) -> Int64 { try workspace(slug, create: true) }

    public func save(_ dataset: Dataset, workspace: Int64, storedAccounts: [Int64]? = nil) throws(StoreError) -> SaveSummary {
        try save(dataset, workspace: workspace, storedAccounts: storedAccounts, progress: nil)
    }
}

/// Who may use a workspace: people who sign in to the dashboard (with their roles), their sessions and one-time
/// links, and API keys (docs/security.md). Every change here is noted in the audit log in its own transaction,
/// as done by `actor`.
public protocol AccessStore: Sendable {
    func createKey(workspace: Int64, scope: APIScope, actor: String, at now: Date) throws(StoreError) -> String
    func keys(workspace: Int64) throws(StoreError) -> [StoredKey]
    func revokeKey(workspace: Int64, prefix: String, actor: String, at now: Date) throws(StoreError) -> Bool
    func grant(forKey key: String, at now: Date) throws(StoreError) -> APIGrant?
    func createUser(
        workspace: Int64, email: String, name: String, passwordHash: String, role: Role, actor: String, at now: Date
    ) throws(StoreError) -> Int64
    func setPassword(email: String, passwordHash: String, actor: String, at now: Date) throws(StoreError) -> Bool
    func users(workspace: Int64) throws(StoreError) -> [UserListing]
    func setDisabled(workspace: Int64, email: String, disabled: Bool, actor: String, at now: Date) throws(StoreError) -> AccessChange
    func setRole(workspace: Int64, email: String, role: Role, actor: String, at now: Date) throws(StoreError) -> AccessChange
    func setCSM(workspace: Int64, email: String, csm: String?, actor: String, at now: Date) throws(StoreError) -> AccessChange
    func createLink(workspace: Int64, email: String, purpose: LinkPurpose, lifetime: TimeInterval, actor: String, at now: Date)
        throws(StoreError) -> String?
    func linkUser(token: String, at now: Date) throws(StoreError) -> (user: User, purpose: LinkPurpose)?
    func redeemLink(token: String, passwordHash: String, at now: Date) throws(StoreError) -> User?
    func userForSignIn(email: String) throws(StoreError) -> (user: User, passwordHash: String)?
    func hasUsers(workspace: Int64) throws(StoreError) -> Bool
    func createSession(user: Int64, at now: Date, lifetime: TimeInterval) throws(StoreError) -> String
    func session(token: String, at now: Date) throws(StoreError) -> UserSession?
    func endSession(token: String) throws(StoreError)
}

extension AccessStore {
    /// A key made from the command line.
    public func createKey(workspace: Int64, scope: APIScope, at now: Date) throws(StoreError) -> String {
        try createKey(workspace: workspace, scope: scope, actor: "cli", at: now)
    }

    public func grant(forKey key: String) throws(StoreError) -> APIGrant? { try grant(forKey: key, at: Date()) }

    /// An admin made from the command line.
    @discardableResult
    public func createUser(workspace: Int64, email: String, name: String, passwordHash: String, at now: Date) throws(StoreError) -> Int64 {
        try createUser(workspace: workspace, email: email, name: name, passwordHash: passwordHash, role: .admin, actor: "cli", at: now)
    }

    @discardableResult
    public func setPassword(email: String, passwordHash: String) throws(StoreError) -> Bool {
        try setPassword(email: email, passwordHash: passwordHash, actor: "cli", at: Date())
    }
}

/// The audit log (docs/security.md, "Audit log"): who changed what and when. Access changes note themselves (see
/// `AccessStore`); the services note the rest (goals, tasks, admin-key use) after making them.
public protocol AuditStore: Sendable {
    func recordAudit(_ event: AuditEvent, workspace: Int64, at now: Date) throws(StoreError)
    /// The entries matching `query`, newest first, and how many match in all.
    func auditLog(workspace: Int64, query: AuditQuery) throws(StoreError) -> AuditPage
}

/// Goals (KGI -> KSF -> KPI targets) with their history and reviews (docs/goals.md).
public protocol GoalStore: Sendable {
    func goals(workspace: Int64, includeArchived: Bool) throws(GoalStoreError) -> [StoredGoal]
    func goal(_ id: Int64, workspace: Int64) throws(GoalStoreError) -> StoredGoal?
    func createGoal(_ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp) throws(GoalStoreError) -> StoredGoal
    func updateGoal(_ id: Int64, _ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> StoredGoal
    func upsertGoal(_ definition: GoalDefinition, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> (goal: StoredGoal, created: Bool)
    func setArchived(_ id: Int64, _ archived: Bool, workspace: Int64, actor: String, at now: Timestamp)
        throws(GoalStoreError) -> StoredGoal
    func goalHistory(_ id: Int64, workspace: Int64) throws(GoalStoreError) -> [GoalChange]
    func addReview(targetID: Int64, workspace: Int64, reviewer: String, note: String, at now: Timestamp)
        throws(GoalStoreError) -> TargetReview
    func reviews(targetID: Int64, workspace: Int64) throws(GoalStoreError) -> [TargetReview]
    func latestReviews(workspace: Int64) throws(GoalStoreError) -> [Int64: TargetReview]
    func seedGoals(
        _ goals: [GoalDefinition], reviews: [TargetReviewSeed], workspace: Int64, actor: String, at now: Timestamp
    ) throws(GoalStoreError) -> [StoredGoal]
}

extension GoalStore {
    public func goals(workspace: Int64) throws(GoalStoreError) -> [StoredGoal] {
        try goals(workspace: workspace, includeArchived: false)
    }
}

/// What the health service keeps (docs/health.md, docs/alerts.md): daily scores, alerts, playbook tasks, digests and
/// the webhook deliveries of all of them.
public protocol HealthStore: Sendable {
    func saveHealth(_ records: [HealthRecord], workspace: Int64) throws(StoreError) -> Int
    func healthHistory(workspace: Int64, account: AccountID, from: CivilDate?) throws(StoreError) -> [HealthRecord]
    func healthDays(workspace: Int64, limit: Int) throws(StoreError) -> [CivilDate]

    func openAlertKeys(workspace: Int64) throws(StoreError) -> Set<AlertKey>
    /// Champions who left accounts since `since`, for `champion_left` rules.
    func championDepartures(workspace: Int64, since: Timestamp) throws(StoreError) -> [ChampionDeparture]
    /// Records one evaluation at once: the alerts fired and cleared, the tasks and the deliveries they make (once
    /// per evaluation, for all the alerts stored). The first evaluation of a workspace is its baseline: its alerts
    /// are stored silently, with no task and no delivery (docs/alerts.md).
    func recordEvaluation(
        workspace: Int64, at now: Timestamp, fired: [NewAlert], cleared: [AlertKey], tasks: [NewTask],
        deliveries: ([StoredAlert]) -> [NewDelivery]
    ) throws(StoreError) -> RecordedEvaluation
    /// When the workspace's first evaluation (its baseline) was recorded; `nil` before any.
    func firstEvaluation(workspace: Int64) throws(StoreError) -> Timestamp?
    func alerts(workspace: Int64, openOnly: Bool, account: AccountID?, since: Timestamp?, limit: Int, offset: Int)
        throws(StoreError) -> [StoredAlert]
    /// Acknowledges an open alert (docs/alerts.md): it leaves the open alerts to act on until it clears.
    func acknowledgeAlert(workspace: Int64, id: Int64, by: String, at now: Timestamp) throws(StoreError) -> AlertUpdate
    /// Sets an open alert aside until `until` (nil: back at once).
    func snoozeAlert(workspace: Int64, id: Int64, until: Timestamp?) throws(StoreError) -> AlertUpdate

    func tasks(workspace: Int64, owner: String?, status: TaskStatus?, account: AccountID?, limit: Int)
        throws(StoreError) -> [StoredTask]
    func closeTask(workspace: Int64, id: Int64, status: TaskStatus, by: String, note: String?, at now: Timestamp)
        throws(StoreError) -> TaskClosing
    func snoozeTask(workspace: Int64, id: Int64, until: Timestamp?) throws(StoreError) -> TaskUpdate
    func reassignTask(workspace: Int64, id: Int64, to owner: String) throws(StoreError) -> TaskUpdate

    func saveDigest(
        workspace: Int64, grain: Grain, period: Period, at now: Timestamp, body: String, text: String,
        deliveries: (Int64) -> [NewDelivery]
    ) throws(StoreError) -> StoredDigest?
    func digests(workspace: Int64, limit: Int) throws(StoreError) -> [StoredDigest]

    func dueDeliveries(at now: Timestamp, limit: Int) throws(StoreError) -> [StoredDelivery]
    func nextDeliveryAttempt() throws(StoreError) -> Timestamp?
    func deliveries(workspace: Int64, limit: Int) throws(StoreError) -> [StoredDelivery]
    func recordAttempt(_ id: Int64, at now: Timestamp, outcome: DeliveryOutcome) throws(StoreError)
}

extension HealthStore {
    public func healthHistory(workspace: Int64, account: AccountID) throws(StoreError) -> [HealthRecord] {
        try healthHistory(workspace: workspace, account: account, from: nil)
    }

    public func healthDays(workspace: Int64) throws(StoreError) -> [CivilDate] { try healthDays(workspace: workspace, limit: 30) }

    public func alerts(
        workspace: Int64, openOnly: Bool = false, account: AccountID? = nil, since: Timestamp? = nil, limit: Int = 100
    ) throws(StoreError) -> [StoredAlert] {
        try alerts(workspace: workspace, openOnly: openOnly, account: account, since: since, limit: limit, offset: 0)
    }

    public func tasks(
        workspace: Int64, owner: String? = nil, status: TaskStatus? = nil, account: AccountID? = nil
    ) throws(StoreError) -> [StoredTask] {
        try tasks(workspace: workspace, owner: owner, status: status, account: account, limit: 500)
    }

    public func closeTask(
        workspace: Int64, id: Int64, status: TaskStatus, by: String, at now: Timestamp
    ) throws(StoreError) -> TaskClosing {
        try closeTask(workspace: workspace, id: id, status: status, by: by, note: nil, at: now)
    }

    public func digests(workspace: Int64) throws(StoreError) -> [StoredDigest] { try digests(workspace: workspace, limit: 20) }
    public func dueDeliveries(at now: Timestamp) throws(StoreError) -> [StoredDelivery] { try dueDeliveries(at: now, limit: 100) }
    public func deliveries(workspace: Int64) throws(StoreError) -> [StoredDelivery] { try deliveries(workspace: workspace, limit: 100) }
}

/// The CSMs' forecast calls on renewals (docs/metrics.md, renewals), by renewal key (`Renewal.key`).
public protocol RenewalStore: Sendable {
    /// Every call of the workspace, by renewal key.
    func forecastCalls(workspace: Int64) throws(StoreError) -> [String: StoredForecastCall]
    /// Sets (or replaces) the call on one renewal, recording who set it and when.
    func setForecastCall(workspace: Int64, key: String, call: ForecastCall, by: String, at now: Timestamp)
        throws(StoreError) -> StoredForecastCall
}

/// Segments saved under a name and shared by a workspace's people.
public protocol SegmentStore: Sendable {
    func savedSegments(workspace: Int64) throws(StoreError) -> [SavedSegment]
    func saveSegment(workspace: Int64, name: String, expression: String, by: String, at now: Timestamp) throws(StoreError)
    func deleteSegment(workspace: Int64, name: String) throws(StoreError) -> Bool
}

/// The outgoing mail (survey invitations, alerts, digests, reports): a queue the mailer sends from, which is also the
/// delivery log, and the addresses that must not be written to (docs/email.md).
public protocol MailStore: Sendable {
    /// Queues `emails`, returning their ids; an email to an address suppressed for its kind is stored as `suppressed`.
    func enqueueEmails(_ emails: [NewEmail], workspace: Int64, at now: Timestamp) throws(StoreError) -> [Int64]
    /// Pending emails (of every workspace) due at `now`, oldest first.
    func dueEmails(at now: Timestamp, limit: Int) throws(StoreError) -> [StoredEmail]
    /// The earliest next attempt of a pending email, if any.
    func nextEmailAttempt() throws(StoreError) -> Timestamp?
    /// Records an attempt to send email `id` made at `now`.
    func recordEmailAttempt(_ id: Int64, at now: Timestamp, outcome: DeliveryOutcome) throws(StoreError)
    /// The workspace's emails matching `filter`, newest first, a page at a time.
    func emails(workspace: Int64, filter: EmailFilter, limit: Int, offset: Int) throws(StoreError) -> [StoredEmail]
    /// How many of the workspace's emails match `filter`.
    func emailCount(workspace: Int64, filter: EmailFilter) throws(StoreError) -> Int
    /// Stops mail of `suppression.scope` to an address (pending mail it covers is not sent).
    func suppress(_ suppression: Suppression, workspace: Int64) throws(StoreError)
    /// Lifts a suppression; false when there was none.
    func unsuppress(address: String, scope: SuppressionScope, workspace: Int64) throws(StoreError) -> Bool
    func suppressions(workspace: Int64) throws(StoreError) -> [Suppression]
    /// Whether an email of `kind` to `address` would be suppressed.
    func isSuppressed(address: String, kind: EmailKind, workspace: Int64) throws(StoreError) -> Bool
}

/// A workspace's settings as edited in the dashboard (one text per `vitals.toml` section, which overrides the file's
/// section for that workspace), and the keys the server makes once and keeps.
public protocol SettingsStore: Sendable {
    func settings(workspace: Int64) throws(StoreError) -> [StoredSetting]
    func saveSetting(_ setting: StoredSetting, workspace: Int64) throws(StoreError)
    /// Removes a section's saved text (the file's section applies again); false when there was none.
    func deleteSetting(section: String, workspace: Int64) throws(StoreError) -> Bool
    /// The secret named `name`, made (32 random bytes, hex) and kept the first time it is asked for.
    func serverSecret(_ name: String, at now: Timestamp) throws(StoreError) -> String
}

/// The store protocols of this module together.
public typealias WorkspaceStorage = RecordStore & AccessStore & GoalStore & HealthStore & AuditStore & RenewalStore & SegmentStore
    & MailStore & SettingsStore

extension Store: RecordStore, AccessStore, GoalStore, HealthStore, AuditStore, RenewalStore, SegmentStore, MailStore, SettingsStore {
    public var location: String { path }
}
