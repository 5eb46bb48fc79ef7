import Foundation
import Testing
import VitalsCore
import VitalsStore

/// The store protocols' contract, checked against every implementation through the protocols alone: the SQLite store
/// today; a PostgreSQL store is added to `StoreEngine` and then runs the same tests.
enum StoreEngine: String, CaseIterable, CustomTestStringConvertible {
    case sqlite

    var testDescription: String { rawValue }

    func open() throws -> any WorkspaceStorage {
        switch self {
        case .sqlite: try Store(path: NSTemporaryDirectory() + "vitals-conformance-\(UUID().uuidString).sqlite")
        }
    }
}

@Suite struct StoreConformanceTests {
    static let jan = Timestamp(year: 2024, month: 1, day: 1)

    /// Two accounts; a pays 100.00 a month from January, b 50.00 in January only; one ticket, two usage events.
    static func dataset() -> Dataset {
        var d = Dataset()
        let a = d.upsert(Account(id: "a", name: "Acme", csm: "ana", industry: "Retail", attributes: ["tier": "gold"]))
        let b = d.upsert(Account(id: "b", name: "Bolt"))
        d.subscriptions = [
            SubscriptionVersion(subscriptionID: "sa", account: a, product: "Core", amount: Money(minorUnits: 10_000, currency: .usd), validFrom: jan),
            SubscriptionVersion(
                subscriptionID: "sb", account: b, product: "Core", amount: Money(minorUnits: 5_000, currency: .usd), validFrom: jan,
                validTo: Timestamp(year: 2024, month: 2, day: 1)),
        ]
        d.tickets = [Ticket(id: "t1", account: a, openedAt: jan.adding(days: 2), resolvedAt: jan.adding(days: 3), agentReplies: 1, reopens: 0, firstContactResolution: nil, channel: "email")]
        d.onboarding = [OnboardingMilestone(account: a, milestone: "kickoff", required: true, startedAt: jan, dueAt: nil, completedAt: jan.adding(days: 5))]
        d.usageEvents.append(UsageEvent(id: "e1", account: a, user: "u1", event: "login", occurredAt: jan.adding(days: 1), durationSeconds: 60))
        d.usageEvents.append(UsageEvent(id: "e2", account: b, user: "u2", event: "login", occurredAt: jan.adding(days: 1)))
        return d
    }

    @Test(arguments: StoreEngine.allCases) func workspacesAreFoundByNameAndKeptApart(engine: StoreEngine) throws {
        let store = try engine.open()
        let one = try store.workspace("one")
        let two = try store.workspace("two")
        #expect(one != two)
        #expect(try store.workspace("one", create: false) == one)
        #expect(throws: StoreError.self) { try store.workspace("three", create: false) }
        #expect(try Set(store.workspaceIDs()) == [one, two])
        #expect(try store.workspaceSlug(two) == "two")
        _ = try store.save(Self.dataset(), workspace: one)
        #expect(try store.dataset(workspace: two).accounts.isEmpty)
        #expect(try store.accounts(workspace: one).map(\.id) == ["a", "b"])
    }

    @Test(arguments: StoreEngine.allCases) func savedRecordsReadBackAsTheyWere(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let before = try store.dataVersion(workspace: w)
        let summary = try store.save(Self.dataset(), workspace: w)
        // 2 accounts, 2 versions, 1 ticket, 1 milestone, 2 events.
        #expect(summary.total == 8)
        #expect(try store.dataVersion(workspace: w) > before)
        let d = try store.dataset(workspace: w)
        #expect(d.accounts.map(\.name) == ["Acme", "Bolt"])
        #expect(d.accounts[0].attributes == ["tier": "gold"])
        #expect(d.accounts[0].industry == "Retail")
        #expect(d.subscriptions.map(\.amount.minorUnits).sorted() == [5_000, 10_000])
        #expect(d.subscriptions.first { $0.subscriptionID == "sb" }?.validTo == Timestamp(year: 2024, month: 2, day: 1))
        #expect(d.tickets.map(\.id) == ["t1"])
        #expect(d.tickets[0].agentReplies == 1 && d.tickets[0].channel == "email")
        #expect(d.onboarding.map(\.completedAt) == [Self.jan.adding(days: 5)])
        #expect(d.usageEvents.count == 2)
        #expect(try store.accountRowIDs(workspace: w).count == 2)
        #expect(try store.ratedCurrencies(workspace: w).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func recordsAreDeletedByIdOrByTheirKeyFields(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        _ = try store.save(Self.dataset(), workspace: w)
        #expect(try store.delete(kind: .tickets, id: "t1", workspace: w) == 1)
        #expect(try store.delete(kind: .tickets, id: "t1", workspace: w) == 0)
        #expect(try store.delete(kind: .onboarding, id: "x", workspace: w) == nil)
        #expect(try store.delete(kind: .onboarding, fields: ["account_id": "a", "milestone": "kickoff"], workspace: w) == 1)
        #expect(throws: StoreError.self) { try store.delete(kind: .onboarding, fields: ["account_id": "a"], workspace: w) }
        // An account takes its records with it.
        #expect(try store.delete(kind: .accounts, id: "b", workspace: w) == 1)
        let d = try store.dataset(workspace: w)
        #expect(d.accounts.map(\.id) == ["a"])
        #expect(d.subscriptions.map(\.subscriptionID) == ["sa"])
        #expect(d.tickets.isEmpty && d.onboarding.isEmpty)
        #expect(d.usageEvents.count == 1)
    }

