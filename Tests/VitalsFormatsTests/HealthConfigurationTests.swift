import Foundation
import Testing
import VitalsCore
import VitalsFormats

@Suite struct HealthConfigurationTests {
    static let sample = """
        [report]
        currency = "EUR"

        [touch]
        basis = "arr"
        high = 100000
        low = 10000

        [health]
        period_days = 28
        key_features = ["export", "dashboard"]
        renewal_window_days = 120

        [health.weights]
        usage_trend = 30
        csm_pulse = 0

        [health.thresholds]
        support_load = [[0, 100], [3, 50], [8, 0]]

        [health.segments.high]
        yellow_from = 50
        green_from = 80

        [health.segments.high.weights]
        csm_pulse = 40

        [health.segments.enterprise]
        filter = "industry in (Banking, Insurance)"
        order = -1

        [alerts]
        evaluate_every_minutes = 5

        [[alerts.rules]]
        name = "red"
        kind = "turned_red"
        severity = "critical"

        [[alerts.rules]]
        name = "drop"
        kind = "score_drop"
        points = 15
        days = 7

        [[alerts.rules]]
        name = "churn"
        kind = "kpi_off_target"
        kpi = "customer_churn_rate"
        max = 0.02

        [[alerts.rules]]
        name = "targets"
        kind = "external"
        source = "goals"

        [[alerts.webhooks]]
        name = "ops"
        url = "https://hooks.example.com/vitals"
        secret_env = "HOOK_SECRET"
        format = "slack"

        [[alerts.webhooks]]
        name = "email"
        url = "http://127.0.0.1:9000/send"
        events = ["playbook"]

        [[playbooks]]
        name = "call red high touch"
        segment = "touch = high"
        when = "red"
        task = "Call {account}: {reason}"
        due_days = 2

        [[playbooks]]
        name = "mail red tech touch"
        segment = "touch = tech"
        when = ["red", "drop"]
        webhook = "email"
        message = "Hi {account}, your team's usage dropped; here is a guide."

        [digests]
        schedule = "weekly"
        kpis = ["mrr", "nps"]
        """

    @Test func readsEverySection() throws {
        let c = try HealthConfigurationLoader.parse(
            Self.sample, source: "vitals.toml", report: ReportSettings(reportingCurrency: .eur), environment: ["HOOK_SECRET": "s3"])
        #expect(c.health.report.reportingCurrency == .eur)
        #expect(c.health.touch.highFrom == 100_000 && c.health.touch.lowFrom == 10_000)
        #expect(c.health.periodDays == 28 && c.health.renewalWindowDays == 120)
        #expect(c.health.keyFeatures == ["export", "dashboard"])
        #expect(c.health.defaultModel.weight(.usageTrend) == 30 && c.health.defaultModel.weight(.csmPulse) == 0)
        #expect(c.health.defaultModel.curve(.supportLoad).score(6) == 20)  // 50 + 3 x (0 - 50) / 5
        // Segment models: enterprise first (order -1), then high; they inherit the default model's settings.
        #expect(c.health.segmentModels.map(\.name) == ["enterprise", "high"])
        let high = c.health.segmentModels[1]
        #expect(high.segment?.text == "touch = high")
        #expect(high.bands == HealthBands(yellowFrom: 50, greenFrom: 80))
        #expect(high.weight(.csmPulse) == 40 && high.weight(.usageTrend) == 30)
        #expect(c.health.segmentModels[0].segment?.matches(Account(id: "x", name: "x", industry: "Banking")) == true)
        #expect(c.evaluateEverySeconds == 300)
        #expect(c.rules.map(\.id) == ["red", "drop", "churn", "targets"])
        #expect(c.rules[1].points == 15 && c.rules[1].days == 7)
        #expect(c.rules[2].kpi == .customerChurnRate && c.rules[2].maximum == 0.02)
        #expect(c.webhooks[0].secret == "s3" && c.webhooks[0].format == .slack && c.webhooks[0].events == ["alert", "digest"])
        #expect(c.webhooks[1].events == ["playbook"])
        #expect(c.playbooks[0].actions == [.task(title: "Call {account}: {reason}", dueDays: 2, owner: nil)])
        #expect(c.playbooks[1].rules == ["red", "drop"])
        #expect(c.digests.grain == .week && c.digests.kpis == [.mrr, .nps])
        // The report loader accepts the health sections beside [report].
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString).toml").path
        try Self.sample.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ConfigurationLoader.load(configFile: path, environment: [:], flags: .init()).reportingCurrency == .eur)
    }

    @Test func listsEveryProblemAtOnce() {
        let text = """
            [health]
            period_days = 0
            [health.weights]
            happiness = 10
            [health.thresholds]
            nps = [[0, 50], [0, 60]]
            [touch]
            basis = "ltv"
            [[alerts.rules]]
            name = "x"
            kind = "turned_purple"
            [[alerts.rules]]
            name = "k"
            kind = "kpi_off_target"
            [[alerts.webhooks]]
            name = "w"
            url = "ftp://example.com"
            [[playbooks]]
            name = "p"
            when = "nope"
            task = "Call {customer}"
            [digests]
            schedule = "hourly"
            """
        do {
            _ = try HealthConfigurationLoader.parse(text, source: "v.toml", report: ReportSettings())
            Issue.record("accepted a bad configuration")
        } catch {
            let all = error.problems.joined(separator: "\n")
            for fragment in [
                "period_days", "unknown component 'happiness'", "two points have the same value", "basis: 'ltv'",
                "kind: required", "needs kpi and min or max", "url: required", "no rule named 'nope'",
                "unknown placeholder {customer}", "schedule: 'hourly'",
            ] {
                #expect(all.contains(fragment), "missing: \(fragment)")
            }
            #expect(error.problems.count >= 10)
        }
    }

    @Test func writingLearnedWeightsKeepsTheRestOfTheFile() {
        let text = "# Vitals\n[report]\ncurrency = \"EUR\"\n\n[health.weights]\nnps = 10\n# keep me\n\n[touch]\nhigh = 1\n"
        let updated = HealthConfigWriter.setTable("health.weights", to: [("nps", 29.1), ("billing", 24)], in: text)
        #expect(updated == "# Vitals\n[report]\ncurrency = \"EUR\"\n\n[health.weights]\nnps = 29.1\nbilling = 24\n# keep me\n\n[touch]\nhigh = 1\n")
        let appended = HealthConfigWriter.setTable("health.segments.high.weights", to: [("nps", 5)], in: "[report]\ncurrency = \"EUR\"\n")
        #expect(appended == "[report]\ncurrency = \"EUR\"\n\n[health.segments.high.weights]\nnps = 5\n")
    }
}
