import Foundation
import Testing
import VitalsCore
import VitalsGenerator
import VitalsFormats
import VitalsStore

/// The generator's promises (determinism, consistent histories, dates in the window, rates for every currency,
/// plausible volumes) and the canonical CSV the writer produces.
@Suite struct GeneratorTests {
    static let options = GeneratorOptions(accounts: 1_500, months: 36, seed: 7)
    static let dataset = DatasetGenerator.generate(options)

    @Test func sameSeedGivesTheSameDataset() {
        let small = GeneratorOptions(accounts: 200, months: 18, seed: 99)
        let a = DatasetGenerator.generate(small)
        let b = DatasetGenerator.generate(small)
        #expect(generatedRecordsEqual(a, b))
        var other = small
        other.seed = 100
        #expect(!generatedRecordsEqual(a, DatasetGenerator.generate(other)))
    }

    @Test func versionsOfAnItemNeverOverlap() {
        let versions = Self.dataset.subscriptions.sorted {
            ($0.subscriptionID, $0.product, $0.validFrom.seconds) < ($1.subscriptionID, $1.product, $1.validFrom.seconds)
        }
        var overlaps = 0
        for (a, b) in zip(versions, versions.dropFirst())
        where a.subscriptionID == b.subscriptionID && a.product == b.product {
            if a.validTo == nil || a.validTo! > b.validFrom { overlaps += 1 }
        }
        #expect(overlaps == 0)
        #expect(versions.allSatisfy { v in v.validTo.map { $0 > v.validFrom } ?? true })
        // A subscription belongs to one account.
        var owner: [SubscriptionID: AccountIndex] = [:]
        #expect(versions.allSatisfy { v in
            if let known = owner[v.subscriptionID] { return known == v.account }
            owner[v.subscriptionID] = v.account
            return true
        })
    }

    @Test func everyDateIsInsideTheWindow() {
        let d = Self.dataset
        let start = Timestamp(Self.options.startDate)
        let end = Timestamp(Self.options.endDate)
        var outside: [String] = []
        func check(_ t: Timestamp?, _ what: String) {
            if let t, t < start || t >= end { outside.append("\(what) \(t)") }
        }
        for s in d.subscriptions {
            check(s.validFrom, "valid_from")
            check(s.validTo, "valid_to")
        }
        for o in d.orders { check(o.orderedAt, "ordered_at") }
        for t in d.trials {
            check(t.startedAt, "started_at")
            check(t.endsAt, "ends_at")
            check(t.convertedAt, "converted_at")
            check(t.canceledAt, "canceled_at")
        }
        for c in d.acquisitionCosts {
            check(c.periodStart, "period_start")
            check(c.periodEnd, "period_end")
        }
        for r in d.surveyResponses { check(r.respondedAt, "responded_at") }
        for t in d.tickets {
            check(t.openedAt, "opened_at")
            check(t.resolvedAt, "resolved_at")
        }
        for e in d.usageEvents { check(e.occurredAt, "occurred_at") }
        for m in d.onboarding {
            check(m.startedAt, "started_at")
            check(m.dueAt, "due_at")
            check(m.completedAt, "completed_at")
        }
        for l in d.leads {
            check(l.createdAt, "created_at")
            check(l.closedAt, "closed_at")
        }
        for g in d.successGoals {
            check(g.targetDate, "target_date")
            check(g.achievedAt, "achieved_at")
        }
        for p in d.csmPulses { check(p.recordedAt, "recorded_at") }
        for r in d.fxRates { check(r.date, "fx date") }
        #expect(outside.isEmpty, "\(outside.prefix(5))")
        // Some accounts predate the window, so that its first month has customers.
        #expect(d.accounts.contains { $0.createdAt! < start })
        #expect(d.subscriptions.contains { $0.validFrom == start })
    }

    @Test func everyForeignCurrencyHasRatesFromTheStart() {
        let d = Self.dataset
        var firstUse: [CurrencyCode: Timestamp] = [:]
        func use(_ currency: CurrencyCode, _ at: Timestamp) {
            if currency != .usd { firstUse[currency] = min(firstUse[currency] ?? at, at) }
        }
        for s in d.subscriptions { use(s.amount.currency, s.validFrom) }
        for o in d.orders { use(o.amount.currency, o.orderedAt) }
        for c in d.acquisitionCosts { use(c.amount.currency, c.periodStart) }
        for l in d.leads { if let amount = l.amount { use(amount.currency, l.createdAt) } }
        #expect(!firstUse.isEmpty, "a few accounts pay in EUR or GBP")
        for (currency, first) in firstUse {
            let rates = d.fxRates.filter { $0.currency == currency }
            #expect(!rates.isEmpty, "no rates for \(currency)")
            #expect(rates.map(\.date).min().map { $0 <= first } ?? false, "\(currency) rates start too late")
            #expect(rates.allSatisfy { $0.rate > 0 })
        }
        let fx = FxTable(reportingCurrency: .usd, rates: d.fxRates)
        #expect(d.subscriptions.allSatisfy { fx.canConvert($0.amount.currency) })
    }

    @Test func volumesArePlausible() {
        let d = Self.dataset
        let accounts = Double(d.accounts.count)
        #expect(d.accounts.count == Self.options.accounts)
        let versionsPerAccount = Double(d.subscriptions.count) / accounts
        #expect(versionsPerAccount >= 2.5 && versionsPerAccount <= 6, "\(versionsPerAccount) versions per account")
        #expect(d.accounts.first?.id == "acc_000001")
        #expect(d.subscriptions.first?.subscriptionID.rawValue.hasPrefix("sub_") == true)
        let referred = Double(d.accounts.filter { $0.referredBy != nil }.count) / accounts
        #expect(referred > 0.04 && referred < 0.12)
        #expect(d.accounts.allSatisfy { $0.attributes["employees"].flatMap(Int.init) != nil })
        let trialShare = Double(d.trials.count) / accounts
        #expect(trialShare > 0.15 && trialShare < 0.45)
        let converted = Double(d.trials.filter { $0.convertedAt != nil }.count) / Double(d.trials.count)
        #expect(converted > 0.4 && converted < 0.7)
        for status in SubscriptionStatus.allCases {
            #expect(d.subscriptions.contains { $0.status == status }, "no \(status) versions")
        }
        #expect(d.subscriptions.contains { $0.interval == .year && $0.discountPercent >= 10 })
        #expect(d.subscriptions.contains { $0.interval == .month && $0.intervalCount == 3 })
        #expect(Set(d.subscriptions.map(\.product)) == ["Core", "Analytics", "Support Plus"])
        #expect(!d.orders.isEmpty && !d.surveyResponses.isEmpty && !d.tickets.isEmpty && !d.onboarding.isEmpty)
        #expect(!d.leads.isEmpty && !d.successGoals.isEmpty && !d.csmPulses.isEmpty)
        #expect(d.acquisitionCosts.count == 36 * 3)
        let eventsPerAccount = Double(d.usageEvents.count) / accounts
        #expect(eventsPerAccount > 30 && eventsPerAccount < 300)
        #expect(d.surveyResponses.allSatisfy { ($0.scaleMin...$0.scaleMax).contains($0.score) })
    }

    @Test func revenueBehavesLikeAGrowingSaaSCompany() {
        let calculator = KPICalculator(dataset: Self.dataset, settings: ReportSettings())
        let periods = Period.range(
            from: Self.options.startDate, through: Self.options.endDate.adding(days: -1), grain: .month)
        let rows = calculator.report(ReportScope(periods: periods)).rows
        let first = rows[1].revenue
        let last = rows[rows.count - 1].revenue
        #expect(last.endMRR > first.endMRR, "MRR grows")
        let churn = rows.dropFirst().compactMap { $0[.customerChurnRate].double }
        let meanChurn = churn.reduce(0, +) / Double(churn.count)
        #expect(meanChurn > 0.01 && meanChurn < 0.035, "monthly logo churn \(meanChurn)")
        let nrr = rows.suffix(12).compactMap { $0[.nrr].double }
        let meanNRR = nrr.reduce(0, +) / Double(nrr.count)
        #expect(meanNRR > 0.95 && meanNRR < 1.15, "NRR \(meanNRR)")
        let expansion = rows.dropFirst().reduce(Int64(0)) { $0 + $1.revenue.expansionMRR }
        let contraction = rows.dropFirst().reduce(Int64(0)) { $0 + $1.revenue.contractionMRR }
        #expect(expansion > contraction)
    }

    // MARK: - Writer

    @Test func writerWritesCanonicalHeadersAndQuotes() throws {
        var dataset = DatasetGenerator.generate(GeneratorOptions(accounts: 300, months: 12, seed: 3))
        var account = dataset.accounts[0]
        account.name = "Acme, \"Best\" Inc."
        dataset.upsert(account)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try DatasetWriter.write(dataset, to: directory)

        let headers = [
            "accounts.csv": "account_id,name,created_at,csm,industry,country,referred_by,parent_account_id,employees,plan_tier",
            "subscriptions.csv": "subscription_id,account_id,product,plan,amount,currency,interval,interval_count,"
                + "quantity,discount_percent,discount_amount,status,valid_from,valid_to,renews_at,cancel_reason",
            "orders.csv": "order_id,account_id,ordered_at,amount,currency",
            "trials.csv": "trial_id,account_id,started_at,ends_at,converted_at,canceled_at",
            "acquisition_costs.csv": "period_start,period_end,amount,currency,channel",
            "survey_responses.csv": "response_id,account_id,survey,score,scale_min,scale_max,responded_at,contact,comment,source",
            "tickets.csv": "ticket_id,account_id,opened_at,resolved_at,agent_replies,reopens,first_contact_resolution,"
                + "channel,priority,contact_id",
            "usage_events.csv": "event_id,account_id,user_id,event,occurred_at,duration_seconds",
            "onboarding.csv": "account_id,milestone,required,started_at,due_at,completed_at",
            "leads.csv": "lead_id,account_id,source,created_at,status,closed_at,amount,currency",
            "success_goals.csv": "goal_id,account_id,name,target_date,achieved_at",
            "csm_pulse.csv": "account_id,recorded_at,rating,note",
            "fx_rates.csv": "date,currency,rate",
            "contacts.csv": "contact_id,account_id,name,email,role,title,primary",
            "activities.csv": "activity_id,account_id,kind,occurred_at,author,contact_id,subject,body,sentiment",
        ]
        for (file, header) in headers {
            let lines = try readLines(directory, file)
            #expect(lines.first == header, "\(file)")
        }
        let accounts = try readLines(directory, "accounts.csv")
        #expect(accounts[1].hasPrefix("\(account.id),\"Acme, \"\"Best\"\" Inc.\",\(account.createdAt!),"))
        #expect(accounts.count == dataset.accounts.count + 1)

        // Values are written as the core types print them.
        let subscription = dataset.subscriptions[0]
        let fields = try readLines(directory, "subscriptions.csv")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields[0] == subscription.subscriptionID.rawValue)
        #expect(fields[1] == dataset[subscription.account].id.rawValue)
        #expect(fields[4] == subscription.amount.decimalString)
        #expect(fields[12] == subscription.validFrom.description)
        #expect(try readLines(directory, "usage_events.csv").count == dataset.usageEvents.count + 1)
    }

    @Test func writerFormatsValuesAndSkipsEmptyFiles() throws {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: "a1", name: "Line\nbreak", attributes: ["tier": "gold"]))
        let b = dataset.upsert(Account(id: "b,2", name: "Plain"))
        dataset.subscriptions.append(
            SubscriptionVersion(
                subscriptionID: "s1", account: a, product: "Core", amount: Money(minorUnits: 4_990, currency: .usd),
                discountPercent: 12.5, discountAmount: 305, validFrom: Timestamp(year: 2024, month: 3, day: 1),
                validTo: Timestamp(year: 2024, month: 3, day: 1).adding(seconds: 45_000)))
        dataset.subscriptions.append(
            SubscriptionVersion(
                subscriptionID: "s2", account: b, product: "Core", amount: Money(minorUnits: -500, currency: CurrencyCode("JPY")!),
                validFrom: Timestamp(year: 2024, month: 1, day: 5)))
        dataset.surveyResponses.append(
            SurveyResponse(id: "r1", account: b, survey: .csat, score: 4.5, respondedAt: Timestamp(year: 2024, month: 2, day: 1)))
        dataset.tickets.append(
            Ticket(id: "t1", account: a, openedAt: Timestamp(year: 2024, month: 2, day: 1), firstContactResolution: false))
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/orders.csv", contents: Data("stale".utf8))
        try DatasetWriter.write(dataset, to: directory)

        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["accounts.csv", "subscriptions.csv", "survey_responses.csv", "tickets.csv"])
        #expect(try readLines(directory, "accounts.csv") == [
            "account_id,name,created_at,csm,industry,country,referred_by,parent_account_id,tier",
            "a1,\"Line", "break\",,,,,,,gold",
            "\"b,2\",Plain,,,,,,,",
        ])
        let subscriptions = try readLines(directory, "subscriptions.csv")
        #expect(subscriptions[1] == "s1,a1,Core,,49.90,USD,month,1,1,12.5,3.05,active,2024-03-01,2024-03-01T12:30:00Z,,")
        #expect(subscriptions[2] == "s2,\"b,2\",Core,,-500,JPY,month,1,1,0,0,active,2024-01-05,,,")
        #expect(try readLines(directory, "survey_responses.csv")[1] == "r1,\"b,2\",csat,4.5,1,5,2024-02-01,,,")
        #expect(try readLines(directory, "tickets.csv")[1] == "t1,a1,2024-02-01,,,,false,,,")
    }

    @Test func writtenDatasetLoadsBackUnchanged() throws {
        let dataset = DatasetGenerator.generate(GeneratorOptions(accounts: 300, months: 24, seed: 11))
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try DatasetWriter.write(dataset, to: directory)
        let loaded = try DatasetLoader.load(directory: directory, reportingCurrency: .usd)
        #expect(generatedRecordsEqual(dataset, loaded))
    }

    private func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-generator-\(UUID().uuidString)")
        return url.path
    }

    private func readLines(_ directory: String, _ file: String) throws -> [String] {
        let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Whether two datasets hold the same records (the generator's output, compared array by array).
private func generatedRecordsEqual(_ a: Dataset, _ b: Dataset) -> Bool {
    a.accounts == b.accounts && a.subscriptions == b.subscriptions && a.orders == b.orders && a.trials == b.trials
        && a.acquisitionCosts == b.acquisitionCosts && a.surveyResponses == b.surveyResponses && a.tickets == b.tickets
        && a.usageEvents == b.usageEvents && a.onboarding == b.onboarding && a.leads == b.leads
        && a.successGoals == b.successGoals && a.csmPulses == b.csmPulses && a.fxRates == b.fxRates
}
