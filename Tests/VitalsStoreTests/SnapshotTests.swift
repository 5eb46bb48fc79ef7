import Foundation
import GRDB
import Testing
import VitalsCore
import VitalsGenerator

@testable import VitalsFormats
@testable import VitalsStore

/// The dataset snapshot: every field survives the round trip, damaged bytes are refused rather than misread, and the
/// store uses a snapshot only while it is as new as the records.
@Suite struct SnapshotTests {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/demo").path

    func temporaryStore() throws -> Store {
        try Store(path: NSTemporaryDirectory() + "vitals-snapshot-\(UUID().uuidString).sqlite")
    }

    /// Every table compared record by record (Dataset itself is not Equatable).
    func expectSame(_ a: Dataset, _ b: Dataset, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.accounts == b.accounts, sourceLocation: sourceLocation)
        #expect(a.accounts.map { a.index(of: $0.id) } == b.accounts.map { b.index(of: $0.id) }, sourceLocation: sourceLocation)
        #expect(a.subscriptions == b.subscriptions, sourceLocation: sourceLocation)
        #expect(a.orders == b.orders, sourceLocation: sourceLocation)
        #expect(a.trials == b.trials, sourceLocation: sourceLocation)
        #expect(a.acquisitionCosts == b.acquisitionCosts, sourceLocation: sourceLocation)
        #expect(a.surveyResponses == b.surveyResponses, sourceLocation: sourceLocation)
        #expect(a.tickets == b.tickets, sourceLocation: sourceLocation)
        // Usage events are compared without their ids, which the store does not give back.
        var (x, y) = (a.usageEvents, b.usageEvents)
        x.dropIDs()
        y.dropIDs()
        #expect(x.columns == y.columns, sourceLocation: sourceLocation)
        #expect(a.onboarding == b.onboarding, sourceLocation: sourceLocation)
        #expect(a.leads == b.leads, sourceLocation: sourceLocation)
        #expect(a.successGoals == b.successGoals, sourceLocation: sourceLocation)
        #expect(a.csmPulses == b.csmPulses, sourceLocation: sourceLocation)
        #expect(a.fxRates == b.fxRates, sourceLocation: sourceLocation)
    }

    /// One record of every kind, with every optional field both absent and present, two currencies, non-ASCII text
    /// and event properties.
    static var everyField: Dataset {
        var d = Dataset()
        let t = { (day: Int) in Timestamp(year: 2025, month: 1, day: day) }
        let acme = d.upsert(Account(
            id: "acc_1", name: "Acme Gmbh – Zürich", createdAt: t(1), csm: "Ana", industry: "SaaS", country: "CH",
            referredBy: nil, attributes: ["plan_tier": "gold", "region": "emea"]))
        let bolt = d.upsert(Account(id: "acc_2", name: "Bolt", createdAt: nil, csm: nil, industry: nil, country: nil,
                                    referredBy: "acc_1", attributes: [:]))
        d.fxRates = [FxRate(date: t(1), currency: CurrencyCode("EUR")!, rate: 1.0825)]
        d.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "sub_1", account: acme, product: "core", plan: "pro",
                amount: Money(minorUnits: 12_345, currency: .usd), interval: .year, intervalCount: 2, quantity: 3,
                discountPercent: 12.5, discountAmount: 500, status: .pastDue, validFrom: t(1), validTo: t(20)),
            SubscriptionVersion(
                subscriptionID: "sub_2", account: bolt, product: "addon", plan: nil,
                amount: Money(minorUnits: 990, currency: CurrencyCode("EUR")!), interval: .month, intervalCount: 1,
                quantity: 1, discountPercent: 0, discountAmount: 0, status: .active, validFrom: t(2), validTo: nil),
        ]
        d.orders = [Order(id: "ord_1", account: bolt, orderedAt: t(3), amount: Money(minorUnits: -250, currency: .usd))]
        d.trials = [
            Trial(id: "tr_1", account: acme, startedAt: t(1), endsAt: t(15), convertedAt: t(10), canceledAt: nil),
            Trial(id: "tr_2", account: bolt, startedAt: t(1), endsAt: t(15), convertedAt: nil, canceledAt: t(5)),
        ]
        d.acquisitionCosts = [
            AcquisitionCost(periodStart: t(1), periodEnd: t(31), amount: Money(minorUnits: 100_000, currency: .usd),
                            channel: "ads"),
            AcquisitionCost(periodStart: t(1), periodEnd: t(31), amount: Money(minorUnits: 7, currency: .usd),
                            channel: nil),
        ]
        d.surveyResponses = [
            SurveyResponse(id: "s_1", account: acme, survey: .nps, score: 9, scaleMin: 0, scaleMax: 10,
                           respondedAt: t(4), contact: "ana@acme.example", comment: "très bien, \"merci\""),
            SurveyResponse(id: "s_2", account: bolt, survey: .ces, score: 2.5, scaleMin: 1, scaleMax: 7,
                           respondedAt: t(5), contact: nil, comment: nil),
        ]
        d.tickets = [
            Ticket(id: "t_1", account: acme, openedAt: t(6), resolvedAt: t(7), agentReplies: 1, reopens: 0,
                   firstContactResolution: true, channel: "email"),
            Ticket(id: "t_2", account: acme, openedAt: t(6), resolvedAt: nil, agentReplies: nil, reopens: nil,
                   firstContactResolution: nil, channel: nil),
            Ticket(id: "t_3", account: bolt, openedAt: t(8), resolvedAt: t(9), agentReplies: 4, reopens: 2,
                   firstContactResolution: false, channel: "chat"),
        ]
        d.usageEvents = UsageLog([
            UsageEvent(id: "e_1", account: acme, user: "u1", event: "login", occurredAt: t(2), durationSeconds: 30,
                       properties: [:]),
            UsageEvent(id: "e_2", account: bolt, user: "u1", event: "report_viewed", occurredAt: t(3),
                       durationSeconds: nil, properties: ["page": "mrr", "tab": "2"]),
            UsageEvent(id: "e_3_long_identifier_beyond_sixteen_bytes", account: acme, user: "u2", event: "login",
                       occurredAt: t(4), durationSeconds: 0.25, properties: [:]),
        ])
        d.onboarding = [
            OnboardingMilestone(account: acme, milestone: "kickoff", required: true, startedAt: t(1), dueAt: t(10),
                                completedAt: t(9)),
            OnboardingMilestone(account: bolt, milestone: "sso", required: false, startedAt: nil, dueAt: nil,
                                completedAt: nil),
        ]
        d.leads = [
            Lead(id: "l_1", account: acme, source: .crossSell, createdAt: t(5), status: .won, closedAt: t(12),
                 amount: Money(minorUnits: 50_000, currency: CurrencyCode("EUR")!)),
            Lead(id: "l_2", account: nil, source: .referral, createdAt: t(6), status: .open, closedAt: nil, amount: nil),
        ]
        d.successGoals = [
            SuccessGoal(id: "g_1", account: acme, name: "Go live", targetDate: t(30), achievedAt: nil),
            SuccessGoal(id: "g_2", account: bolt, name: "Ten users", targetDate: nil, achievedAt: t(11)),
        ]
        d.csmPulses = [
            CsmPulse(account: acme, recordedAt: t(14), rating: 4, note: "steady"),
            CsmPulse(account: bolt, recordedAt: t(14), rating: 1, note: nil),
        ]
        return d
    }

    @Test func everyFieldSurvivesTheRoundTrip() throws {
        let original = Self.everyField
        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(original))
        // Everything but the usage events' ids, which a snapshot does not keep.
        var expected = original
        expected.usageEvents.dropIDs()
        expectSame(decoded, expected)
        #expect(!decoded.usageEvents.hasIDs)
        #expect(decoded.usageEvents.properties(at: 1) == ["page": "mrr", "tab": "2"])
        #expect(decoded.usageEvents.durations[1].isNaN)  // absent
        #expect(decoded.usageEvents.userIDs == ["u1", "u1", "u2"])
        #expect(decoded.index(of: "acc_2") == AccountIndex(1))
    }

    /// Usage columns that cannot be narrowed: 300 event names, instants 200 years apart, a duration a Float does not
    /// hold (0.1). They round-trip in full width (the ids, one of 300 bytes among them, are not kept).
    @Test func wideUsageColumnsRoundTrip() throws {
        var d = Dataset()
        let a = d.upsert(Account(id: "a", name: "A"))
        var events = (0..<300).map { k in
            UsageEvent(id: UsageEventID("e\(k)"), account: a, user: "u", event: "feature_\(k)",
                       occurredAt: Timestamp(seconds: Int64(k) * 86_400), durationSeconds: Double(k), properties: [:])
        }
        events.append(UsageEvent(id: UsageEventID(String(repeating: "x", count: 300)), account: a, user: "u",
                                 event: "late", occurredAt: Timestamp(year: 2170, month: 1, day: 1),
                                 durationSeconds: 0.1, properties: [:]))
        events.append(UsageEvent(id: "before-1970", account: a, user: "v", event: "login",
                                 occurredAt: Timestamp(seconds: -86_400), durationSeconds: nil, properties: [:]))
        d.usageEvents = UsageLog(events)
        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(d))
        var expected = d.usageEvents
        expected.dropIDs()
        #expect(decoded.usageEvents.columns == expected.columns)
        #expect(decoded.usageEvents.durations[300] == 0.1)
        #expect(decoded.usageEvents.times[300] == Timestamp(year: 2170, month: 1, day: 1).seconds)
        #expect(decoded.usageEvents.times[301] == -86_400)
        #expect(decoded.usageEvents.names.count == 302)
    }

    @Test func anEmptyDatasetRoundTrips() throws {
        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(Dataset()))
        expectSame(decoded, Dataset())
    }

    @Test func narrowColumnsAreWidenedAsTheyAreRead() throws {
        // 1-byte values widened to 4 and 4-byte values to 8, as the usage columns are: 255, 0 and 7 come out as
        // themselves, 4,000,000,000 stays unsigned, and a column past the end is refused.
        var bytes: [UInt8] = [255, 0, 7]
        for value: UInt32 in [4_000_000_000, 1, 86_400] { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        func check(_ storage: some SnapshotStorage) throws {
            #expect(try storage.column(UInt8.self, count: 3, at: 0, as: Int32.self) { Int32($0) } == [255, 0, 7])
            #expect(try storage.column(UInt32.self, count: 3, at: 3, as: Int64.self) { 100 + Int64($0) } == [4_000_000_100, 101, 86_500])
            #expect(throws: SnapshotReader.Damaged.self) { try storage.column(UInt8.self, count: 1, at: 15, as: Int32.self) { Int32($0) } }
            #expect(throws: SnapshotReader.Damaged.self) { try storage.column(UInt32.self, count: 4, at: 3, as: Int64.self) { Int64($0) } }
        }
        try bytes.withUnsafeBytes { try check(MemoryStorage(bytes: $0)) }
        try check(PagedStorage(bytes: bytes))
    }

    /// A snapshot read through a window far smaller than its records and strings (refilled at every value, grown
    /// for the 300-byte string) decodes to what one read in place gives.
    @Test func aSnapshotReadThroughASmallWindowIsTheSame() throws {
        var d = Self.everyField
        d.surveyResponses[0].comment = String(repeating: "long comment ", count: 25)
        let bytes = DatasetSnapshot.encode(d)
        let inPlace = try DatasetSnapshot.decode(bytes)
        for window in [1, 7, 64] {
            let paged = try DatasetSnapshot.decode(PagedStorage(bytes: bytes), window: window)
            expectSame(paged, inPlace)
            #expect(paged.surveyResponses[0].comment == d.surveyResponses[0].comment)
        }
        // Cut short, through the window too: refused, never a crash.
        for cut in stride(from: 0, to: bytes.count, by: 97) {
            #expect(throws: DatasetSnapshot.Unreadable.self) {
                try DatasetSnapshot.decode(PagedStorage(bytes: Array(bytes[..<cut])), window: 5)
            }
        }
    }

    /// Bytes that a reader must copy out (as from the store), never read in place.
    struct PagedStorage: SnapshotStorage {
        let bytes: [UInt8]
        var count: Int { bytes.count }
        var contiguous: UnsafeRawBufferPointer? { nil }
        func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(SnapshotReader.Damaged) {
            guard count >= 0, offset >= 0, count <= bytes.count - offset else {
                throw SnapshotReader.Damaged(description: "past the end")
            }
            bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        }
    }

    @Test func damagedBytesAreRefused() throws {
        let bytes = DatasetSnapshot.encode(Self.everyField)
        // Cut anywhere: never a crash, never a dataset.
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: DatasetSnapshot.Unreadable.self) { try DatasetSnapshot.decode(Array(bytes[..<cut])) }
        }
        var otherFormat = bytes
        otherFormat[8] &+= 1  // the format number follows the 8-byte magic
        #expect(throws: DatasetSnapshot.Unreadable.self) { try DatasetSnapshot.decode(otherFormat) }
        // The first event's account (little-endian Int32) set to 5 when only 2 accounts exist. The usage section
        // starts with 3 events (UInt64), one-byte names, four-byte instants past the earliest (January 2nd) and
        // four-byte durations; the accounts column follows.
        var head = SnapshotWriter()
        head.put(UInt64(3))
        head.put(UInt8(1))
        head.put(UInt8(4))
        head.put(Timestamp(year: 2025, month: 1, day: 2).seconds)
        head.put(UInt8(4))
        let at = try #require(bytes.firstRange(of: head.bytes)).upperBound
        #expect(bytes[at..<(at + 12)] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        var outOfRange = bytes
        outOfRange[at] = 5
        #expect(throws: DatasetSnapshot.Unreadable.self) { try DatasetSnapshot.decode(outOfRange) }
    }

    @Test func theStoreUsesTheSnapshotOnlyWhileItIsCurrent() throws {
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        let dataset = Self.everyField
        try store.save(dataset, workspace: workspace)
        #expect(try store.dataVersion(workspace: workspace) == 1)
        var loaded = try store.load(workspace: workspace)
        #expect(!loaded.fromSnapshot)
        expectSame(loaded.dataset, dataset)

        // Tiny parts, so that the snapshot spans many rows.
        #expect(try store.writeSnapshot(loaded.dataset, workspace: workspace, dataVersion: 1, partSize: 100))
        let parts = try store.pool.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM dataset_snapshot_part WHERE workspace_id = ?", arguments: [workspace])
        }
        // Parts of at most 100 bytes, each section and usage column starting a part of its own.
        let (bytes, boundaries) = DatasetSnapshot.encodeWithBoundaries(dataset)
        #expect(boundaries.count >= 9 + 6)
        let lengths = try store.pool.read {
            try Int.fetchAll($0, sql: "SELECT length(bytes) FROM dataset_snapshot_part WHERE workspace_id = ? ORDER BY part",
                             arguments: [workspace])
        }
        #expect(parts == lengths.count && lengths.allSatisfy { $0 <= 100 } && lengths.reduce(0, +) == bytes.count)
        var starts = [0]
        for length in lengths.dropLast() { starts.append(starts.last! + length) }
        #expect(Set(boundaries).isSubset(of: starts))
        #expect(Store.partStarts(byteCount: 250, boundaries: [0, 16, 30], partSize: 100) == [0, 16, 30, 130, 230])
        loaded = try store.load(workspace: workspace)
        #expect(loaded.fromSnapshot)
        #expect(loaded.dataVersion == 1)
        expectSame(loaded.dataset, dataset)

        // A write moves the records on: the snapshot is stale, the rows are read, and an old version is not written.
        var more = Dataset()
        let acme = more.upsert(dataset.accounts[0])
        more.tickets = [Ticket(id: "t_9", account: acme, openedAt: Timestamp(year: 2025, month: 2, day: 1),
                               resolvedAt: nil, agentReplies: nil, reopens: nil, firstContactResolution: nil, channel: nil)]
        try store.save(more, workspace: workspace)
        loaded = try store.load(workspace: workspace)
        #expect(!loaded.fromSnapshot)
        #expect(loaded.dataVersion == 2)
        #expect(loaded.dataset.tickets.map(\.id.rawValue) == ["t_1", "t_2", "t_3", "t_9"])
        #expect(try !store.writeSnapshot(loaded.dataset, workspace: workspace, dataVersion: 1))
        #expect(try store.writeSnapshot(loaded.dataset, workspace: workspace, dataVersion: 2))
        #expect(try store.load(workspace: workspace).fromSnapshot)
        #expect(try store.load(workspace: workspace).dataset.tickets.count == 4)
    }

    @Test func aDamagedSnapshotFallsBackToTheRows() throws {
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        try store.save(Self.everyField, workspace: workspace)
        try store.writeSnapshot(Self.everyField, workspace: workspace, dataVersion: 1, partSize: 64)
        try store.pool.write {
            // A part cut short (as by a writer that stopped half-way, were that possible outside a transaction).
            try $0.execute(sql: "UPDATE dataset_snapshot_part SET bytes = substr(bytes, 1, 40) WHERE part = 1")
        }
        let loaded = try store.load(workspace: workspace)
        #expect(!loaded.fromSnapshot)
        expectSame(loaded.dataset, Self.everyField)
    }

    /// Parts without the row written last (a writer stopped between parts) are never read.
    @Test func partsWithoutTheirHeadAreNotASnapshot() throws {
        let store = try temporaryStore()
        let workspace = try store.workspace("acme")
        try store.save(Self.everyField, workspace: workspace)
        try store.writeSnapshot(Self.everyField, workspace: workspace, dataVersion: 1, partSize: 64)
        #expect(try store.load(workspace: workspace).fromSnapshot)
        try store.pool.write { try $0.execute(sql: "DELETE FROM dataset_snapshot") }
        #expect(try !store.load(workspace: workspace).fromSnapshot)
        // A new snapshot replaces the leftovers.
        #expect(try store.writeSnapshot(Self.everyField, workspace: workspace, dataVersion: 1, partSize: 1000))
        let loaded = try store.load(workspace: workspace)
        #expect(loaded.fromSnapshot)
        expectSame(loaded.dataset, Self.everyField)
    }

    /// `vitals import` into an empty workspace writes the snapshot from the records it loaded instead of reading
    /// them back: that is right only if the folder's dataset is exactly what the rows give.
    @Test func aFolderImportedIntoAnEmptyWorkspaceIsWhatItsRowsGive() throws {
        let generated = NSTemporaryDirectory() + "vitals-snapshot-folder-\(UUID().uuidString)"
        try DatasetWriter.write(DatasetGenerator.generate(GeneratorOptions(accounts: 150, months: 14, seed: 5)), to: generated)
        defer { try? FileManager.default.removeItem(atPath: generated) }
        for folder in [demo, generated] {
            let loaded = try DatasetLoader.load(directory: folder, reportingCurrency: .usd)
            let store = try temporaryStore()
            let workspace = try store.workspace("acme")
            try store.save(loaded, workspace: workspace)
            let rows = try store.pool.read { try Store.rowDataset($0, workspace: workspace) }
            #expect(DatasetSnapshot.encode(rows) == DatasetSnapshot.encode(loaded))
        }
    }

    @Test func workspacesKeepTheirOwnSnapshots() throws {
        let store = try temporaryStore()
        let a = try store.workspace("a")
        let b = try store.workspace("b")
        try store.save(Self.everyField, workspace: a)
        try store.writeSnapshot(Self.everyField, workspace: a, dataVersion: 1)
        var other = Dataset()
        other.upsert(Account(id: "acc_b", name: "Beta", createdAt: nil, csm: nil, industry: nil, country: nil,
                             referredBy: nil, attributes: [:]))
        try store.save(other, workspace: b)
        try store.writeSnapshot(other, workspace: b, dataVersion: 1)
        #expect(try store.load(workspace: a).dataset.accounts.map(\.id.rawValue) == ["acc_1", "acc_2"])
        #expect(try store.load(workspace: b).dataset.accounts.map(\.id.rawValue) == ["acc_b"])
        #expect(try store.load(workspace: b).fromSnapshot)
    }
}
