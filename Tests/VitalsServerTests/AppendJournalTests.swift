import Foundation
import Testing
import VitalsCore
@testable import VitalsApp
import VitalsConnectors
@testable import VitalsFormats
import VitalsStore

@testable import VitalsServer

/// After saves of new usage events by this server, the next view appends them to the records it holds instead of
/// loading the workspace again; any other change loads it again. Either way the view holds what the store holds.
@Suite struct AppendJournalTests {
    /// The fixture's store, a cache over it and a writer that records into the cache's journal.
    struct Setup {
        let f: APIFixture
        let cache: WorkspaceCache
        let writer: IngestWriter

        init() throws {
            f = try APIFixture()
            cache = WorkspaceCache(store: f.store, settings: ReportSettings())
            writer = IngestWriter(store: f.store, journal: cache.journal)
        }

        /// Saves `events` into workspace a the way `POST /api/v1/usage_events` does.
        func ingest(_ events: [(id: String, account: Int, user: String, day: Int)]) async throws {
            let references = try await cache.references(f.a)
            var dataset = Dataset()
            for account in references.accounts { _ = dataset.upsert(account) }
            dataset.usageEvents = UsageLog(events.map { e in
                UsageEvent(
                    id: UsageEventID(e.id), account: AccountIndex(e.account), user: UserID(e.user), event: "login",
                    occurredAt: Timestamp(year: 2024, month: 2, day: e.day))
            })
            try await writer.save(
                SaveRequest(dataset, workspace: f.a, storedAccounts: references.rows), appending: dataset.usageEvents,
                changesReferences: false)
            await cache.invalidate(f.a, references: false)
        }

        /// The events of workspace a's current view, as `account user day`. (A view's records come from the store,
        /// which gives usage events without their ids.)
        func viewEvents() async throws -> [String] {
            let log = try await cache.view(f.a).dataset.usageEvents
            #expect(!log.hasIDs)
            return log.indices.map { i in
                "\(log.accounts[i]) \(log.userIDs[Int(log.users[i])]) \(log.times[i] / 86_400 - 19_753)"
            }
        }
    }

    @Test func newEventsAreAppendedAndOtherChangesLoadAgain() async throws {
        let s = try Setup()
        #expect(try await s.viewEvents() == [])
        #expect(await s.cache.storeLoads == 1)

        // Two batches of new events: appended, in the order saved (2024-02-01 is day 19,754 since 1970).
        try await s.ingest([("e1", 0, "u1", 1), ("e2", 1, "u2", 2)])
        try await s.ingest([("e3", 0, "u3", 3)])
        #expect(try await s.viewEvents() == ["0 u1 1", "1 u2 2", "0 u3 3"])
        #expect(await s.cache.storeLoads == 1)

        // A retried batch stores no new row: nothing to append, so the next view loads again; same events.
        try await s.ingest([("e3", 0, "u3", 3)])
        #expect(try await s.viewEvents() == ["0 u1 1", "1 u2 2", "0 u3 3"])
        #expect(await s.cache.storeLoads == 2)

        // An event sent again with another user replaces the stored one: loaded again, and the view shows it.
        try await s.ingest([("e2", 1, "u9", 2), ("e4", 1, "u2", 4)])
        #expect(try await s.viewEvents() == ["0 u1 1", "1 u9 2", "0 u3 3", "1 u2 4"])
        #expect(await s.cache.storeLoads == 3)

        // Another kind of record (or another process) writes: loaded again.
        try await s.ingest([("e5", 0, "u1", 5)])
        try s.f.store.save(Dataset(), workspace: s.f.a)
        #expect(try await s.viewEvents().last == "0 u1 5")
        #expect(await s.cache.storeLoads == 4)

        // Appended or loaded, the view holds what the store holds, in the same order and with the same interning.
        try await s.ingest([("e6", 1, "u7", 6)])
        let view = try await s.cache.view(s.f.a)
        #expect(await s.cache.storeLoads == 4)
        let stored = try s.f.store.load(workspace: s.f.a)
        #expect(view.dataset.usageEvents.columns == stored.dataset.usageEvents.columns)
        #expect(stored.dataVersion == (try s.f.store.dataVersion(workspace: s.f.a)))
    }

