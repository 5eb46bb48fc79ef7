import Foundation
import VitalsCore
import VitalsServer
import VitalsGenerator
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Fills an empty workspace with the demo company and makes sure the demo person can sign in.
enum DemoCompany {
    static let email = "demo@vitals.example"

    /// Alert rules and playbooks for the demo (when no configuration file is given): each touch tier gets its own
    /// action, as a real team would set it up (docs/alerts.md).
    static let configurationText = """
        [[alerts.rules]]
        name = "red"
        kind = "turned_red"
        severity = "critical"

        [[alerts.rules]]
        name = "falling"
        kind = "score_drop"
        points = 20
        days = 14

        [[alerts.rules]]
        name = "renewal-risk"
        kind = "renewal_at_risk"
        days = 60

        [[alerts.rules]]
        name = "detractor"
        kind = "nps_detractor"
        days = 30

        [[alerts.rules]]
        name = "usage-halved"
        kind = "usage_drop"
        percent = 50
        days = 28

        [[alerts.rules]]
        name = "onboarding-late"
        kind = "onboarding_overdue"
        days = 7

        [[alerts.rules]]
        name = "champion-left"
        kind = "champion_left"
        days = 30

        [[alerts.rules]]
        name = "targets"
        kind = "external"
        source = "goals"

        [[playbooks]]
        name = "call red high touch"
        segment = "touch = high"
        when = ["red", "renewal-risk"]
        task = "Call {account} within 2 days: {reason}"
        due_days = 2

        [[playbooks]]
        name = "health check for low touch"
        segment = "touch = low"
        when = ["red", "falling"]
        task = "Book {account} into this week's group health-check session ({title})"
        due_days = 7
        owner = "pooled-csm"

        [[playbooks]]
        name = "guide for tech touch"
        segment = "touch = tech"
        when = ["red", "usage-halved"]
        task = "Send {account} the in-app guide for its least-used key feature ({title})"
        due_days = 3
        owner = "digital-cs"

        [[playbooks]]
        name = "webinar for late onboarding"
        segment = "touch in (low, tech)"
        when = "onboarding-late"
        task = "Invite {account} to the next onboarding webinar"
        due_days = 5
        owner = "onboarding-team"

        [[playbooks]]
        name = "find a new champion"
        when = "champion-left"
        task = "Find a new champion at {account}: {reason}"
        due_days = 7

        [[playbooks]]
        name = "close the loop with detractors"
        segment = "touch = high"
        when = "detractor"
        task = "Call the detractor at {account} and close the loop in writing"
        due_days = 2
        """

    static func configuration(settings: ReportSettings) throws -> HealthConfiguration {
        do {
            return try HealthConfigurationLoader.parse(configurationText, source: "the demo configuration", report: settings)
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// How far back the demo's first evaluation (its baseline, docs/alerts.md) is made: the conditions holding then
    /// are stored silently, so the alerts and tasks the demo shows are the last two weeks' changes.
    static let baselineDays = 14

    /// Evaluates the demo workspace once as of `baselineDays` before `now`, when it has never been evaluated: that
    /// first evaluation is the baseline, and the server's first evaluation (today) fires only what changed since.
    /// The server's own service makes it, so the workspace is loaded once.
    static func evaluateBaseline(
        health: HealthService, store: any VitalsStorage, workspace: Int64, now: Timestamp, log: (String) -> Void
    ) async throws {
        guard try store.firstEvaluation(workspace: workspace) == nil else { return }
        let then = now.adding(days: -baselineDays)
        let summary = try await health.evaluate(workspace: workspace, asOf: then)
        log("the demo's first evaluation, as of \(then.date): \(summary.baseline) conditions already holding (the baseline)")
    }

    /// Generates 2,000 accounts (about a million usage events) over the three years up to today, if the workspace has no accounts yet: the window
    /// ends (exclusive) at the start of `today`, so the last usage events, tickets and answers are yesterday's and the
    /// health page, assessed as of today's start (`HealthInstant`), is current.
    /// Returns the demo password (new each start, printed once).
    static func prepare(store: any VitalsStorage, workspace: Int64, today: CivilDate, log: (String) -> Void) throws -> String {
        if try store.accounts(workspace: workspace).isEmpty {
            let started = Date()
            var options = GeneratorOptions()
            options.accounts = 2_000
            options.months = 36
            options.seed = 2026
            options.endDate = today
            // About 30 usage events per account and month of use: at the generator's default of 6, a month's or
            // four weeks' usage is a handful of events, so usage trends and usage_drop alerts are mostly noise
            // (docs/health.md, "The demo company").
            options.usageEventsPerAccountMonth = 30
            let dataset = DatasetGenerator.generate(options)
            log("generating the demo company: \(dataset.accounts.count) accounts, \(dataset.subscriptions.count) subscription versions, "
                + "\(dataset.usageEvents.count) usage events")
            _ = try store.save(dataset, workspace: workspace)
            // A realistic goal tree for the generated company: some targets on track, some at risk.
            let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            _ = try store.seedGoals(
                DemoGoals.tree(dataEnd: options.endDate), reviews: DemoGoals.reviews(dataEnd: options.endDate), workspace: workspace,
                actor: "demo", at: now)
            log(String(format: "stored the demo company in %.1f s", Date().timeIntervalSince(started)))
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        let password = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let hash = Passwords.hash(password)
        if try !store.setPassword(email: email, passwordHash: hash) {
            try store.createUser(workspace: workspace, email: email, name: "Demo CS lead", passwordHash: hash, at: Date())
        }
        return password
    }
}
