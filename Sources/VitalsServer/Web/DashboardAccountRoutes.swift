import Foundation
import Hummingbird
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// The account page and the activities logged from it.
extension DashboardController {
    func account(_ request: Request, _ context: VitalsContext) async throws -> Response {
        try await account(request, context, problem: nil, typed: [:])
    }

    /// The page; `problem` and `typed` when an activity just submitted was refused (answered 422, the form kept).
    func account(_ request: Request, _ context: VitalsContext, problem: String?, typed: [String: String]) async throws -> Response {
        let page = try await page(request, context)
        guard let id = context.parameters.get("id"), let index = page.view.dataset.index(of: AccountID(id)) else {
            throw HTTPError(.notFound, message: "no such account in this workspace")
        }
        let asOf = page.asOf
        // The same periods as the other pages (by default the last twelve complete months), for this account only.
        let periods = page.query.periods
        let clause = SegmentFilter.Clause(attribute: "account_id", comparison: .equal, values: [id])
        let report = page.view.calculator.report(
            ReportScope(periods: periods, segment: SegmentFilter(clauses: [clause], text: "account_id = \(id)")))
        let workspace = page.session.user.workspace
        let choices = try await cache.derived(workspace, key: "attributes") { view in Self.segmentAttributes(view) }
        let by = Self.preferredAttribute(choices)
        let lifetime = try await cache.derived(workspace, key: "lifetime-model|\(asOf.seconds)|\(by ?? "")") { view in
            LifetimeModel(report: try? LifetimeReport.analyse(
                dataset: view.dataset, settings: view.calculator.settings, end: asOf.date, by: by, top: 0))
        }
        var model = AccountPage(view: page.view, index: index, asOf: asOf, report: report)
        model.healthSection = page.view.health.breakdown(index, at: page.healthAt).map(HealthPage.accountSection)
        model.lifetimeSection = lifetime.report.map { AccountPage.lifetimeFacts($0, account: index, by: by, currency: model.currency) }
        let people = try await peopleSection(page, index: index, asOf: asOf)
        let (timeline, tasks) = try timelineSection(page, index: index, problem: problem, typed: typed)
        if let response = try csv(page, name: id, tables: { model.tables + [people.contactsTable, people.groupTable, tasks.table, timeline.table] }) {
            return response
        }
        let path = "/accounts/\(URLQuery.escape(id))"
        let surveyForm: HTML = page.session.user.role.allows(.work)
            ? SurveyDashboardRoutes.form(
                contacts: page.view.dataset.contacts.filter { $0.account == index }, path: path, csrf: page.session.csrfToken)
            : ""
        let body = model.render(
            workspace: people.render(path: path) + surveyForm + tasks.render(path: path) + timeline.render(path: path))
        let html = layout(page, title: model.account.name, section: .accounts).render(body)
        return problem == nil ? .html(html) : .html(html, status: .unprocessableContent)
    }

    private func peopleSection(_ page: Page, index: AccountIndex, asOf: Timestamp) async throws -> AccountPeopleSection {
        let dataset = page.view.dataset
        let account = dataset[index]
        let currency = page.view.calculator.settings.reportingCurrency
        let contacts = dataset.contacts.filter { $0.account == index }
            .sorted { ($0.primary ? 0 : 1, $0.role.sortOrder, $0.displayName) < ($1.primary ? 0 : 1, $1.role.sortOrder, $1.displayName) }
        let parent = account.parent.flatMap { p in dataset.index(of: p).map { (p, dataset[$0].name) } }
        let workspace = page.session.user.workspace
        let hierarchy = try await cache.derived(workspace, key: "hierarchy") { view in AccountHierarchy(view.dataset) }
        var group: [AccountPeopleSection.GroupMember] = []
        var groupRenewals: (count: Int, arr: Int64) = (0, 0)
        if hierarchy.children[index] != nil {
            let summaries = try await cache.derived(workspace, key: "summaries|\(asOf.seconds)") { view in
                AccountSummary.all(calculator: view.calculator, asOf: asOf)
            }
            let scores = try await healthScores(page)
            var health: [AccountIndex: (Double, String)] = [:]
            for s in scores { health[s.account] = (s.score, s.band.rawValue) }
            func depth(_ a: AccountIndex) -> Int {
                var d = 0
                var at = dataset[a].parent
                while let p = at, let i = dataset.index(of: p), i != index, d < 64 {
                    d += 1
                    at = dataset[i].parent
                }
                return d + 1
            }
            // The group's renewals of the next 90 days (from the as-of instant), kept until the next write.
            let upcoming = try await cache.derived(workspace, key: "renewals-90|\(asOf.seconds)") { view in
                view.calculator.renewals(asOf: asOf, through: asOf.adding(days: 90)).filter { $0.dueAt >= asOf }
            }
            let members = Set([index] + hierarchy.descendants(of: index))
            let due = upcoming.filter { members.contains($0.account) }
            groupRenewals = (due.count, due.reduce(Int64(0)) { $0.addingSaturated($1.arrBefore) })
            for a in [index] + hierarchy.descendants(of: index) {
                let s = summaries[a.int]
                group.append(
                    .init(id: s.id, name: s.name, depth: a == index ? 0 : depth(a), mrr: s.mrr, health: health[a], renewal: s.renewal))
            }
        }
        return AccountPeopleSection(
            contacts: contacts, parent: parent, group: group, groupRenewals: groupRenewals, currency: currency)
    }

