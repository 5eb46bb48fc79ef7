import Testing
import VitalsCore

@Suite struct AlertTests {
    static func observation(_ rule: String, _ subject: String) -> AlertObservation {
        AlertObservation(rule: rule, kind: .turnedRed, severity: "warning", subject: subject, account: nil, title: subject, reason: "")
    }

    @Test func anAlertFiresOnceWhileItsConditionHoldsAndAgainAfterItClears() {
        let a = Self.observation("red", "acme")
        let b = Self.observation("red", "globex")
        var open = Set<AlertKey>()
        func step(_ observed: [AlertObservation], evaluated: Set<String> = ["red", "goals"]) -> (fire: [String], clear: [String]) {
            let (fire, clear) = AlertDeduplication.apply(observed, open: open, evaluated: evaluated)
            for o in fire { open.insert(o.key) }
            for k in clear { open.remove(k) }
            return (fire.map(\.subject), clear.map(\.subject))
        }
        // 1: acme turns red: fires.
        #expect(step([a]) == (["acme"], []))
        // 2: still red (observed twice in one evaluation, too): silent.
        #expect(step([a, a]) == ([], []))
        // 3: globex turns red: only globex fires.
        #expect(step([a, b]) == (["globex"], []))
        // 4: acme recovers: it clears (re-arms); globex stays open and silent.
        #expect(step([b]) == ([], ["acme"]))
        // 5: acme red again: fires again.
        #expect(step([a, b]) == (["acme"], []))
        // 6: a rule not evaluated this time neither fires nor clears.
        #expect(step([], evaluated: ["goals"]) == ([], []))
        #expect(open.count == 2)
    }

