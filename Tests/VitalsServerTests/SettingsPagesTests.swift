import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsServer
import VitalsStore

/// `/admin/settings` and `/admin/health`: a form makes the section's TOML, the file's loader checks it, then it is
/// saved for the admin's workspace only, audited, and used at once; reset brings the file's values back.
@Suite struct SettingsPagesTests {
    static func form(_ csrf: String, _ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        return ([("csrf", csrf)] + fields).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }

    /// The default weights, all whole numbers.
    static let defaultWeights: [(String, String)] = HealthComponent.allCases.map { ("weight_\($0.rawValue)", String(Int($0.defaultWeight))) }

    /// Without [email], Admin > Surveys says invitations wait; with it, it does not (docs/email.md).
    @Test func theSurveysPageSaysWhenEmailIsNotSetUp() async throws {
        let f = try APIFixture()
        let (cookie, _) = try AdminPagesTests.admin(f)
        try await f.app().test(.router) { client in
            let (status, page) = try await DashboardTests.get(client, "/admin/surveys", cookie: cookie)
            #expect(status == .ok && page.contains("<strong>Email is not set up</strong>: invitations are queued"))
        }
        var configuration = ServerConfiguration(port: 0)
        configuration.email.host = "127.0.0.1"
        configuration.email.from = "vitals@example.com"
        let app = buildApplication(configuration: configuration, store: f.store, settings: ReportSettings())
        try await app.test(.router) { client in
            let (status, page) = try await DashboardTests.get(client, "/admin/surveys", cookie: cookie)
            #expect(status == .ok && page.contains("Hosted surveys") && !page.contains("Email is not set up"))
        }
    }