    @Test(arguments: StoreEngine.allCases) func aBatchOfRequestsIsStoredRequestByRequest(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        _ = try store.save(Self.dataset(), workspace: w)
        let rows = try store.accountRowIDs(workspace: w)
        let known = try store.accounts(workspace: w)
        func tickets(_ id: String, rowOf account: Int) -> SaveRequest {
            var d = Dataset()
            for a in known { d.upsert(a) }
            d.tickets = [Ticket(id: TicketID(id), account: AccountIndex(account), openedAt: Self.jan, resolvedAt: nil, agentReplies: nil, reopens: nil, firstContactResolution: nil, channel: nil)]
            return SaveRequest(d, workspace: w, storedAccounts: rows)
        }
        let results = store.save([tickets("t2", rowOf: 0), tickets("t3", rowOf: 1)])
        #expect(results.count == 2)
        for result in results { if case .failure(let error) = result { Issue.record("\(error)") } }
        #expect(try Set(store.dataset(workspace: w).tickets.map(\.id)) == ["t1", "t2", "t3"])
    }

    @Test(arguments: StoreEngine.allCases) func aSnapshotIsReadUntilTheRecordsMoveOn(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        _ = try store.save(Self.dataset(), workspace: w)
        let fromRows = try store.load(workspace: w)
        #expect(!fromRows.fromSnapshot)
        #expect(try store.writeSnapshot(fromRows.dataset, workspace: w, dataVersion: fromRows.dataVersion))
        let fromSnapshot = try store.load(workspace: w)
        #expect(fromSnapshot.fromSnapshot && fromSnapshot.dataVersion == fromRows.dataVersion)
        #expect(fromSnapshot.dataset.accounts == fromRows.dataset.accounts)
        #expect(fromSnapshot.dataset.subscriptions == fromRows.dataset.subscriptions)
        _ = try store.delete(kind: .tickets, id: "t1", workspace: w)
        let after = try store.load(workspace: w)
        #expect(!after.fromSnapshot && after.dataset.tickets.isEmpty)
        // A snapshot of a version that is no longer current is refused.
        #expect(try !store.writeSnapshot(fromRows.dataset, workspace: w, dataVersion: fromRows.dataVersion))
    }

    @Test(arguments: StoreEngine.allCases) func keysUsersAndSessionsGrantWhatTheySay(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let key = try store.createKey(workspace: w, scope: .read, at: now)
        let grant = try #require(try store.grant(forKey: key))
        #expect(grant.workspace == w && grant.workspaceSlug == "w" && grant.scope == .read)
        #expect(try store.grant(forKey: key + "x") == nil)
        #expect(try !store.hasUsers(workspace: w))
        let user = try store.createUser(workspace: w, email: "ana@example.com", name: "Ana", passwordHash: "h1", at: now)
        #expect(try store.hasUsers(workspace: w))
        #expect(try store.userForSignIn(email: "ana@example.com")?.passwordHash == "h1")
        #expect(try store.setPassword(email: "ana@example.com", passwordHash: "h2"))
        #expect(try !store.setPassword(email: "bob@example.com", passwordHash: "h2"))
        #expect(try store.userForSignIn(email: "ana@example.com")?.passwordHash == "h2")
        let token = try store.createSession(user: user, at: now, lifetime: 3600)
        #expect(try store.session(token: token, at: now.addingTimeInterval(60))?.user.name == "Ana")
        #expect(try store.session(token: token, at: now.addingTimeInterval(3601)) == nil)
        try store.endSession(token: token)
        #expect(try store.session(token: token, at: now.addingTimeInterval(60)) == nil)
    }

