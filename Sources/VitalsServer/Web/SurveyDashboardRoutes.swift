import Foundation
import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// The dashboard's side of hosted surveys (docs/surveys.md): "Send survey" on the account page (work permission),
/// and the `[surveys]` settings of the workspace on `/admin/surveys` (admins), saved as the section's TOML text and
/// checked by the same loader as the file, every change audited.
struct SurveyDashboardRoutes: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let surveys: SurveyService
    let now: @Sendable () -> Date
    /// Whether `[email]` is set up; without it invitations are queued and wait, and the pages say so.
    var emailConfigured = true
    var clock: Timestamp { Timestamp(seconds: Int64(now().timeIntervalSince1970)) }

    /// What the pages say while email is not set up (docs/email.md).
    var emailWaits: HTML {
        emailConfigured
            ? ""
            : """
            <div class="error" role="alert" data-email-state="off"><p><strong>Email is not set up</strong>: invitations are \
            queued but nothing is sent until an admin gives the SMTP server (Admin › Email, docs/email.md).</p></div>
            """
    }

    func register(on pages: RouterGroup<VitalsContext>) {
        pages.post("/accounts/:id/surveys") { request, context in try await send(request, context) }
        pages.get("/admin/surveys") { _, context in try settingsPage(try AdminController.session(context), notice: nil) }
        pages.post("/admin/surveys") { request, context in try await save(request, context) }
    }

    /// Sends the chosen survey to the chosen contact, or says which limit refused it.
    func send(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id") else { throw HTTPError(.notFound) }
        let workspace = session.user.workspace
        let back = "/accounts/\(URLQuery.escape(id))"
        let layout = PageLayout(
            title: "Send survey", active: .accounts, userName: session.user.name, csrfToken: session.csrfToken,
            role: session.user.role)
        guard let survey = SurveyKind(rawValue: form["survey"] ?? ""), let contact = form["contact_id"], !contact.isEmpty else {
            let body: HTML = "<h1>Send survey</h1><p class=\"error\" role=\"alert\">Choose a contact and a survey.</p><p><a href=\"\(back)\">Back to the account</a></p>"
            return .html(layout.render(body), status: .unprocessableContent)
        }
        switch try await surveys.sendManual(
            workspace: workspace, account: AccountID(id), contact: ContactID(contact), survey: survey)
        {
        case .refused(let refusal):
            let body: HTML = """
                <h1>Send survey</h1><p class="error" role="alert">Not sent, refused by \(refusal.description).</p>\
                <p><a href="\(back)">Back to the account</a></p>
                """
            return .html(layout.render(body), status: .unprocessableContent)
        case .sent(let invitation):
            try AuditTrail(store: store).note(
                workspace, actor: session.user.email, "survey.send", target: "\(id)/\(contact)",
                change: "\(survey.rawValue) invitation \(invitation.id)", at: invitation.sentAt)
            let body: HTML = """
                <h1>Send survey</h1><p class="notice" role="status">The \(survey.rawValue.uppercased()) survey is queued for \
                \(contact) (invitation \(invitation.id.rawValue)).</p>\(emailWaits)<p><a href="\(back)">Back to the account</a></p>
                """
            return .html(layout.render(body))
        }
    }

    /// The form on the account page: one of the account's contacts and a survey.
    static func form(contacts: [Contact], path: String, csrf: String) -> HTML {
        guard !contacts.isEmpty else { return "" }
        let people = contacts.map { c -> HTML in "<option value=\"\(c.id.rawValue)\">\(c.displayName)</option>" }
        let kinds = SurveyKind.allCases.map { k -> HTML in "<option value=\"\(k.rawValue)\">\(k.rawValue.uppercased())</option>" }
        return """
            <h2 id="send-survey">Send survey</h2>
            <form method="post" action="\(path)/surveys" class="filters"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="survey-contact">Contact<select id="survey-contact" name="contact_id">\(people)</select></label>
            <label for="survey-kind">Survey<select id="survey-kind" name="survey">\(kinds)</select></label>
            <button type="submit">Send survey</button></form>
            <p class="muted">Within the limits of Admin › Surveys: no contact is asked twice in its days between surveys, \
            nor after unsubscribing.</p>
            """
    }

    /// The settings form; after a refused save, `typed` keeps what was typed (answered 422 with every problem).
    func settingsPage(
        _ session: UserSession, notice: AdminPages.Notice?, typed: [String: String]? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let workspace = session.user.workspace
        let settings = try surveys.settings(workspace: workspace)
        let saved = try store.settings(workspace: workspace).first { $0.section == "surveys" }
        let origin: HTML = saved.map { "<p class=\"muted\">Saved by \($0.updatedBy) on \($0.updatedAt.description); it overrides the [surveys] section of vitals.toml.</p>" }
            ?? "<p class=\"muted\">From vitals.toml (or the defaults): saving here overrides it for this workspace.</p>"
        let checks = SurveyTrigger.allCases.filter { $0 != .manual }.map { t -> HTML in
            let on = typed.map { $0["trigger_\(t.rawValue)"] == "on" } ?? settings.triggers.contains(t)
            return "<p><label><input type=\"checkbox\" name=\"trigger_\(t.rawValue)\" value=\"on\"\(HTML(raw: on ? " checked" : ""))> \(Self.triggerLabel(t))</label></p>"
        }
        func field(_ name: String, _ label: String, _ value: String, hint: String) -> HTML {
            """
            <p><label for="\(name)">\(label)</label><br><input id="\(name)" name="\(name)" value="\(typed?[name] ?? value)" \
            aria-describedby="\(name)-hint"> <span class="muted" id="\(name)-hint">\(hint)</span></p>
            """
        }
        let body: HTML = """
            <h1>Admin</h1>\(AdminPages.tabs(.surveys))\(notice?.html)
            <h2>Hosted surveys</h2>\(emailWaits)\(origin)
            <form method="post" action="/admin/surveys" class="card"><input type="hidden" name="csrf" value="\(session.csrfToken)">
            <h3>Send a survey when</h3>\(checks)
            \(field("csat_delay_minutes", "CSAT delay (minutes)", String(settings.csatDelaySeconds / 60), hint: "after the ticket is resolved; 0 to 43,200"))
            \(field("lookback_days", "Look back (days)", String(settings.lookbackSeconds / 86_400), hint: "older tickets and onboardings are not surveyed; 1 to 365"))
            \(field("nps_every_days", "NPS every (days)", String(settings.npsEveryDays), hint: "one round per this many days; 7 to 730"))
            \(field("nps_sample", "NPS sample", String(settings.npsSample), hint: "share of each account's contacts asked per round; 0 to 1"))
            \(field("min_days_between_surveys", "Min days between surveys", String(settings.minDaysBetweenSurveys), hint: "per contact, any survey; 0 to 730"))
            \(field("token_days", "Link valid (days)", String(settings.tokenDays), hint: "1 to 365"))
            \(field("company", "Company name", settings.company ?? "", hint: "what the emails and pages say; empty: \"us\""))
            <button type="submit">Save</button></form>
            <p class="muted">docs/surveys.md says what each setting does.</p>
            """
        let layout = PageLayout(
            title: "Surveys", active: .admin, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
        return .html(layout.render(body), status: status)
    }

    static func triggerLabel(_ trigger: SurveyTrigger) -> String {
        switch trigger {
        case .ticketResolved: "a ticket is resolved (CSAT)"
        case .periodic: "every N days (NPS)"
        case .onboardingCompleted: "onboarding completes (CES)"
        case .manual: "by hand"
        }
    }

    /// Saves the form as the workspace's `[surveys]` section, after the loader's checks (every problem listed).
    func save(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let triggers = SurveyTrigger.allCases.filter { form["trigger_\($0.rawValue)"] == "on" }
        func value(_ key: String) -> String {
            let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
            // Numbers go into the TOML as typed (the loader checks them); anything else is refused before it.
            return text.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" } && !text.isEmpty ? text : "\"\(SurveysConfigurationLoader.escaped(text))\""
        }
        var toml = "[surveys]\ntriggers = [\(triggers.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))]\n"
        for key in ["csat_delay_minutes", "lookback_days", "nps_every_days", "nps_sample", "min_days_between_surveys", "token_days"] {
            toml += "\(key) = \(value(key))\n"
        }
        let company = (form["company"] ?? "").trimmingCharacters(in: .whitespaces)
        if !company.isEmpty { toml += "company = \"\(SurveysConfigurationLoader.escaped(company))\"\n" }
        let settings: SurveySettings
        do {
            settings = try SurveysConfigurationLoader.parse(toml, source: "form")
        } catch {
            let problems = error.problems.map { $0.replacingOccurrences(of: "form: [surveys] ", with: "") }
            return try settingsPage(session, notice: .problems(problems), typed: form, status: .unprocessableContent)
        }
        let text = SurveysConfigurationLoader.write(settings)
        let workspace = session.user.workspace
        try store.saveSetting(
            StoredSetting(section: "surveys", value: text, updatedBy: session.user.email, updatedAt: clock), workspace: workspace)
        try AuditTrail(store: store).note(
            workspace, actor: session.user.email, "settings.save", target: "[surveys]",
            change: text.replacingOccurrences(of: "\n", with: "; "), at: clock)
        return try settingsPage(session, notice: .done("The survey settings are saved."))
    }
}