    @Test func ruleConditionsOnAHandBuiltDataset() throws {
        var b = DatasetBuilder()
        let red = b.account("red", csm: "ana")
        let dropped = b.account("dropped")
        let renewing = b.account("renewing")
        let detractor = b.account("detractor")
        b.subscription(red, 100, from: "2026-01-01")
        b.subscription(dropped, 100, from: "2026-01-01")
        b.subscription(renewing, 1200, from: "2025-07-01", interval: .year)
        b.subscription(detractor, 100, from: "2026-01-01")
        var d = b.dataset
        // Pulse-only model (identity of the rating 1..5 onto 0..100).
        d.csmPulses = [
            CsmPulse(account: red, recordedAt: at("2026-05-20"), rating: 1),  // 0: red
            CsmPulse(account: dropped, recordedAt: at("2026-05-01"), rating: 5),  // 100 two weeks before
            CsmPulse(account: dropped, recordedAt: at("2026-05-25"), rating: 4),  // 75 now: a drop of 25
            CsmPulse(account: renewing, recordedAt: at("2026-05-20"), rating: 3),  // 50: yellow
            CsmPulse(account: detractor, recordedAt: at("2026-05-20"), rating: 5),
        ]
        d.surveyResponses = [
            SurveyResponse(id: "s1", account: detractor, survey: .nps, score: 4, respondedAt: at("2026-05-25")),
            SurveyResponse(id: "s2", account: renewing, survey: .nps, score: 6, respondedAt: at("2026-03-01")),  // too old
        ]
        for day in 18...28 {  // `dropped`: 2 users a day last week, 1 this week (events of 2026-05-18 .. 2026-05-31)
            let users = day < 25 ? ["u1", "u2"] : ["u1"]
            for u in users {
                d.usageEvents.append(UsageEvent(
                    id: UsageEventID("e\(day)\(u)"), account: dropped, user: UserID(u), event: "login",
                    occurredAt: at("2026-05-\(day)")))
            }
        }
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        let settings = HealthSettings(defaultModel: model)
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: settings), accounts: d.accounts)
        let t = at("2026-06-01")
        let rules = [
            AlertRule(id: "red", kind: .turnedRed),
            AlertRule(id: "drop", kind: .scoreDrop, points: 20, days: 14),
            AlertRule(id: "renewal", kind: .renewalAtRisk, days: 60),
            AlertRule(id: "detractor", kind: .npsDetractor, days: 30),
            AlertRule(id: "usage", kind: .usageDrop, percent: 50),
            AlertRule(id: "churn", kind: .kpiOffTarget, kpi: .customerChurnRate, maximum: 0.02),
            AlertRule(id: "goals", kind: .external, source: "goals"),
        ]
        let evaluator = AlertEvaluator(engine: engine, rules: rules)
        let target = ExternalCondition(source: "goals", key: "nrr-q3", title: "NRR target at risk", reason: "NRR 0.97 vs 1.05")
        let observed = evaluator.observe(at: t, health: engine.assessAll(at: t), kpis: [.customerChurnRate: 0.03], external: [target])
        let keys = Set(observed.map { "\($0.rule):\($0.subject)" })
        // `dropped` fell from 100 (rating 5 as of 2026-05-18) to 75: 25 >= 20 points. Its usage: 2 users -> 1 and no
        // durations: -50 %, which meets the 50 % drop. `renewing` renews on 2026-07-01 (30 days) while yellow.
        #expect(keys == [
            "red:red", "drop:dropped", "renewal:renewing", "detractor:detractor", "usage:dropped", "churn:company",
            "goals:goals:nrr-q3",
        ])
        #expect(evaluator.evaluatedRules(externalSources: []) == ["red", "drop", "renewal", "detractor", "usage", "churn"])
        // The alert that fires explains itself with the account's top risk factors.
        let explained = evaluator.explained(observed.first { $0.rule == "red" }!, at: t)
        #expect(explained.reason.contains("Top risks: CSM pulse: the CSM rates the account 1/5"))
    }

    /// A kpi_off_target reason reads as the dashboard writes the KPI: percent for rates, the currency for money.
    @Test func aKPIOffTargetReasonIsWrittenInTheKPIsUnit() {
        // 0.031 is 3.1 %; the maximum 0.02 is 2.0 %.
        #expect(KPIReading.written(0.031, .rate, .usd) == "3.1 %")
        #expect(KPIReading.written(0.02, .rate, .usd) == "2.0 %")
        // MRR in major units: 132554.49 dollars, grouped; a billion as the minimum.
        #expect(KPIReading.written(132_554.49, .money, .usd) == "$132,554.49")
        #expect(KPIReading.written(1_000_000_000, .money, .eur) == "€1,000,000,000.00")
        #expect(KPIReading.written(-1_416.475, .money, .usd) == "-$1,416.48")
        #expect(KPIReading.written(1234, .count, .usd) == "1,234")
        #expect(KPIReading.written(.infinity, .number, .usd) == "inf")
    }

    /// A usage_drop rule with `days = 28` compares the last four weeks with the four before; the default compares weeks.
    @Test func aUsageDropRuleComparesItsOwnWindow() throws {
        var b = DatasetBuilder()
        let acme = b.account("acme")
        b.subscription(acme, 100, from: "2026-01-01")
        var d = b.dataset
        // Four users on 2026-04-10 (in 2026-04-06 .. 2026-05-03, the 28 days before the last 28), one on 2026-05-26
        // (in 2026-05-04 .. 2026-05-31). No durations, so the change is the users': 1 / 4 - 1 = -75 %.
        for u in ["u1", "u2", "u3", "u4"] {
            d.usageEvents.append(UsageEvent(id: UsageEventID("a-\(u)"), account: acme, user: UserID(u), event: "login", occurredAt: at("2026-04-10")))
        }
        d.usageEvents.append(UsageEvent(id: "b-u1", account: acme, user: "u1", event: "login", occurredAt: at("2026-05-26")))
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: HealthSettings()), accounts: d.accounts)
        let t = at("2026-06-01")
        let rules = [
            AlertRule(id: "month", kind: .usageDrop, days: 28, percent: 50),
            // The week 2026-05-18 .. 05-24 before the last had no activity, so the weekly rule says nothing.
            AlertRule(id: "week", kind: .usageDrop, percent: 50),
        ]
        #expect(rules[1].days == 7)
        let observed = AlertEvaluator(engine: engine, rules: rules).observe(at: t, health: engine.assessAll(at: t))
        #expect(observed.map(\.rule) == ["month"])
        #expect(observed.first?.title == "acme usage fell 75 % over 28 days")
        #expect(observed.first?.reason == "active users and time on platform in the last 28 days against the 28 before")
    }

    /// A champion who left in the rule's window (up to the clock, not the scoring instant) raises one alert per account.
    @Test func aChampionWhoLeftRaisesAnAlert() throws {
        var b = DatasetBuilder()
        let acme = b.account("acme")
        let globex = b.account("globex")
        let initech = b.account("initech")
        for a in [acme, globex, initech] { b.subscription(a, 100, from: "2026-01-01") }
        var d = b.dataset
        d.csmPulses = [acme, globex, initech].map { CsmPulse(account: $0, recordedAt: at("2026-05-20"), rating: 4) }
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: HealthSettings(defaultModel: model)), accounts: d.accounts)
        let t = at("2026-06-01")
        let now = at("2026-06-20")
        let departures = [
            // acme: removed 5 days before the clock; globex: role changed 40 days before (outside 30); initech: two,
            // the later one is named.
            ChampionDeparture(account: "acme", contact: "c1", name: "Ann Lee", at: at("2026-06-15"), roleAfter: nil),
            ChampionDeparture(account: "globex", contact: "c2", name: "Bo Ray", at: at("2026-05-11"), roleAfter: .user),
            ChampionDeparture(account: "initech", contact: "c3", name: "Cy Fox", at: at("2026-06-01"), roleAfter: .billing),
            ChampionDeparture(account: "initech", contact: "c4", name: "Di Nam", at: at("2026-06-10"), roleAfter: .economicBuyer),
            ChampionDeparture(account: "gone", contact: "c5", name: "Ed", at: at("2026-06-10"), roleAfter: nil),
        ]
        let evaluator = AlertEvaluator(engine: engine, rules: [AlertRule(id: "champion", kind: .championLeft)])
        let observed = evaluator.observe(at: t, health: engine.assessAll(at: t), departures: departures, now: now)
        #expect(observed.map(\.subject) == ["acme", "initech"])
        #expect(observed.map(\.title) == ["acme's champion Ann Lee left", "initech's champion Di Nam left"])
        #expect(observed[0].reason == "the champion Ann Lee was removed (2026-06-15), in the last 30 days")
        #expect(observed[1].reason == "the champion Di Nam is now economic buyer (2026-06-10), in the last 30 days")
        // Without the clock, the window is the 30 days to the scoring instant (2026-05-02 .. 2026-06-01): globex's
        // change of 2026-05-11 and initech's first one (2026-06-01) are in it; acme's and initech's second are later.
        #expect(evaluator.observe(at: t, health: engine.assessAll(at: t), departures: departures).map(\.reason) == [
            "the champion Bo Ray is now user (2026-05-11), in the last 30 days",
            "the champion Cy Fox is now billing (2026-06-01), in the last 30 days",
        ])
    }

    /// `churn` and `contraction` (docs/alerts.md) as of 2026-06-01 with 30 days (from 2026-05-02) and 25 %.
    @Test func churnAndContractionRulesOnAHandBuiltDataset() {
        var b = DatasetBuilder()
        let gone = b.account("gone")
        let longGone = b.account("long-gone")
        let shrunk = b.account("shrunk")
        let trimmed = b.account("trimmed")
        b.subscription(gone, 100, from: "2026-01-01", to: "2026-05-20")  // 100 -> 0 on 2026-05-20: churn
        b.subscription(longGone, 100, from: "2026-01-01", to: "2026-04-01")  // churned before the 30 days
        b.subscription(shrunk, 200, from: "2026-01-01", to: "2026-05-10")  // 200 -> 100: -50 % >= 25 %
        b.subscription(shrunk, 100, from: "2026-05-10")
        b.subscription(trimmed, 200, from: "2026-01-01", to: "2026-05-10")  // 200 -> 180: -10 % < 25 %
        b.subscription(trimmed, 180, from: "2026-05-10")
        let engine = HealthEngine(index: HealthIndex(dataset: b.dataset, settings: HealthSettings()), accounts: b.dataset.accounts)
        let t = at("2026-06-01")
        let evaluator = AlertEvaluator(engine: engine, rules: [
            AlertRule(id: "churned", kind: .churn, days: 30), AlertRule(id: "shrinking", kind: .contraction, days: 30, percent: 25),
        ])
        let observed = evaluator.observe(at: t, health: engine.assessAll(at: t))
        #expect(Set(observed.map { "\($0.rule):\($0.subject)" }) == ["churned:gone", "shrinking:shrunk"])
        #expect(observed.first { $0.rule == "churned" }?.reason == "MRR fell from USD 100.00 to 0 on 2026-05-20, within the last 30 days")
        #expect(observed.first { $0.rule == "shrinking" }?.title == "shrunk contracted 50 %")
        #expect(observed.first { $0.rule == "shrinking" }?.reason == "MRR USD 100.00, was USD 200.00 30 days ago")
        // With a 5 % threshold the 10 % trim counts too; and with 7 days the churn of 2026-05-20 is too old.
        let wider = AlertEvaluator(engine: engine, rules: [
            AlertRule(id: "churned", kind: .churn, days: 7), AlertRule(id: "shrinking", kind: .contraction, days: 30, percent: 5),
        ]).observe(at: t, health: engine.assessAll(at: t))
        #expect(Set(wider.map { "\($0.rule):\($0.subject)" }) == ["shrinking:shrunk", "shrinking:trimmed"])
    }

    @Test func playbooksTurnAlertsIntoTasksAndMessagesPerSegment() throws {
        let high = try SegmentFilter.parse("touch = high", knownAttributes: ["touch"])
        let tech = try SegmentFilter.parse("touch = tech", knownAttributes: ["touch"])
        let accounts = [
            Account(id: "a", name: "Acme", csm: "ana", attributes: ["touch": "high"]),
            Account(id: "b", name: "Bolt", attributes: ["touch": "tech"]),
        ]
        let books = [
            Playbook(name: "call", segment: high, rules: ["red"], actions: [.task(title: "Call {account}", dueDays: 2, owner: nil)]),
            Playbook(name: "mail", segment: tech, rules: ["red"], actions: [.webhook(webhook: "email", message: "Hi {account}, can we help?")]),
        ]
        func fired(_ a: Int) -> AlertObservation {
            AlertObservation(rule: "red", kind: .turnedRed, severity: "warning", subject: accounts[a].id.rawValue,
                             account: AccountIndex(a), title: "", reason: "")
        }
        let plan = Playbooks.plan([fired(0), fired(1)], playbooks: books, accounts: accounts, health: [:], at: at("2026-06-01"))
        #expect(plan.tasks.map(\.title) == ["Call Acme"])
        #expect(plan.tasks.first?.owner == "ana")
        #expect(plan.tasks.first?.dueAt == at("2026-06-03"))
        #expect(plan.messages.map(\.text) == ["Hi Bolt, can we help?"])
        #expect(plan.messages.first?.webhook == "email")
    }
}

