import Foundation
import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// The admin pages that edit a workspace's alert rules (`/admin/alerts`) and playbooks (`/admin/playbooks`), one
/// entry at a time. Each add, edit or delete makes the whole section anew from the one the workspace runs with
/// (saved, else the file's), which the file's loader checks with the rest of the configuration before it is saved
/// (`SettingsController.save`: audited, used at once).
struct RulesController: Sendable {
    let settings: SettingsController

    func register(on pages: RouterGroup<VitalsContext>) {
        pages.get("/admin/alerts") { request, context in
            let q = request.uri.queryParameters
            return try await alerts(
                try AdminController.session(context), edit: q.get("edit"), kind: q.get("kind").flatMap(AlertKind.init(rawValue:)))
        }
        pages.post("/admin/alerts") { request, context in try await saveRule(request, context) }
        pages.post("/admin/alerts/delete") { request, context in try await delete(request, context, SettingsSections.alertRules) }
        pages.post("/admin/alerts/reset") { request, context in
            let (session, notice) = try await settings.reset(request, context, SettingsSections.alertRules)
            return try await alerts(session, edit: nil, kind: nil, notice: notice)
        }
        pages.get("/admin/playbooks") { request, context in
            let q = request.uri.queryParameters
            return try await playbooks(try AdminController.session(context), edit: q.get("edit"), adding: q.get("add") != nil)
        }
        pages.post("/admin/playbooks") { request, context in try await savePlaybook(request, context) }
        pages.post("/admin/playbooks/delete") { request, context in try await delete(request, context, SettingsSections.playbooks) }
        pages.post("/admin/playbooks/reset") { request, context in
            let (session, notice) = try await settings.reset(request, context, SettingsSections.playbooks)
            return try await playbooks(session, edit: nil, adding: false, notice: notice)
        }
    }

    /// The entries of `section` the workspace runs with now.
    func entries(_ section: String, _ current: EffectiveSettings) -> SettingsEntries {
        SettingsEntries(section: section, text: settings.currentText(section, current))
    }

    func alerts(
        _ session: UserSession, edit: String?, kind: AlertKind?, form: SettingsEntries.Entry? = nil, problems: [String] = [],
        notice: AdminPages.Notice? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let current = try await settings.settings(session.user.workspace)
        let list = entries(SettingsSections.alertRules, current)
        let editing = form ?? edit.flatMap { name in list.entries.first { $0.name == name } }
        let page = RulePages.alerts(
            current, entries: list, fileName: settings.health.layers.fileName, editing: editing, original: edit, kind: kind,
            problems: problems, csrf: session.csrfToken, notice: notice)
        return .html(settings.layout(session, "Alert rules").render(page), status: status)
    }

    func saveRule(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let original = form["original"].flatMap { $0.isEmpty ? nil : $0 }
        guard let kind = AlertKind(rawValue: form["kind"] ?? "") else {
            return try await alerts(
                session, edit: original, kind: nil, problems: ["Kind: choose one of \(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))"],
                status: .unprocessableContent)
        }
        let entry = RulePages.rule(form, kind: kind)
        let current = try await settings.settings(session.user.workspace)
        let list = entries(SettingsSections.alertRules, current)
        if let problem = duplicate(entry.name, original: original, in: list, noun: "rule") {
            return try await alerts(session, edit: original, kind: kind, form: entry, problems: [problem], status: .unprocessableContent)
        }
        let text = list.replacing(original, with: entry).text
        return try await settings.save(SettingsSections.alertRules, text: text, old: list.text, session: session) { problems in
            try await alerts(session, edit: original, kind: kind, form: entry, problems: problems, status: .unprocessableContent)
        } done: { change in
            try await alerts(session, edit: nil, kind: nil, notice: .done("Saved for this workspace: \(change). The next evaluation uses it."))
        }
    }

    func playbooks(
        _ session: UserSession, edit: String?, adding: Bool, form: SettingsEntries.Entry? = nil, problems: [String] = [],
        notice: AdminPages.Notice? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let current = try await settings.settings(session.user.workspace)
        let list = entries(SettingsSections.playbooks, current)
        let editing = form ?? edit.flatMap { name in list.entries.first { $0.name == name } }
        let page = PlaybookPages.page(
            current, entries: list, fileName: settings.health.layers.fileName, editing: editing, original: edit, adding: adding,
            problems: problems, csrf: session.csrfToken, notice: notice)
        return .html(settings.layout(session, "Playbooks").render(page), status: status)
    }

    func savePlaybook(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let original = form["original"].flatMap { $0.isEmpty ? nil : $0 }
        let entry = PlaybookPages.playbook(form)
        let current = try await settings.settings(session.user.workspace)
        let list = entries(SettingsSections.playbooks, current)
        if let problem = duplicate(entry.name, original: original, in: list, noun: "playbook") {
            return try await playbooks(session, edit: original, adding: true, form: entry, problems: [problem], status: .unprocessableContent)
        }
        let text = list.replacing(original, with: entry).text
        return try await settings.save(SettingsSections.playbooks, text: text, old: list.text, session: session) { problems in
            try await playbooks(session, edit: original, adding: true, form: entry, problems: problems, status: .unprocessableContent)
        } done: { change in
            try await playbooks(session, edit: nil, adding: false, notice: .done("Saved for this workspace: \(change). The next evaluation uses it."))
        }
    }

    /// A problem when `name` is taken by another entry than the one edited (the loader would refuse two of a name, but
    /// naming the field here is clearer).
    func duplicate(_ name: String, original: String?, in list: SettingsEntries, noun: String) -> String? {
        guard name != original, list.entries.contains(where: { $0.name == name }) else { return nil }
        return "[\(noun)] name: another \(noun) is already named '\(name)'"
    }

    func delete(_ request: Request, _ context: VitalsContext, _ section: String) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let name = form["name"] ?? ""
        let current = try await settings.settings(session.user.workspace)
        let list = entries(section, current)
        let rules = section == SettingsSections.alertRules
        func page(_ problems: [String], _ notice: AdminPages.Notice?, _ status: HTTPResponse.Status) async throws -> Response {
            if rules { return try await alerts(session, edit: nil, kind: nil, problems: problems, notice: notice, status: status) }
            return try await playbooks(session, edit: nil, adding: false, problems: problems, notice: notice, status: status)
        }
        guard list.entries.contains(where: { $0.name == name }) else {
            return try await page([], .problems(["No \(rules ? "rule" : "playbook") named '\(name)' in this workspace."]), .notFound)
        }
        let text = list.replacing(name, with: nil).text
        return try await settings.save(section, text: text, old: list.text, session: session) { problems in
            try await page([], .problems(["'\(name)' was not deleted:"] + problems), .unprocessableContent)
        } done: { _ in
            try await page([], .done("'\(name)' is deleted for this workspace."), .ok)
        }
    }
}