    @Test func workspaceSettingsAreCheckedSavedAuditedAndReset() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try AdminPagesTests.admin(f)
        try await f.app().test(.router) { client in
            let (status, page) = try await DashboardTests.get(client, "/admin/settings", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains("data-origin=\"file\"") && page.contains("<option value=\"USD\" selected>USD ($)</option>"))
            #expect(page.contains("name=\"gross_margin\"") && page.contains("value=\"100\""))  // the default margin 1 = 100 %
            #expect(page.contains("<a href=\"/admin/settings\" aria-current=\"page\">Workspace settings</a>"))
            // 250 % is a margin of 2.5: the loader's problem, beside the gross margin field; nothing saved.
            let bad = Self.form(csrf, [
                ("currency", "EUR"), ("gross_margin", "250"), ("delinquency_days", "45"), ("onboarding_overdue_days", "90"),
                ("renewal_grace_days", "30"),
            ])
            let (badStatus, badPage, _) = try await AdminPagesTests.post(client, "/admin/settings", cookie: cookie, bad)
            #expect(badStatus == .unprocessableContent)
            let fieldStart = try #require(badPage.range(of: "name=\"gross_margin\""))
            let nextField = try #require(badPage[fieldStart.upperBound...].range(of: "<div class=\"field\">"))
            #expect(badPage[fieldStart.upperBound..<nextField.lowerBound].contains("gross_margin &#39;2.5&#39; must be a fraction in (0, 1]"))
            #expect(badPage.contains("value=\"250\""))
            #expect(try f.store.settings(workspace: f.a).isEmpty)
            // 75 % is saved as 0.75.
            let good = Self.form(csrf, [
                ("currency", "EUR"), ("gross_margin", "75"), ("delinquency_days", "45"), ("onboarding_overdue_days", "90"),
                ("renewal_grace_days", "30"),
            ])
            let (okStatus, okPage, _) = try await AdminPagesTests.post(client, "/admin/settings", cookie: cookie, good)
            #expect(okStatus == .ok)
            #expect(okPage.contains("data-origin=\"saved\"") && okPage.contains("Saved here by <strong>root@a.example</strong>"))
            #expect(okPage.contains("<option value=\"EUR\" selected>EUR (€)</option>") && okPage.contains("value=\"75\""))
            let saved = try f.store.settings(workspace: f.a)
            #expect(saved.map(\.section) == ["report"] && saved[0].updatedBy == "root@a.example")
            #expect(saved[0].value == """
                [report]
                currency = "EUR"
                gross_margin = 0.75
                delinquency_days = 45
                onboarding_overdue_days = 90
                renewal_grace_days = 30

                """)
            #expect(try f.store.settings(workspace: f.b).isEmpty)
            let audit = try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "settings.", limit: 10))
            #expect(audit.entries.map(\.event.change) == [
                "report.currency: \"USD\" -> \"EUR\"; report.delinquency_days: 30 -> 45; report.gross_margin: 1 -> 0.75"
            ])
            // Reset: the file's (here the defaults') values again, audited.
            let (resetStatus, resetPage, _) = try await AdminPagesTests.post(client, "/admin/settings/reset", cookie: cookie, "csrf=\(csrf)")
            #expect(resetStatus == .ok && resetPage.contains("data-origin=\"file\"") && resetPage.contains("<option value=\"USD\" selected>"))
            #expect(try f.store.settings(workspace: f.a).isEmpty)
            let after = try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "settings.", limit: 10))
            #expect(after.entries.map(\.event.action) == ["settings.reset", "settings.save"])
        }
    }

    @Test func healthWeightsAndBandsAreSavedAsTheHealthSectionAndShownAsShares() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try AdminPagesTests.admin(f)
        try await f.app().test(.router) { client in
            let (status, page) = try await DashboardTests.get(client, "/admin/health", cookie: cookie)
            #expect(status == .ok)
            // The default weights add up to 100: usage trend 20 of 100 = 20 %.
            #expect(page.contains("<tr data-component=\"usage_trend\">") && page.contains("<td class=\"num\" data-share>20 %</td>"))
            var fields = Self.defaultWeights.filter { $0.0 != "weight_usage_trend" && $0.0 != "weight_nps" }
            fields += [("weight_usage_trend", "40"), ("weight_nps", "0"), ("yellow_from", "80"), ("green_from", "60")]
            // Yellow from 80 above green from 60: the loader refuses it.
            let (badStatus, badPage, _) = try await AdminPagesTests.post(client, "/admin/health", cookie: cookie, Self.form(csrf, fields))
            #expect(badStatus == .unprocessableContent && badPage.contains("[health] yellow_from must not be above green_from"))
            #expect(try f.store.settings(workspace: f.a).isEmpty)
            fields = fields.filter { $0.0 != "yellow_from" && $0.0 != "green_from" } + [("yellow_from", "30"), ("green_from", "80")]
            let (okStatus, okPage, _) = try await AdminPagesTests.post(client, "/admin/health", cookie: cookie, Self.form(csrf, fields))
            #expect(okStatus == .ok)
            // Total 100 + 20 - 10 = 110: usage trend 40 / 110 = 36.4 %, billing 15 / 110 = 13.6 %, NPS 0 %.
            #expect(okPage.contains("<tr data-component=\"usage_trend\">") && okPage.contains("data-share>36.4 %</td>"))
            #expect(okPage.contains("data-share>13.6 %</td>") && okPage.contains("data-share>0 %</td>"))
            let saved = try #require(try f.store.settings(workspace: f.a).first)
            #expect(saved.section == "health")
            let loaded = try HealthConfigurationLoader.parse(saved.value, source: "saved", report: ReportSettings())
            #expect(loaded.health.defaultModel.bands == HealthBands(yellowFrom: 30, greenFrom: 80))
            #expect(loaded.health.defaultModel.weight(.usageTrend) == 40 && loaded.health.defaultModel.weight(.nps) == 0)
            #expect(loaded.health.defaultModel.weight(.billing) == 15)
        }
    }

    @Test func viewersAndCSMsCannotReachTheSettingsPages() async throws {
        let f = try APIFixture()
        let now = Date()
        let id = try f.store.createUser(workspace: f.a, email: "csm@a.example", name: "C", passwordHash: "x", role: .csm, actor: "cli", at: now)
        let token = try f.store.createSession(user: id, at: now, lifetime: 3600)
        try await f.app().test(.router) { client in
            for path in ["/admin/settings", "/admin/health"] {
                let (status, _) = try await DashboardTests.get(client, path, cookie: "vitals_session=\(token)")
                #expect(status == .forbidden)
            }
        }
    }
}

/// `/admin/alerts` and `/admin/playbooks`: one entry at a time, the whole section checked with the rest before saving.
@Suite struct RulePagesTests {
    @Test func rulesAndPlaybooksAreAddedEditedAndDeletedThroughTheirForms() async throws {
        let f = try APIFixture()
        let (cookie, csrf) = try AdminPagesTests.admin(f)
        try await f.app().test(.router) { client in
            let post = { (path: String, fields: [(String, String)]) async throws -> (HTTPResponse.Status, String) in
                let (status, page, _) = try await AdminPagesTests.post(client, path, cookie: cookie, SettingsPagesTests.form(csrf, fields))
                return (status, page)
            }
            let (status, empty) = try await DashboardTests.get(client, "/admin/alerts", cookie: cookie)
            #expect(status == .ok && empty.contains("No rules: no alert fires in this workspace."))
            #expect(!empty.contains("id=\"rule-form\""))
            // Choosing a kind shows that kind's fields: a score drop has points and days, not percent.
            let (_, form) = try await DashboardTests.get(client, "/admin/alerts?kind=score_drop", cookie: cookie)
            #expect(form.contains("id=\"rule-form\"") && form.contains("name=\"points\"") && form.contains("name=\"days\""))
            #expect(!form.contains("name=\"percent\"") && form.contains("placeholder=\"14\""))  // 14 days by default
            // Points that are not a number: the loader's problem beside the points field, nothing saved.
            let rule = [("kind", "score_drop"), ("name", "drop"), ("severity", "critical"), ("days", "7")]
            let (bad, badPage) = try await post("/admin/alerts", rule + [("points", "lots")])
            #expect(bad == .unprocessableContent)
            let points = try #require(badPage.range(of: "name=\"points\""))
            let next = try #require(badPage[points.upperBound...].range(of: "<div class=\"field\">"))
            #expect(badPage[points.upperBound..<next.lowerBound].contains("[[alerts.rules]] #1 &#39;drop&#39; points: must be a number from 0 to 100"))
            #expect(try f.store.settings(workspace: f.a).isEmpty)
            let (ok, okPage) = try await post("/admin/alerts", rule + [("points", "15")])
            #expect(ok == .ok && okPage.contains("<tr data-rule=\"drop\">") && okPage.contains("data-origin=\"saved\""))
            #expect(try f.store.settings(workspace: f.a).first?.value == """
                [[alerts.rules]]
                name = "drop"
                kind = "score_drop"
                severity = "critical"
                points = 15
                days = 7

                """)
            // A playbook on that rule.
            let (added, addedPage) = try await post("/admin/playbooks", [
                ("name", "call"), ("when_0", "drop"), ("task", "Call {account}"), ("due_days", "3"), ("webhook", ""),
            ])
            #expect(added == .ok && addedPage.contains("<tr data-playbook=\"call\">") && addedPage.contains("Call {account} (due in 3 days)"))
            // Deleting the rule would leave the playbook naming nothing: refused, both kept.
            let (refused, refusedPage) = try await post("/admin/alerts/delete", [("name", "drop")])
            #expect(refused == .unprocessableContent && refusedPage.contains("[[playbooks]] &#39;call&#39; when: no rule named &#39;drop&#39;"))
            // Editing the rule into a usage drop of 40 %.
            let (edited, editedPage) = try await post("/admin/alerts", [
                ("original", "drop"), ("kind", "usage_drop"), ("name", "drop"), ("severity", "warning"), ("percent", "40"),
            ])
            #expect(edited == .ok && editedPage.contains("<code>usage_drop</code>"))
            let saved = Dictionary(uniqueKeysWithValues: try f.store.settings(workspace: f.a).map { ($0.section, $0.value) })
            let layers = SettingsLayers(report: ReportSettings(), configuration: HealthConfiguration())
            let loaded = try layers.health(saved: saved.filter { $0.key != "report" }, report: ReportSettings())
            #expect(loaded.rules == [AlertRule(id: "drop", kind: .usageDrop, severity: "warning", percent: 40)])
            #expect(loaded.playbooks.map(\.name) == ["call"] && loaded.playbooks[0].actions == [.task(title: "Call {account}", dueDays: 3, owner: nil)])
            // Workspace b has none of it.
            #expect(try f.store.settings(workspace: f.b).isEmpty)
            // Playbook deleted, then the rule; the audit log has the four saves.
            #expect(try await post("/admin/playbooks/delete", [("name", "call")]).0 == .ok)
            #expect(try await post("/admin/alerts/delete", [("name", "drop")]).0 == .ok)
            let audit = try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "settings.", limit: 10))
            #expect(audit.entries.map(\.event.target) == ["alerts.rules", "playbooks", "alerts.rules", "playbooks", "alerts.rules"])
            let (_, gone) = try await DashboardTests.get(client, "/admin/alerts", cookie: cookie)
            #expect(gone.contains("No rules: no alert fires in this workspace."))
        }
    }
}