    @Test func trackedEventsAreAppendedAndGroupCallsLoadAgain() async throws {
        let s = try Setup()
        let tracking = TrackingController(store: s.f.store, cache: s.cache)
        /// Segment messages, as `POST /v1/batch` gives them.
        func send(_ messages: String) async throws -> TrackingResult {
            let body = try JSONSerialization.jsonObject(with: Data(#"{"batch":[\#(messages)]}"#.utf8)) as! [String: Any]
            let parsed = try TrackingFormat.segment(body, type: nil, receivedAt: Timestamp(year: 2024, month: 3, day: 1))
            return try await tracking.apply(parsed, workspace: s.f.a)
        }
        func track(_ id: String, _ user: String, day: Int, group: String? = nil) -> String {
            let context = group.map { #","context":{"groupId":"\#($0)"}"# } ?? ""
            return #"{"type":"track","messageId":"\#(id)","userId":"\#(user)","event":"login","timestamp":"2024-02-0\#(day)T00:00:00Z"\#(context)}"#
        }
        #expect(try await s.viewEvents() == [])
        #expect(await s.cache.storeLoads == 1)

        // Events naming accounts the store has (b is account 1, a is 0): appended, in the order sent.
        #expect(try await send(track("t1", "u1", day: 1, group: "b") + "," + track("t2", "u2", day: 2, group: "a")).stored == 2)
        #expect(try await s.viewEvents() == ["1 u1 1", "0 u2 2"])
        #expect(await s.cache.storeLoads == 1)

        // The batch resent, with one new event: only the new one is stored, and appended.
        let resent = try await send(track("t1", "u1", day: 1, group: "b") + "," + track("t3", "u3", day: 3, group: "b"))
        #expect((resent.stored, resent.duplicates) == (1, 1))
        #expect(try await s.viewEvents() == ["1 u1 1", "0 u2 2", "1 u3 3"])
        #expect(await s.cache.storeLoads == 1)

        // An event naming an account the store does not have creates it: loaded again.
        #expect(try await send(track("t4", "u4", day: 4, group: "c")).accountsCreated == 1)
        #expect(try await s.viewEvents().last == "2 u4 4")
        #expect(await s.cache.storeLoads == 2)

        // A group call (it may rename the account): loaded again. Then the user's events go to that account without
        // naming it, and are appended.
        _ = try await send(#"{"type":"group","messageId":"g1","userId":"u5","groupId":"a","traits":{"name":"A Inc"}}"#)
        #expect(try await s.viewEvents().count == 4)
        #expect(await s.cache.storeLoads == 3)
        _ = try await send(track("t5", "u5", day: 5))
        #expect(try await s.viewEvents().last == "0 u5 5")
        #expect(await s.cache.storeLoads == 3)

        // Appended or loaded, the view holds what the store holds.
        let view = try await s.cache.view(s.f.a)
        let stored = try s.f.store.load(workspace: s.f.a)
        #expect(view.dataset.usageEvents.columns == stored.dataset.usageEvents.columns)
        #expect(view.dataset.accounts.map(\.name) == ["A Inc", "B", "c"])
    }

    @Test func theAccountsCheckedAgainstStayUntilAccountsOrRatesChange() async throws {
        let s = try Setup()
        // An ingest-only server: no view is ever built, and batches of events do not read the accounts again.
        try await s.ingest([("e1", 0, "u1", 1)])
        try await s.ingest([("e2", 1, "u2", 2)])
        try await s.ingest([("e2", 1, "u3", 2)])  // an update: not appendable, but it changes no account
        _ = try await s.cache.references(s.f.a)
        #expect(await s.cache.referenceLoads == 1)
        // Accounts saved by this server: read again.
        var accounts = Dataset()
        _ = accounts.upsert(Account(id: "c", name: "C"))
        try await s.writer.save(SaveRequest(accounts, workspace: s.f.a), changesReferences: true)
        await s.cache.invalidate(s.f.a, references: true)
        #expect(try await s.cache.references(s.f.a).accounts.map(\.id.rawValue) == ["a", "b", "c"])
        #expect(await s.cache.referenceLoads == 2)
        // Another process writes (here: the store directly, as `vitals import` would): read again.
        var more = Dataset()
        _ = more.upsert(Account(id: "d", name: "D"))
        try s.f.store.save(more, workspace: s.f.a)
        #expect(try await s.cache.references(s.f.a).accounts.map(\.id.rawValue) == ["a", "b", "c", "d"])
        #expect(await s.cache.referenceLoads == 3)
        // Events for the new account are appended to a view like any others.
        _ = try await s.cache.view(s.f.a)
        try await s.ingest([("e3", 3, "u4", 3)])
        #expect(try await s.viewEvents() == ["0 u1 1", "1 u3 2", "3 u4 3"])
        #expect(await s.cache.storeLoads == 1)
        #expect(await s.cache.referenceLoads == 3)
    }

    @Test func aJournalKeepsEventsOnlyWhereHeldAndUpToItsLimit() {
        let journal = AppendJournal(limit: 2)
        let one = UsageLog([UsageEvent(id: "e1", account: AccountIndex(0), user: "u", event: "x", occurredAt: Timestamp(seconds: 0))])
        func record(_ workspace: Int64, _ version: Int64, references: Bool = false) {
            journal.record(workspace, version: version, events: one, accountRows: [1], changesReferences: references)
        }
        journal.track(1, holdEvents: true)
        journal.track(3)
        record(1, 5)
        record(2, 5)  // not tracked: not recorded
        record(3, 5, references: true)  // tracked without events
        #expect(journal.entries(1, after: 4, through: 5)?.map { $0.events?.count } == [1])
        #expect(journal.entries(2, after: 4, through: 5) == nil)
        #expect(journal.entries(3, after: 4, through: 5)?.map { $0.events == nil && $0.changesReferences } == [true])
        #expect(journal.entries(1, after: 3, through: 5) == nil)  // version 4 is missing
        record(1, 6)
        record(1, 7)  // three events held: past the limit of two, so the workspace starts again
        #expect(journal.entries(1, after: 4, through: 7) == nil)
        #expect(journal.entries(1, after: 4, through: 4)?.isEmpty == true)
        record(1, 8)
        journal.forget(1, through: 8)
        #expect(journal.entries(1, after: 7, through: 8) == nil)
    }
}