    @Test(arguments: StoreEngine.allCases) func goalsKeepTheirHistoryAndReviews(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        let target = KPITarget(kpi: .mrr, amount: .value(20_000), deadline: CivilDate(year: 2024, month: 12, day: 31), start: CivilDate(year: 2024, month: 1, day: 1))
        var definition = GoalDefinition(key: "grow", name: "Grow", deadline: CivilDate(year: 2024, month: 12, day: 31), target: target)
        let created = try store.createGoal(definition, workspace: w, actor: "ana", at: Self.jan)
        definition.name = "Grow MRR"
        let updated = try store.updateGoal(created.id, definition, workspace: w, actor: "ana", at: Self.jan.adding(days: 1))
        #expect(updated.definition.name == "Grow MRR")
        #expect(try store.goalHistory(created.id, workspace: w).map(\.action) == ["created", "edited"])
        _ = try store.setArchived(created.id, true, workspace: w, actor: "ana", at: Self.jan.adding(days: 2))
        #expect(try store.goals(workspace: w).isEmpty)
        #expect(try store.goals(workspace: w, includeArchived: true).count == 1)
        let targetID = try #require(updated.definition.target?.id)
        _ = try store.addReview(targetID: targetID, workspace: w, reviewer: "ana", note: "on track", at: Self.jan.adding(days: 3))
        #expect(try store.reviews(targetID: targetID, workspace: w).map(\.note) == ["on track"])
        #expect(try store.latestReviews(workspace: w)[targetID]?.reviewer == "ana")
        #expect(try store.goal(created.id + 1000, workspace: w) == nil)
    }

    @Test(arguments: StoreEngine.allCases) func alertsTasksAndDeliveriesFollowOneEvaluation(engine: StoreEngine) throws {
        let store = try engine.open()
        let w = try store.workspace("w")
        _ = try store.save(Self.dataset(), workspace: w)
        let observation = AlertObservation(rule: "red", kind: .turnedRed, severity: "critical", subject: "a", account: nil, title: "Acme turned red", reason: "health 20")
        let key = AlertKey(rule: "red", subject: "a")
        // The first evaluation is the baseline: nothing holds then, nothing is stored.
        let baseline = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 50), fired: [], cleared: [], tasks: []) { _ in [] }
        #expect(baseline.isBaseline && baseline.baseline == 0)
        #expect(try store.firstEvaluation(workspace: w) == Timestamp(seconds: 50))
        let recorded = try store.recordEvaluation(
            workspace: w, at: Timestamp(seconds: 100), fired: [NewAlert(observation, account: "a")], cleared: [],
            tasks: [NewTask(trigger: key, account: "a", playbook: "call", title: "Call Acme", owner: "ana", dueAt: Timestamp(seconds: 200))]
        ) { _ in [NewDelivery(webhook: "ops", kind: "alert", payload: "{}")] }
        #expect(recorded.fired.count == 1 && recorded.tasks == 1 && recorded.deliveries == 1)
        #expect(try store.openAlertKeys(workspace: w) == [key])
        #expect(try store.alerts(workspace: w, openOnly: true).map(\.title) == ["Acme turned red"])
        let task = try #require(try store.tasks(workspace: w, owner: "ana").first)
        guard case .closed(let closed) = try store.closeTask(workspace: w, id: task.id, status: .done, by: "ana", at: Timestamp(seconds: 150)) else {
            Issue.record("not closed")
            return
        }
        #expect(closed.status == .done && closed.closedBy == "ana")
        let due = try store.dueDeliveries(at: Timestamp(seconds: 100))
        #expect(due.map(\.webhook) == ["ops"])
        try store.recordAttempt(due[0].id, at: Timestamp(seconds: 101), outcome: .delivered)
        #expect(try store.dueDeliveries(at: Timestamp(seconds: 1000)).isEmpty)
        #expect(try store.deliveries(workspace: w).map(\.status) == ["delivered"])
        _ = try store.recordEvaluation(workspace: w, at: Timestamp(seconds: 300), fired: [], cleared: [key], tasks: []) { _ in [] }
        #expect(try store.openAlertKeys(workspace: w).isEmpty)
        let day = CivilDate(year: 2024, month: 1, day: 10)
        #expect(try store.saveHealth([HealthRecord(account: "a", day: day, score: 20, band: .red, model: "default", components: [:], mrr: 10_000)], workspace: w) == 1)
        #expect(try store.healthHistory(workspace: w, account: "a").map(\.score) == [20])
        #expect(try store.healthDays(workspace: w) == [day])
    }
}
