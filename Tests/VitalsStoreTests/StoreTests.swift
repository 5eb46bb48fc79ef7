import Foundation
import GRDB
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// The embedded store: what is saved reads back as the same dataset, saves are idempotent and all-or-nothing, and
/// workspaces never see each other's records.
@Suite struct StoreTests {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/demo").path

    func temporaryStore() throws -> Store {
        let path = NSTemporaryDirectory() + "vitals-store-\(UUID().uuidString).sqlite"
        return try Store(path: path)
    }

    func count(_ store: Store, _ table: String) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? -1 }
    }

    @Test func theStoreGivesBackTheDatasetAndTheSameKPIs() throws {
        let folder = try DatasetLoader.load(directory: demo, reportingCurrency: .usd)
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        try store.save(folder, workspace: workspace)
        let stored = try store.dataset(workspace: workspace)

        #expect(stored.accounts == folder.accounts)
        #expect(stored.subscriptions == folder.subscriptions)
        #expect(stored.orders == folder.orders)
        #expect(stored.trials == folder.trials)
        #expect(stored.acquisitionCosts == folder.acquisitionCosts)
        #expect(stored.surveyResponses == folder.surveyResponses)
        #expect(stored.tickets == folder.tickets)
        // The store gives usage events without their ids (nothing computed reads them).
        var events = folder.usageEvents
        events.dropIDs()
        #expect(stored.usageEvents == events)
        #expect(stored.onboarding == folder.onboarding)
        #expect(stored.leads == folder.leads)
        #expect(stored.successGoals == folder.successGoals)
        #expect(stored.csmPulses == folder.csmPulses)
        #expect(stored.fxRates == folder.fxRates)

        let periods = Period.range(
            from: CivilDate(year: 2024, month: 11, day: 1), through: CivilDate(year: 2026, month: 10, day: 31),
            grain: .month)
        let settings = ReportSettings()
        let fromFolder = KPICalculator(dataset: folder, settings: settings).report(ReportScope(periods: periods))
        let fromStore = KPICalculator(dataset: stored, settings: settings).report(ReportScope(periods: periods))
        #expect(fromStore.rows.map(\.values) == fromFolder.rows.map(\.values))
        #expect(fromFolder.rows.last?[.mrr].double ?? 0 > 0)
    }

    @Test func savingTheSameRecordsTwiceChangesNothing() throws {
        let dataset = try DatasetLoader.load(directory: demo, reportingCurrency: .usd)
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        try store.save(dataset, workspace: workspace)
        let tables = ["account", "subscription_version", "usage_event", "ticket", "survey_response", "csm_pulse"]
        let first = try tables.map { try count(store, $0) }
        let before = try store.dataset(workspace: workspace)
        try store.save(dataset, workspace: workspace)
        #expect(try tables.map { try count(store, $0) } == first)
        #expect(first[0] == 300)
        #expect(first[1] == 988)
        let after = try store.dataset(workspace: workspace)
        #expect(after.subscriptions == before.subscriptions)
        #expect(after.usageEvents == before.usageEvents)
    }

    @Test func aFailedSaveStoresNothing() throws {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: "a", name: "A"))
        dataset.tickets = [Ticket(id: "t1", account: a, openedAt: Timestamp(seconds: 0))]
        // An interval count of 0 breaks a CHECK constraint after the account and before the ticket are written.
        dataset.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "s", account: a, product: "p", amount: Money(minorUnits: 100, currency: .usd),
                intervalCount: 0, validFrom: Timestamp(seconds: 0))
        ]
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        #expect(throws: StoreError.self) { try store.save(dataset, workspace: workspace) }
        #expect(try count(store, "account") == 0)
        #expect(try count(store, "ticket") == 0)
    }

    @Test func workspacesDoNotSeeEachOther() throws {
        let store = try temporaryStore()
        var one = Dataset()
        let a = one.upsert(Account(id: "shared-id", name: "In A", industry: "Retail"))
        one.tickets = [Ticket(id: "t1", account: a, openedAt: Timestamp(seconds: 10))]
        var two = Dataset()
        let b = two.upsert(Account(id: "shared-id", name: "In B"))
        two.tickets = [Ticket(id: "t1", account: b, openedAt: Timestamp(seconds: 20))]
        let wa = try store.workspace("a")
        let wb = try store.workspace("b")
        try store.save(one, workspace: wa)
        try store.save(two, workspace: wb)
        let readA = try store.dataset(workspace: wa)
        let readB = try store.dataset(workspace: wb)
        #expect(readA.accounts.map(\.name) == ["In A"])
        #expect(readB.accounts.map(\.name) == ["In B"])
        #expect(readA.tickets.map(\.openedAt.seconds) == [10])
        #expect(readB.tickets.map(\.openedAt.seconds) == [20])
        #expect(throws: StoreError.self) { try store.workspace("c", create: false) }
    }

    @Test func anImportMayReferToAccountsAlreadyStored() throws {
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        var accounts = Dataset()
        accounts.upsert(Account(id: "acc_1", name: "One", csm: "ana", attributes: ["tier": "gold"]))
        try store.save(accounts, workspace: workspace)

        let known = try store.accounts(workspace: workspace)
        #expect(known.map(\.attributes) == [["tier": "gold"]])
        let tickets = "ticket_id,account_id,opened_at\nt1,acc_1,2024-01-02\n"
        let dataset = try DatasetLoader.load(
            files: ["tickets.csv": Array(tickets.utf8)], reportingCurrency: .usd, knownAccounts: known)
        try store.save(dataset, workspace: workspace)
        let stored = try store.dataset(workspace: workspace)
        #expect(stored.accounts.map(\.name) == ["One"])  // not overwritten by an implied account
        #expect(stored.tickets.map(\.id) == ["t1"])

        let unknown = "ticket_id,account_id,opened_at\nt2,acc_9,2024-01-02\n"
        #expect(throws: DatasetLoadError.self) {
            try DatasetLoader.load(files: ["tickets.csv": Array(unknown.utf8)], reportingCurrency: .usd, knownAccounts: known)
        }
    }

    @Test func theSchemaIsStrictAndUsesWriteAheadLogging() throws {
        let store = try temporaryStore()
        let mode = try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let foreignKeys = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
        let workspace = try store.workspace("acme")
        // A record must name an existing account.
        #expect(throws: (any Error).self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO ticket (workspace_id, account_id, external_id, opened_at) VALUES (?, 999, 't', 0)",
                    arguments: [workspace])
            }
        }
    }
}