    private func timelineSection(_ page: Page, index: AccountIndex, problem: String?, typed: [String: String]) throws
        -> (TimelineSection, AccountTasksSection)
    {
        let dataset = page.view.dataset
        let account = dataset[index]
        let workspace = page.session.user.workspace
        let currency = page.view.calculator.settings.reportingCurrency
        let alerts: [StoredAlert]
        let tasks: [StoredTask]
        do {
            alerts = try store.alerts(workspace: workspace, openOnly: false, account: account.id, since: nil, limit: 500, offset: 0)
            tasks = try store.tasks(workspace: workspace, owner: nil, status: nil, account: account.id, limit: 500)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        let timeline = AccountTimeline(
            dataset: dataset, account: index, mrr: page.view.calculator.timeline.history(of: index), alerts: alerts,
            tasks: tasks, formatMoney: { Display.money($0, currency) })
        let clock = self.clock  // one instant for the whole section
        let open = tasks.filter { $0.status == .open }
        let path = "/accounts/\(URLQuery.escape(account.id.rawValue))"
        let actions = TaskActions(
            csrfToken: page.session.csrfToken, back: path + "#tasks", owners: Array(Set(open.map(\.owner))).sorted(), today: clock.date)
        let taskSection = AccountTasksSection(
            table: actions.table(open, name: "tasks", caption: "Open tasks (\(open.count))", showAccount: false, now: clock))
        return (TimelineSection(
            timeline: timeline, kind: page.parameters["timeline"].flatMap(AccountTimeline.Kind.init(rawValue:)),
            page: page.parameters["tpage"].flatMap(Int.init) ?? 1,
            contacts: dataset.contacts.filter { $0.account == index }, csrfToken: page.session.csrfToken,
            today: clock.date, problem: problem, typed: typed), taskSection)
    }

    /// Logs an activity from the account page's form, by the person signed in: the same checks as
    /// `POST /api/v1/activities` (the form becomes one record of JSON), so a bad value is refused with the same message.
    func logActivity(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id") else { throw HTTPError(.notFound) }
        let workspace = session.user.workspace
        var json = JSONText()
        json.beginArray()
        json.beginObject()
        json.field("activity_id", "act-" + UUID().uuidString.lowercased())
        json.field("account_id", id)
        json.field("author", session.user.name)
        let clock = self.clock  // one instant for the whole record
        for field in ["kind", "occurred_at", "contact_id", "subject", "body", "sentiment"] {
            var value = form[field]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            // Logged for today: at this moment, so that it comes first on the timeline.
            if field == "occurred_at", value == clock.date.description { value = clock.description }
            if !value.isEmpty { json.field(field, value) }
        }
        json.endObject()
        json.endArray()
        let references = try await cache.references(workspace)
        let settings = try await cache.view(workspace).calculator.settings
        let contacts = try await cache.contactOwners(workspace)
        let dataset: Dataset
        do {
            dataset = try DatasetLoader.load(
                json: Array(json.text.utf8), kind: .activities, ndjson: false, reportingCurrency: settings.reportingCurrency,
                knownAccounts: references.accounts, ratedCurrencies: references.rated,
                knownContacts: contacts).dataset
        } catch {
            let message: String
            switch error {
            case .malformed(let reason): message = reason
            case .invalid(let problems): message = problems.issues.map { ($0.column.map { "\($0): " } ?? "") + $0.reason }.joined(separator: "; ")
            }
            return try await account(request, context, problem: message, typed: form)
        }
        try await writer.save(
            SaveRequest(dataset, workspace: workspace, storedAccounts: references.rows), appending: nil, changesReferences: false)
        await cache.invalidate(workspace, references: false)
        return .redirect(to: "/accounts/\(URLQuery.escape(id))#timeline", type: .normal)
    }
}

/// The account's open tasks, each with its actions in place.
struct AccountTasksSection {
    var table: DataTable

    func render(path: String) -> HTML {
        guard !table.rows.isEmpty else { return "" }
        return "<h2 id=\"tasks\">Tasks</h2>" + table.html(downloadQuery: "", path: path)
    }
}

extension ContactRole {
    /// The order people are listed in on an account: the champion and the buyers first.
    var sortOrder: Int { Self.allCases.firstIndex(of: self)! }
}
