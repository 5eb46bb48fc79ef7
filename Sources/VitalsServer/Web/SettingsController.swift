import Foundation
import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// The admin pages that edit a workspace's settings (docs/configuration.md, "Settings saved in the dashboard"):
/// `/admin/settings` (`[report]`) and `/admin/health` (the default health model's weights and bands). A form makes the
/// section's TOML, the file's loader checks it (a problem is shown beside its field, nothing is saved), then it is
/// saved for the workspace, noted in the audit log, and the workspace's cached view is dropped so that pages, the API
/// and the next evaluation use it at once. Reset deletes the saved section: the file's values apply again.
struct SettingsController: Sendable {
    let store: any VitalsStorage
    let health: HealthService
    let now: @Sendable () -> Date

    func register(on pages: RouterGroup<VitalsContext>) {
        pages.get("/admin/settings") { _, context in try await report(try AdminController.session(context)) }
        pages.post("/admin/settings") { request, context in try await saveReport(request, context) }
        pages.post("/admin/settings/reset") { request, context in
            let (session, notice) = try await reset(request, context, SettingsSections.report)
            return try await report(session, notice: notice)
        }
        pages.get("/admin/health") { _, context in try await healthModel(try AdminController.session(context)) }
        pages.post("/admin/health") { request, context in try await saveHealth(request, context) }
        pages.post("/admin/health/reset") { request, context in
            let (session, notice) = try await reset(request, context, SettingsSections.health)
            return try await healthModel(session, notice: notice)
        }
    }

    func layout(_ session: UserSession, _ title: String) -> PageLayout {
        PageLayout(title: title, active: .admin, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
    }

    func settings(_ workspace: Int64) async throws -> EffectiveSettings {
        do { return try await health.settings(workspace: workspace) } catch { throw HTTPError(.internalServerError, message: "\(error)") }
    }

    /// The text of `section` the workspace runs with now: the saved one, else the file's.
    func currentText(_ section: String, _ settings: EffectiveSettings) -> String {
        settings.saved[section]?.value ?? SettingsSections.extract(section, from: health.layers.fileText)
    }

    // MARK: [report]

    func report(
        _ session: UserSession, form: [String: String]? = nil, problems: [String] = [], notice: AdminPages.Notice? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let current = try await settings(session.user.workspace)
        let page = SettingsPages.report(
            current, fileName: health.layers.fileName, form: form, problems: problems, csrf: session.csrfToken, notice: notice)
        return .html(layout(session, "Workspace settings").render(page), status: status)
    }

    func saveReport(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let text = SettingsPages.reportText(form)
        let current = try await settings(session.user.workspace)
        return try await save(SettingsSections.report, text: text, old: SettingsSections.reportText(current.report), session: session) { problems in
            try await report(session, form: form, problems: problems, status: .unprocessableContent)
        } done: { change in
            try await report(session, notice: .done("Saved for this workspace: \(change). Pages, the API and the next evaluation use it now."))
        }
    }

    // MARK: [health]

    func healthModel(
        _ session: UserSession, form: [String: String]? = nil, problems: [String] = [], notice: AdminPages.Notice? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let current = try await settings(session.user.workspace)
        let page = SettingsPages.health(
            current, fileName: health.layers.fileName, form: form, problems: problems, csrf: session.csrfToken, notice: notice)
        return .html(layout(session, "Health model").render(page), status: status)
    }

    func saveHealth(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let current = try await settings(session.user.workspace)
        let old = currentText(SettingsSections.health, current)
        // The values in use written out as the form writes them, so that the audit log names only what changed.
        let model = current.configuration.health.defaultModel
        let inUse = (try? SettingsSections.healthText(
            base: old, yellowFrom: model.bands.yellowFrom, greenFrom: model.bands.greenFrom,
            weights: HealthComponent.allCases.map { (key: $0.rawValue, value: model.weight($0)) })) ?? old
        let failed: ([String]) async throws -> Response = { problems in
            try await healthModel(session, form: form, problems: problems, status: .unprocessableContent)
        }
        let text: String
        switch SettingsPages.healthText(form, base: old) {
        case .failure(let list): return try await failed(list.problems)
        case .success(let made): text = made
        }
        return try await save(SettingsSections.health, text: text, old: inUse, session: session, failed: failed) { change in
            try await healthModel(session, notice: .done("Saved for this workspace: \(change). Scores use it from now on."))
        }
    }

    // MARK: Saving and resetting

    /// Checks `text` as the workspace's `section` with the file's loader; saves it, notes it in the audit log and
    /// drops the workspace's cached view, then answers `done` with what changed; or answers `failed` with the
    /// loader's problems, having saved nothing.
    func save(
        _ section: String, text: String, old: String, session: UserSession,
        failed: ([String]) async throws -> Response, done: (String) async throws -> Response
    ) async throws -> Response {
        let workspace = session.user.workspace
        let saved = try AdminController(store: store, now: now).stored { () throws(StoreError) in try store.settings(workspace: workspace) }
        do throws(ConfigurationError) {
            _ = try health.layers.check(section: section, text: text, saved: saved)
        } catch {
            return try await failed(error.problems)
        }
        let at = now()
        let change = SettingsChange.describe(from: old, to: text)
        try AdminController(store: store, now: now).stored { () throws(StoreError) in
            try store.saveSetting(
                StoredSetting(section: section, value: text, updatedBy: session.user.email, updatedAt: Timestamp(seconds: Int64(at.timeIntervalSince1970))),
                workspace: workspace)
            try store.recordAudit(
                AuditEvent(actor: session.user.email, action: "settings.save", target: section, change: change), workspace: workspace, at: at)
        }
        await health.invalidateSettings(workspace: workspace)
        return try await done(change)
    }

    /// Deletes the workspace's saved `section` (the file's applies again), audited; what the page then says.
    func reset(_ request: Request, _ context: VitalsContext, _ section: String) async throws -> (UserSession, AdminPages.Notice) {
        let (session, _) = try await LoginController.sessionForm(request, context: context)
        let workspace = session.user.workspace
        let current = try await settings(workspace)
        let at = now()
        let removed = try AdminController(store: store, now: now).stored { () throws(StoreError) -> Bool in
            guard try store.deleteSetting(section: section, workspace: workspace) else { return false }
            let file = SettingsSections.extract(section, from: health.layers.fileText)
            let change = "reset to \(health.layers.fileName): " + SettingsChange.describe(from: current.saved[section]?.value ?? "", to: file)
            try store.recordAudit(
                AuditEvent(actor: session.user.email, action: "settings.reset", target: section, change: change), workspace: workspace, at: at)
            return true
        }
        await health.invalidateSettings(workspace: workspace)
        let notice: AdminPages.Notice = removed
            ? .done("This workspace uses the values of \(health.layers.fileName) again.")
            : .problems(["Nothing was saved for this section: it already uses the values of \(health.layers.fileName)."])
        return (session, notice)
    }
}
