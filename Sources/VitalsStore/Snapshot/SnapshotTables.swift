import Foundation
import VitalsCore

/// How a dataset is laid out in the sections of its snapshot: one section per record kind, in the order of
/// `RecordKind.all`, each kept column by column through its fields (`SnapshotRecords.swift`) but usage events, kept in
/// their own columns (`writeUsage`).
enum SnapshotTables {
    typealias Damaged = SnapshotReader.Damaged

    /// Each kind with the fields this build keeps: the head of a snapshot lists them, and a snapshot written by a
    /// build whose kinds or fields differ is not read (the rows are).
    static var signature: [String] {
        RecordKind.all.map { kind in
            kind.name + ": " + (kind.id == .usageEvents ? "columns" : kind.layout.snapshotSignature)
        }
    }

    /// Every currency the money of `dataset` is in, sorted: records name theirs by position in the list.
    static func currencies(_ dataset: Dataset) -> [String] {
        var codes: Set<String> = []
        for kind in RecordKind.all { codes.formUnion(kind.layout.currencies(in: dataset)) }
        return codes.sorted()
    }

    /// Writes the section of `kind`.
    static func write(_ kind: RecordKind, _ dataset: Dataset, currencies: [String: Int], _ w: inout SnapshotWriter) {
        switch kind.id {
        case .accounts: writeAccounts(dataset.accounts, &w)
        case .usageEvents: writeUsage(dataset.usageEvents.columns, &w)
        default: writeRecords(kind.layout, dataset, currencies: currencies, &w)
        }
    }

    private static func writeRecords<Layout: RecordLayoutProtocol>(
        _ layout: Layout, _ dataset: Dataset, currencies: [String: Int], _ w: inout SnapshotWriter
    ) {
        layout.writeSnapshot(layout.records.map { dataset[keyPath: $0] } ?? [], currencies: currencies, &w)
    }

    /// Accounts: their fields, then their custom attributes.
    static func writeAccounts(_ accounts: [Account], _ w: inout SnapshotWriter) {
        Account.layout.writeSnapshot(accounts, currencies: [:], &w)
        for a in accounts { w.put(a.attributes) }
    }

    static func readAccounts(_ r: inout SnapshotReader) throws(Damaged) -> [Account] {
        var accounts = try Account.layout.readSnapshot(&r, currencies: [], accountCount: 0)
        for i in accounts.indices { accounts[i].attributes = try r.map() }
        return accounts
    }

    /// The usage columns: a fixed head (`UsageLayout`: the event count and the width each narrowable column is kept
    /// in), the columns back to back with no count of their own (a reader copies each straight into place, each on a
    /// thread of its own), then the small rest: properties, users and event names. A column is narrowed only when
    /// every value survives exactly: event names to one byte (under 256 names), instants to four bytes past the
    /// earliest (a span under 136 years), durations to single precision (values a Float holds).
    ///
    /// The events' ids are not kept: nothing computed from a snapshot reads them, they stay in the rows, and they
    /// were a third of the bytes to write and read (21 of about 50 an event).
    static func writeUsage(_ c: UsageLog.Columns, _ w: inout SnapshotWriter) {
        let n = c.accounts.count
        let fewNames = c.names.count <= 256
        let earliest = c.times.min() ?? 0
        let nearTimes = c.times.allSatisfy { $0 &- earliest >= 0 && $0 &- earliest <= Int64(UInt32.max) }
        let floatDurations = c.durations.allSatisfy { $0.isNaN || Double(Float($0)) == $0 }
        w.put(UInt64(n))
        w.put(UInt8(fewNames ? 1 : 4))
        w.put(UInt8(nearTimes ? 4 : 8))
        w.put(earliest)
        w.put(UInt8(floatDurations ? 4 : 8))
        w.boundary()
        w.putRaw(c.accounts)
        w.boundary()
        w.putRaw(c.users)
        w.boundary()
        if fewNames { w.putRaw(c.nameIndices.map { UInt8(truncatingIfNeeded: $0) }) } else { w.putRaw(c.nameIndices) }
        w.boundary()
        if nearTimes { w.putRaw(c.times.map { UInt32(truncatingIfNeeded: $0 &- earliest) }) } else { w.putRaw(c.times) }
        w.boundary()
        if floatDurations { w.putRaw(c.durations.map { Float($0) }) } else { w.putRaw(c.durations) }
        w.boundary()
        w.count(c.properties.count)
        for position in c.properties.keys.sorted() {
            w.count(position)
            w.put(c.properties[position]!)
        }
        w.count(c.userIDs.count)
        for id in c.userIDs { w.put(id) }
        w.putArray(c.userAccounts)
        w.count(c.names.count)
        for name in c.names { w.put(name) }
    }
}
