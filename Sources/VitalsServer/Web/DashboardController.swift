import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The dashboard's pages. Each handler reads the person's workspace view, builds the page's model from the core,
/// and renders it; the models are kept in the workspace cache until the next write, so a warm page is only a render.
struct DashboardController: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let writer: IngestWriter
    let now: @Sendable () -> Date
    var goalsController: GoalsController { GoalsController(store: store, cache: cache) }
    /// The clock's instant, as records and actions are stamped.
    var clock: Timestamp { Timestamp(seconds: Int64(now().timeIntervalSince1970)) }

    func register(on pages: RouterGroup<VitalsContext>) {
        pages.get("/") { request, context in try await overview(request, context) }
        pages.get("/kpis/:kpi") { request, context in try await kpi(request, context) }
        pages.get("/revenue") { request, context in try await revenue(request, context) }
        pages.get("/accounts") { request, context in try await accounts(request, context) }
        pages.get("/accounts/:id") { request, context in try await account(request, context) }
        pages.post("/accounts/:id/activities") { request, context in try await logActivity(request, context) }
        pages.post("/segments") { request, context in try await saveSegment(request, context) }
        pages.post("/segments/delete") { request, context in try await deleteSegment(request, context) }
        pages.get("/goals") { request, context in try await goals(request, context, notice: nil) }
        pages.get("/health") { request, context in try await health(request, context) }
        pages.get("/support") { request, context in try await support(request, context) }
        GoalEditor(store: store, cache: cache, now: now).register(on: pages) { session, title in
            PageLayout(title: title, active: .goals, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
        }
        pages.post("/health/tasks/:id/close") { request, context in try await closeTask(request, context) }
        pages.post("/health/tasks/:id/snooze") { request, context in try await snoozeTask(request, context) }
        pages.post("/health/tasks/:id/reassign") { request, context in try await reassignTask(request, context) }
        pages.post("/health/alerts/:id/acknowledge") { request, context in try await acknowledgeAlert(request, context) }
        pages.post("/health/alerts/:id/snooze") { request, context in try await snoozeAlert(request, context) }
        pages.post("/goals/targets/:id/reviews") { request, context in try await recordReview(request, context) }
    }

    struct Page {
        var session: UserSession
        var parameters: [String: String]
        var view: WorkspaceView
        var asOf: Timestamp
        var query: DashboardQuery
        /// Health is scored as of the one default instant of pages, API, command and health service
        /// (`HealthInstant`: the start of today, or of the day after the last record).
        var healthAt: Timestamp
        var normalizedQuery: String {
            parameters.filter { $0.key != "format" && $0.key != "table" && $0.key != "page" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
    }

    func page(_ request: Request, _ context: VitalsContext) async throws -> Page {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        var parameters: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { parameters[String(k)] = String(v) }
        let view = try await cache.view(session.user.workspace)
        let asOf = view.asOf(now: now())
        let saved: [SavedSegment]
        do { saved = try store.savedSegments(workspace: session.user.workspace) } catch { throw HTTPError(.internalServerError, message: "\(error)") }
        // A saved segment chosen replaces the box's expression.
        if let name = parameters["saved"], let chosen = saved.first(where: { $0.name == name }) {
            parameters["segment"] = chosen.expression
        }
        parameters["saved"] = nil
        var query = DashboardQuery(parameters, view: view, asOf: asOf.date)
        query.picker = try await cache.derived(session.user.workspace, key: "segment-picker") { SegmentPicker.of($0) }
        query.saved = saved
        query.csrfToken = session.csrfToken
        return Page(
            session: session, parameters: parameters, view: view, asOf: asOf, query: query, healthAt: view.healthInstant(now: clock))
    }

    func layout(_ page: Page, title: String, section: PageLayout.Section) -> PageLayout {
        PageLayout(
            title: title, active: section, userName: page.session.user.name, csrfToken: page.session.csrfToken,
            role: page.session.user.role, query: page.query.queryString)
    }

    /// The report behind the overview, KPI and revenue pages: the shown periods and the one before, for the segment,
    /// with renewals decided as of the start of the page's as-of day (docs/metrics.md, renewals).
    func report(_ page: Page) async throws -> KPIReport {
        let query = page.query
        let day = Timestamp(page.asOf.date)
        return try await cache.derived(page.session.user.workspace, key: "report|\(query.cacheKey)|\(day.seconds)") { view in
            view.calculator.report(ReportScope(periods: query.periodsWithPrevious, segment: query.segment, now: day))
        }
    }

    /// Serves one of the page's tables as CSV when asked (`format=csv&table=NAME`), else nil.
    func csv(_ page: Page, name: String, tables: () -> [DataTable]) throws -> Response? {
        guard page.parameters["format"] == "csv" else { return nil }
        let wanted = page.parameters["table"] ?? ""
        guard let table = tables().first(where: { $0.name == wanted }) else {
            throw HTTPError(.notFound, message: "no table '\(wanted)' on this page")
        }
        return .csv(table.csv, filename: "\(name)-\(table.name).csv")
    }

    func overview(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        let workspace = page.session.user.workspace
        let report = try await report(page)
        let query = page.query
        let targets = Self.targetBadges(
            try await evaluatedGoals(page), segment: query.segmentText, period: query.current, asOf: page.asOf)
        let badgeKey = targets.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue)=\($0.value.status)/\($0.value.label)" }.joined(separator: ",")
        let scores = try await healthScores(page)
        let healthAt = page.healthAt
        let body = try await cache.derived(workspace, key: "overview|\(query.cacheKey)|\(badgeKey)|\(healthAt.seconds)") { view -> HTML in
            let inScope = query.segment.map { s in view.dataset.accounts.lazy.filter { s.matches($0) }.count } ?? view.dataset.accounts.count
            var overview = OverviewPage(report: report, query: query, accountsInScope: inScope, targets: targets)
            let scoped = scores.filter { query.segment?.matches(view.dataset.accounts[$0.account.int]) ?? true }
            let risk = RevenueAtRisk.compute(scoped, engine: view.health, at: healthAt)
            overview.healthTiles = OverviewPage.healthTiles(scores: scoped, risk: risk, currency: report.currency, at: healthAt)
            return overview.render()
        }
        return .html(layout(page, title: "Overview", section: .overview).render(body))
    }

    func kpi(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        guard let id = context.parameters.get("kpi"), let kpi = KPI(rawValue: id) else {
            throw HTTPError(.notFound, message: "no such KPI")
        }
        let workspace = page.session.user.workspace
        let report = try await report(page)
        let query = page.query
        let choices = try await cache.derived(workspace, key: "attributes") { view in Self.segmentAttributes(view) }
        let by = page.parameters["by"].flatMap { choices.contains($0) ? $0 : nil } ?? Self.preferredAttribute(choices)
        let model = try await cache.derived(workspace, key: "kpi|\(kpi.id)|\(by ?? "")|\(query.cacheKey)") { view -> KPIPageModel in
            let include = Self.includer(query.segment, view, period: query.current)
            let groups = by.map { view.calculator.reports(ReportScope(periods: [query.current], segment: query.segment), by: $0) } ?? []
            let drivers = KPIDrivers.drivers(of: kpi, in: query.current, calculator: view.calculator, include: include)
            return KPIPageModel(
                page: KPIPage(
                    kpi: kpi, query: query, report: report, byAttribute: by, attributeChoices: choices, bySegment: groups,
                    drivers: drivers, accounts: view.dataset.accounts, settings: view.calculator.settings))
        }
        if let response = try csv(page, name: kpi.id, tables: { model.page.tables() }) { return response }
        let requested = page.parameters["page"].flatMap { Int($0) } ?? 1
        var shown = model.page
        shown.target = Self.targetBadges(
            try await evaluatedGoals(page), segment: query.segmentText, period: query.current, asOf: page.asOf)[kpi]
        return .html(layout(page, title: kpi.title, section: .overview).render(shown.render(page: requested)))
    }

    func revenue(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        let workspace = page.session.user.workspace
        let report = try await report(page)
        let query = page.query
        let asOf = page.asOf
        let choices = try await cache.derived(workspace, key: "attributes") { view in Self.segmentAttributes(view) }
        let by = page.parameters["by"].flatMap { choices.contains($0) ? $0 : nil } ?? Self.preferredAttribute(choices)
        let model = try await cache.derived(workspace, key: "revenue|\(by ?? "")|\(query.cacheKey)|\(asOf.seconds)") { view in
            RevenuePageModel(page: RevenuePage.build(view: view, query: query, report: report, asOf: asOf, by: by))
        }
        if let response = try csv(page, name: "revenue", tables: { model.page.tables() }) { return response }
        return .html(layout(page, title: "Revenue", section: .revenue).render(model.page.render()))
    }

    func support(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        let model = SupportPage(query: page.query, parameters: page.parameters, dataset: page.view.dataset, asOf: page.asOf)
        if let csv = try csv(page, name: "support", tables: { [model.summary, model.list(all: true)] }) { return csv }
        return .html(layout(page, title: "Support", section: .support).render(model.render()))
    }

    func accounts(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let page = try await page(request, context)
        let workspace = page.session.user.workspace
        let asOf = page.asOf
        let summaries = try await cache.derived(workspace, key: "summaries|\(asOf.seconds)") { view in
            AccountSummary.all(calculator: view.calculator, asOf: asOf)
        }
        let scores = try await healthScores(page)
        var health: [Int: (score: Double, band: String)] = [:]
        for s in scores { health[s.account.int] = (s.score, s.band.rawValue) }
        let model = AccountsPage(
            query: page.query, currency: page.view.calculator.settings.reportingCurrency, parameters: page.parameters,
            summaries: summaries, accounts: page.view.dataset.accounts, health: health, me: page.session.user.csm)
        if page.parameters["format"] == "csv" { return .csv(model.table(all: true).csv, filename: "accounts.csv") }
        return .html(layout(page, title: "Accounts", section: .accounts).render(model.render()))
    }

    /// Attributes worth segmenting by: between 2 and 50 distinct values among the accounts.
    static func segmentAttributes(_ view: WorkspaceView) -> [String] {
        view.knownAttributes.filter { $0 != "account_id" && $0 != "name" && $0 != "created_at" && $0 != "referred_by" }
            .filter { attribute in
                var values = Set<String>()
                for a in view.dataset.accounts {
                    if let v = a.attribute(attribute) { values.insert(v) }
                    if values.count > 50 { return false }
                }
                return values.count >= 2
            }
            .sorted()
    }

    static func preferredAttribute(_ choices: [String]) -> String? {
        ["touch", "plan", "segment", "tier", "industry", "country", "csm"].first { choices.contains($0) } ?? choices.first
    }

    /// Whether an account is in the page's segment: for `period`, as that period's value counts it (on the touch
    /// tier: by the tier at the period's start); without a period, by its attributes as tagged (the tier as of the
    /// health instant).
    static func includer(_ segment: SegmentFilter?, _ view: WorkspaceView, period: Period? = nil) -> (Int) -> Bool {
        guard let segment else { return { _ in true } }
        let admitted = period.map { view.calculator.members(of: segment, in: $0) }
            ?? view.dataset.accounts.map { segment.matches($0) }
        return { admitted[$0] }
    }
}

/// Page models kept in the cache (boxes, so the non-Sendable closures of the pages stay out of them).
struct KPIPageModel: @unchecked Sendable { var page: KPIPage }
struct RevenuePageModel: @unchecked Sendable { var page: RevenuePage }
struct LifetimeModel: @unchecked Sendable { var report: LifetimeReport? }
