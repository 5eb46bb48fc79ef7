import Foundation
import Logging
import VitalsCore
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// What one evaluation of a workspace did.
public struct EvaluationSummary: Sendable, Equatable {
    public var at: Timestamp
    public var scored: Int
    public var bands: [HealthBand: Int]
    public var fired: [StoredAlert]
    public var cleared: Int
    public var tasks: Int
    public var deliveries: Int
    public var digest: StoredDigest?
    /// The conditions stored silently as the baseline, when this was the workspace's first evaluation (docs/alerts.md):
    /// they are not among `fired`.
    public var baseline: Int = 0
}

/// Evaluates health, alerts, playbooks and digests for the workspaces of a store, on a schedule, and delivers the
/// webhooks. The clock is injected (tests drive it), and outside conditions (goals' targets at risk) come from a
/// provider the application sets.
public actor HealthService {
    /// Outside conditions of a workspace as of an instant, by source: a source present with an empty list has no
    /// condition holding (its alerts clear); a source absent was not evaluated (its alerts stay as they are).
    public typealias ConditionProvider = @Sendable (_ workspace: Int64, _ at: Timestamp) async throws -> [String: [ExternalCondition]]

    public let configuration: HealthConfiguration
    package let store: any VitalsStorage
    package nonisolated let cache: WorkspaceCache
    package nonisolated let clock: @Sendable () -> Timestamp
    package let dispatcher: WebhookDispatcher
    private var conditions: ConditionProvider?
    /// Where alert, digest and report emails go (`setEmail`, HealthService+Mail.swift); nil: none are queued.
    var email: EmailOutbox?
    /// Configuration warnings already logged.
    private var warned: Set<String> = []
    private let logger: Logger

    public init(
        store: any VitalsStorage, settings: ReportSettings, configuration: HealthConfiguration = HealthConfiguration(),
        clock: @escaping @Sendable () -> Timestamp = { .now }, transport: any WebhookTransport = URLSessionTransport(),
        logger: Logger = Logger(label: "vitals.health"), layers: SettingsLayers? = nil
    ) {
        var configuration = configuration
        configuration.health.report = settings
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.logger = logger
        cache = WorkspaceCache(
            store: store, layers: layers ?? SettingsLayers(report: settings, configuration: configuration), clock: clock)
        dispatcher = WebhookDispatcher(
            store: store, webhooks: Dictionary(configuration.webhooks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
            transport: transport)
    }

    /// Sets where outside conditions come from (e.g. the goals engine's targets at risk, as source `goals`).
    public func setConditionProvider(_ provider: ConditionProvider?) { conditions = provider }

    /// Evaluates `workspace` now: stores today's scores, fires and clears alerts, runs playbooks, makes the digest when
    /// one is due, and queues the webhook deliveries (sent by `deliverDue()`).
    ///
    /// Health is scored as of `HealthInstant` (the start of today, or of the day after the last record), the instant
    /// the dashboard, the API and `vitals health` use by default, so that a task's score is the one its page shows;
    /// alerts, tasks and deliveries are recorded at the clock's `now`.
    /// `instant` evaluates as if the clock said so (a back-dated first evaluation, e.g. the demo's baseline).
    @discardableResult
    public func evaluate(workspace: Int64, asOf instant: Timestamp? = nil) async throws -> EvaluationSummary {
        let configuration = try await effectiveConfiguration(workspace)
        let now = instant ?? clock()
        let view = try await cache.view(workspace)
        let slug = try store.workspaceSlug(workspace)
        let engine = view.health
        let at = view.healthInstant(now: now)
        let health = engine.assessAll(at: at)

        // The day's scores, with their component scores, as the day's history.
        let day = at.date
        let records = health.map { h -> HealthRecord in
            let scored = engine.score(h.account, at: at)
            var components: [HealthComponent: Double] = [:]
            for part in scored?.components ?? [] { if let s = part.score { components[part.component] = s } }
            return HealthRecord(
                account: engine.accounts[h.account.int].id, day: day, score: h.score, band: h.band,
                model: engine.settings.models[h.model].name, components: components, mrr: h.mrr)
        }
        try store.saveHealth(records, workspace: workspace)

        // Alerts: the KPIs of the last complete month, and the outside conditions.
        let month = Period(grain: .month, containing: Grain.month.start(containing: day).adding(days: -1))
        var kpis: [KPI: Double] = [:]
        if configuration.rules.contains(where: { $0.kind == .kpiOffTarget }) {
            let report = view.calculator.report(ReportScope(periods: [month]))
            // In the API's terms, which rules are written in: money in major units (docs/alerts.md).
            let major = Money.powerOfTen(view.calculator.settings.reportingCurrency.minorUnitExponent)
            for (kpi, value) in report.rows[0].values { if let v = value.double { kpis[kpi] = kpi.unit == .money ? v / major : v } }
        }
        for problem in configuration.unknownAttributes(known: view.knownAttributes) where !warned.contains(problem) {
            warned.insert(problem)
            logger.warning("\(problem)")
        }
        var external: [String: [ExternalCondition]] = [:]
        do {
            external = try await conditions?(workspace, now) ?? [:]
        } catch {
            // Outside conditions neither fire nor clear this time.
            logger.error("outside conditions could not be read: \(error)")
        }
        let departures = try configuration.rules.filter { $0.kind == .championLeft }.map(\.days).max().map { days in
            try store.championDepartures(workspace: workspace, since: now.adding(days: -days))
        } ?? []
        let evaluator = AlertEvaluator(engine: engine, rules: configuration.rules)
        let observed = evaluator.observe(
            at: at, health: health, kpis: kpis, kpiPeriod: month.description, external: external.values.flatMap { $0 },
            departures: departures, now: now)
        // Usage data that stops before `at` would read as "usage fell 100 %" everywhere: usage_drop rules wait.
        let stale = StaleUsage.stopDate(newestEvent: view.dataset.usageEvents.times.max().map { Timestamp(seconds: $0) }, at: at)
        if let stale, configuration.rules.contains(where: { $0.kind == .usageDrop }) {
            let warning = "usage data of workspace \(slug) stops on \(stale), more than \(StaleUsage.toleranceDays) days before \(at.date): usage_drop rules are not evaluated until it is fresh (docs/alerts.md)"
            if !warned.contains(warning) {
                warned.insert(warning)
                logger.warning("\(warning)")
            }
        }
        let open = try store.openAlertKeys(workspace: workspace)
        let (fire, clear) = AlertDeduplication.apply(
            observed, open: open,
            evaluated: evaluator.evaluatedRules(externalSources: Set(external.keys), staleUsage: stale != nil))
        let fired = fire.map { evaluator.explained($0, at: at) }
        var byAccount: [Int32: AccountHealth] = [:]
        for h in health { byAccount[h.account.value] = h }
        let plan = Playbooks.plan(
            fired, playbooks: configuration.playbooks, accounts: engine.accounts, health: byAccount, at: now)
        let accounts = engine.accounts
        let tasks = plan.tasks.map {
            NewTask(
                trigger: $0.trigger, account: accounts[$0.account.int].id, playbook: $0.playbook, title: $0.title,
                owner: $0.owner, dueAt: $0.dueAt)
        }
        let webhooks = configuration.webhooks
        let deliveries = EvaluationDeliveries(
            webhooks: webhooks, messages: plan.messages, accounts: accounts, workspace: slug, at: now,
            healthPage: (configuration.dashboardURL ?? "") + "/health#alerts")
        let recorded = try store.recordEvaluation(
            workspace: workspace, at: now, fired: fired.map { NewAlert($0, account: $0.account.map { accounts[$0.int].id }) },
            cleared: clear, tasks: tasks, deliveries: deliveries.make)
        let digest = try makeDigestIfDue(
            workspace: workspace, slug: slug, view: view, now: now, external: external["goals"] ?? [], configuration: configuration)
        try queueEmails(workspace: workspace, slug: slug, fired: recorded.fired, digest: digest, view: view, now: now)
        var bands: [HealthBand: Int] = [:]
        for h in health { bands[h.band, default: 0] += 1 }
        logger.info("health evaluated", metadata: [
            "workspace": "\(slug)", "scored": "\(health.count)", "fired": "\(recorded.fired.count)",
            "cleared": "\(recorded.cleared)", "tasks": "\(recorded.tasks)", "baseline": "\(recorded.baseline)",
        ])
        return EvaluationSummary(
            at: now, scored: health.count, bands: bands, fired: recorded.fired, cleared: recorded.cleared,
            tasks: recorded.tasks, deliveries: recorded.deliveries + (digest == nil ? 0 : webhooks.filter { $0.events.contains("digest") }.count),
            digest: digest, baseline: recorded.baseline)
    }

    /// Makes and stores the digest of the last complete day or week, unless it exists or digests are off.
    private func makeDigestIfDue(
        workspace: Int64, slug: String, view: WorkspaceView, now: Timestamp, external: [ExternalCondition],
        configuration: HealthConfiguration
    ) throws -> StoredDigest? {
        guard let grain = configuration.digests.grain else { return nil }
        let period = Period(grain: grain, containing: grain.start(containing: now.date).adding(days: -1))
        if let last = try store.digests(workspace: workspace, limit: 1).first, last.grain == grain.rawValue,
            last.periodStart >= period.start
        {
            return nil
        }
        let alerts = try store.alerts(workspace: workspace, since: period.start, limit: 1000).filter { !$0.baseline }.map {
            Digest.AlertLine(rule: $0.rule, subject: $0.subject, title: $0.title, reason: $0.reason, firedAt: $0.firedAt)
        }
        let digest = Digest.build(
            grain: grain, now: now, calculator: view.calculator, engine: view.health, kpis: configuration.digests.kpis,
            alerts: alerts, targets: external)
        let body = HealthJSON.digest(digest)
        let text = digest.text
        let hooks = configuration.webhooks.filter { $0.events.contains("digest") }
        return try store.saveDigest(workspace: workspace, grain: grain, period: digest.period, at: now, body: body, text: text) { id in
            hooks.map {
                NewDelivery(
                    webhook: $0.name, kind: "digest",
                    payload: WebhookPayloads.digest(id: id, body: body, text: text, workspace: slug, format: $0.format))
            }
        }
    }

    /// Sends the webhook deliveries due now; returns how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int { try await dispatcher.deliverDue(at: clock()) }

    /// Evaluates every workspace every `evaluateEverySeconds`, and a workspace written to (an ingest) again within
    /// `afterIngestSeconds`; sends deliveries as they fall due; until cancelled.
    public func run() async {
        var nextEvaluation = clock()
        let afterIngest = Int64(configuration.afterIngestSeconds)
        var nextIngestCheck = clock().adding(seconds: afterIngest)
        while !Task.isCancelled {
            let now = clock()
            if now >= nextEvaluation {
                do {
                    for workspace in try store.workspaceIDs() { try await evaluate(workspace: workspace) }
                } catch {
                    logger.error("health evaluation failed: \(error)")
                }
                _ = await cache.takeWritten()
                nextEvaluation = now.adding(seconds: Int64(configuration.evaluateEverySeconds))
            } else if afterIngest > 0 && now >= nextIngestCheck {
                for workspace in await cache.takeWritten().sorted() {
                    do { try await evaluate(workspace: workspace) } catch { logger.error("health evaluation failed: \(error)") }
                }
                nextIngestCheck = now.adding(seconds: afterIngest)
            }
            do { try await deliverDue() } catch { logger.error("webhook delivery failed: \(error)") }
            var wake = nextEvaluation
            if afterIngest > 0, nextIngestCheck < wake { wake = nextIngestCheck }
            if let next = try? store.nextDeliveryAttempt(), next < wake { wake = next }
            let seconds = max(1, wake.seconds - clock().seconds)
            try? await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
        }
    }

    /// Forgets the cached view of `workspace` (after a write), so the next evaluation reads the new records.
    public nonisolated func invalidate(workspace: Int64) async { await cache.invalidate(workspace) }

    /// The current view of a workspace (dataset, KPI calculator, health engine). Not isolated to the service, so that
    /// reads are not held up while an evaluation runs.
    public nonisolated func view(workspace: Int64) async throws -> WorkspaceView { try await cache.view(workspace) }
}
