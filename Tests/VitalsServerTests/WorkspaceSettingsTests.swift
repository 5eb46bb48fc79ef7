import Foundation
import Testing
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// Each workspace runs with the server's settings, save the sections its admins saved (docs/configuration.md,
/// "Settings saved in the dashboard"): a saved section applies to that workspace at once, and to no other.
@Suite struct WorkspaceSettingsTests {
    /// Two workspaces with the same customer paying 100 USD a month from January 2024, and a rate of 0.9 EUR per USD.
    static func store() throws -> (Store, Int64, Int64) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-settings-\(UUID().uuidString).sqlite")
        let a = try store.workspace("a"), b = try store.workspace("b")
        for workspace in [a, b] {
            var data = Dataset()
            let x = data.upsert(Account(id: "x", name: "X"))
            data.subscriptions = [
                SubscriptionVersion(
                    subscriptionID: "s", account: x, product: "Core", amount: Money(minorUnits: 10_000, currency: .usd),
                    validFrom: Timestamp(year: 2024, month: 1, day: 1))
            ]
            data.fxRates = [FxRate(date: Timestamp(year: 2024, month: 1, day: 1), currency: .usd, rate: 0.9)]
            try store.save(data, workspace: workspace)
        }
        return (store, a, b)
    }

    /// January 2024's MRR in minor units of the reporting currency (cents).
    static func mrr(_ service: HealthService, _ workspace: Int64) async throws -> Double? {
        let view = try await service.view(workspace: workspace)
        let january = Period(grain: .month, containing: CivilDate(year: 2024, month: 1, day: 1))
        return view.calculator.report(ReportScope(periods: [january])).rows[0].values[.mrr]?.double
    }

    @Test func aSavedReportSectionChangesOneWorkspaceAtOnceAndResetBringsTheFileBack() async throws {
        let (store, a, b) = try Self.store()
        let service = HealthService(store: store, settings: ReportSettings())
        // USD: 100.00 = 10 000 cents in both.
        #expect(try await Self.mrr(service, a) == 10_000)
        #expect(try await Self.mrr(service, b) == 10_000)
        let text = SettingsSections.reportText(ReportSettings(reportingCurrency: CurrencyCode("EUR")!, grossMargin: 0.75))
        _ = try service.layers.check(section: SettingsSections.report, text: text, saved: [])
        try store.saveSetting(
            StoredSetting(section: SettingsSections.report, value: text, updatedBy: "ana@a.example", updatedAt: Timestamp(seconds: 0)),
            workspace: a)
        await service.invalidateSettings(workspace: a)
        // EUR in a: 10 000 US cents x 0.9 EUR/USD = 9 000 euro cents; b keeps the file's USD: 10 000 cents.
        #expect(try await Self.mrr(service, a) == 9_000)
        #expect(try await Self.mrr(service, b) == 10_000)
        let settings = try await service.settings(workspace: a)
        #expect(settings.report.reportingCurrency.code == "EUR" && settings.report.grossMargin == 0.75)
        #expect(settings.configuration.health.report.grossMargin == 0.75)
        #expect(settings.saved[SettingsSections.report]?.updatedBy == "ana@a.example")
        #expect(try await service.settings(workspace: b).saved.isEmpty)
        // Reset: the file's USD again.
        #expect(try store.deleteSetting(section: SettingsSections.report, workspace: a))
        await service.invalidateSettings(workspace: a)
        #expect(try await Self.mrr(service, a) == 10_000)
    }

    @Test func savedRulesAndPlaybooksReplaceTheFilesForOneWorkspaceAndKeepItsWebhooks() async throws {
        let (store, a, b) = try Self.store()
        let file = """
            [alerts]
            evaluate_every_minutes = 5
            [[alerts.rules]]
            name = "red"
            kind = "turned_red"
            [[alerts.webhooks]]
            name = "team"
            url = "https://hooks.example/x"
            [[playbooks]]
            name = "call"
            when = "red"
            task = "Call {account}"
            """
        let report = ReportSettings()
        let configuration = try HealthConfigurationLoader.parse(file, source: "vitals.toml", report: report)
        let layers = SettingsLayers(report: report, configuration: configuration, fileText: file)
        let service = HealthService(store: store, settings: report, configuration: configuration, layers: layers)
        let rules = """
            [[alerts.rules]]
            name = "drop"
            kind = "score_drop"
            points = 15
            """
        // Alone, the new rules leave the file's playbook naming a rule that is gone: refused, naming it.
        #expect(throws: ConfigurationError.self) { try layers.check(section: SettingsSections.alertRules, text: rules, saved: []) }
        let books = """
            [[playbooks]]
            name = "look"
            when = "drop"
            webhook = "team"
            """
        let now = Timestamp(seconds: 0)
        try store.saveSetting(StoredSetting(section: SettingsSections.playbooks, value: books, updatedBy: "ana", updatedAt: now), workspace: a)
        try store.saveSetting(StoredSetting(section: SettingsSections.alertRules, value: rules, updatedBy: "ana", updatedAt: now), workspace: a)
        await service.invalidateSettings(workspace: a)
        let mine = try await service.effectiveConfiguration(a)
        #expect(mine.rules.map(\.id) == ["drop"] && mine.rules[0].points == 15)
        #expect(mine.playbooks.map(\.name) == ["look"])
        #expect(mine.webhooks.map(\.name) == ["team"] && mine.evaluateEverySeconds == 300)
        let theirs = try await service.effectiveConfiguration(b)
        #expect(theirs.rules.map(\.id) == ["red"] && theirs.playbooks.map(\.name) == ["call"])
        #expect(try await service.settings(workspace: a).problems.isEmpty)
    }

    @Test func theNextEvaluationUsesTheWorkspacesSavedRules() async throws {
        let (store, a, b) = try Self.store()
        // The data's last record is dated 2024-01-01, so health is read as of 2024-01-02 (HealthInstant) and the last
        // complete month is December 2023, when nothing was paid yet: MRR 0 in both workspaces.
        let service = HealthService(store: store, settings: ReportSettings(), clock: { Timestamp(year: 2024, month: 2, day: 15) })
        // Each workspace's first evaluation is its silent baseline (docs/alerts.md): made before the rule is saved.
        #expect(try await service.evaluate(workspace: a).baseline == 0)
        #expect(try await service.evaluate(workspace: b).baseline == 0)
        let rules = """
            [[alerts.rules]]
            name = "mrr-cap"
            kind = "kpi_off_target"
            kpi = "mrr"
            min = 1
            """
        try store.saveSetting(
            StoredSetting(section: SettingsSections.alertRules, value: rules, updatedBy: "ana", updatedAt: Timestamp(seconds: 0)), workspace: a)
        await service.invalidateSettings(workspace: a)
        // 0 < 1: the rule fires in a; b has no rules (the server's), so nothing fires there.
        #expect(try await service.evaluate(workspace: a).fired.map(\.rule) == ["mrr-cap"])
        #expect(try await service.evaluate(workspace: b).fired.isEmpty)
    }

    @Test func aSavedSectionThatNoLongerLoadsFallsBackToTheFileAndSaysWhy() async throws {
        let (store, a, _) = try Self.store()
        let service = HealthService(store: store, settings: ReportSettings())
        try store.saveSetting(
            StoredSetting(section: SettingsSections.report, value: "[report]\ngross_margin = 7\n", updatedBy: "ana", updatedAt: Timestamp(seconds: 0)),
            workspace: a)
        let settings = try await service.settings(workspace: a)
        #expect(settings.report == ReportSettings())
        #expect(settings.saved.isEmpty)
        #expect(settings.problems == ["the saved settings: [report] gross_margin: gross_margin '7.0' must be a fraction in (0, 1], e.g. 0.8 for 80 %"])
    }
}