@Suite struct HealthConfigurationCheckTests {
    @Test func filtersOnAttributesNoAccountHasAreReported() throws {
        let filter = try SegmentFilter.parse("tier = gold", knownAttributes: ["tier"])
        let c = HealthConfiguration(rules: [AlertRule(id: "red", kind: .turnedRed, segment: filter)])
        #expect(c.unknownAttributes(known: ["touch", "industry"]) == ["alert rule 'red': segment attribute 'tier' is not an attribute of any account"])
        #expect(c.unknownAttributes(known: ["tier"]).isEmpty)
    }
}

@Suite struct DigestTests {
    @Test func aDailyDigestComparesKPIsAndListsAccountsThatTurnedRed() throws {
        var b = DatasetBuilder()
        let acme = b.account("acme")
        let bolt = b.account("bolt")
        b.subscription(acme, 100, from: "2026-01-01")
        b.subscription(bolt, 50, from: "2026-05-31")  // new on the digest's day
        var d = b.dataset
        d.csmPulses = [
            CsmPulse(account: acme, recordedAt: at("2026-05-01"), rating: 5),
            CsmPulse(account: acme, recordedAt: at("2026-05-31T12:00:00Z"), rating: 1),
            CsmPulse(account: bolt, recordedAt: at("2026-05-31T12:00:00Z"), rating: 5),
        ]
        var model = HealthModel()
        model.weights = [Double](repeating: 0, count: HealthComponent.count)
        model.setWeight(.csmPulse, 1)
        let settings = HealthSettings(defaultModel: model)
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: settings), accounts: d.accounts)
        let calculator = KPICalculator(dataset: d, settings: ReportSettings())
        let alerts = [
            Digest.AlertLine(rule: "red", subject: "acme", title: "Acme turned red", reason: "", firedAt: at("2026-05-31T13:00:00Z")),
            Digest.AlertLine(rule: "red", subject: "old", title: "Old", reason: "", firedAt: at("2026-05-20")),
        ]
        let target = ExternalCondition(source: "goals", key: "nrr", title: "NRR target at risk", reason: "0.97 of 1.05")
        // Evaluated during 2026-06-01: the digest covers 2026-05-31, the day before 2026-05-30.
        let digest = Digest.build(
            grain: .day, now: at("2026-06-01T08:00:00Z"), calculator: calculator, engine: engine, kpis: [.mrr, .newMRR],
            alerts: alerts, targets: [target])
        #expect(digest.period.description == "2026-05-31")
        // MRR at the end of 2026-05-31: 100 + 50 = 150.00; at the end of 2026-05-30: 100.00. New MRR 50.00 vs 0.
        #expect(digest.kpis.map(\.value) == [15_000, 5_000])
        #expect(digest.kpis.map(\.previous) == [10_000, 0])
        #expect(digest.newAlerts.map(\.subject) == ["acme"])
        // Acme: green (pulse 5) at the start of the day, red (pulse 1) at its end. Bolt was not scored at the start.
        #expect(digest.turnedRed.map(\.account) == ["acme"])
        #expect(digest.turnedRed.first?.previousBand == .green)
        #expect(digest.revenueAtRisk == 10_000)
        #expect(digest.targetsAtRisk == [target])
        #expect(digest.text.contains("Accounts turned red: 1"))
    }
}
