import Foundation
import VitalsCore

/// A dataset as one block of bytes: what the store keeps beside its rows so that a report or a server's first load
/// reads a workspace in a fraction of a second instead of stepping through tens of millions of rows.
///
/// The bytes hold a header (format, byte order), a head (currencies, and the fields of each record kind) and one
/// section per record kind (`SnapshotTables`). Usage events, by far the largest table,
/// are stored by column (`UsageLog.Columns`), each column copied whole, without the events' ids (a dataset read from
/// the store has none: `UsageLog.hasIDs`); the other tables record by record. Sections decode independently, on
/// every core.
public enum DatasetSnapshot {
    /// Raised for bytes that are not a snapshot of this format: the caller reads the rows instead.
    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    static let magic: UInt64 = 0x5053_4E53_4C54_4956  // "VITLSNSP" read as little-endian
    /// Bumped whenever the layout below changes; an older snapshot is then simply not used.
    static let format: UInt32 = 8
    static let byteOrderMark: UInt32 = 0x0102_0304

    public static func encode(_ dataset: Dataset) -> [UInt8] { encodeWithBoundaries(dataset).bytes }

    /// The bytes of `dataset` and the offsets where a reader starts reading on its own (`SnapshotWriter.boundaries`).
    static func encodeWithBoundaries(_ dataset: Dataset) -> (bytes: [UInt8], boundaries: [Int]) {
        let currencies = SnapshotTables.currencies(dataset)
        let index = Dictionary(uniqueKeysWithValues: currencies.enumerated().map { ($1, $0) })

        // About the size of the usage columns, which dominate: one allocation for most datasets.
        var w = SnapshotWriter(capacity: 1 << 16 + dataset.usageEvents.count * 48
            + (dataset.recordCount - dataset.usageEvents.count) * 64)
        w.put(magic)
        w.put(format)
        w.put(byteOrderMark)
        w.section { w in
            w.count(currencies.count)
            for code in currencies { w.put(code) }
            let signature = SnapshotTables.signature
            w.count(signature.count)
            for kind in signature { w.put(kind) }
        }
        for kind in RecordKind.all {
            w.section { w in SnapshotTables.write(kind, dataset, currencies: index, &w) }
        }
        return (w.bytes, w.boundaries)
    }

    /// The dataset `bytes` hold; throws `Unreadable` for anything `encode` did not write.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(Unreadable) -> Dataset {
        try decode(MemoryStorage(bytes: bytes))
    }

    public static func decode(_ bytes: [UInt8]) throws(Unreadable) -> Dataset {
        do {
            return try bytes.withUnsafeBytes { buffer in try decode(buffer) }
        } catch let error as Unreadable {
            throw error
        } catch {
            throw Unreadable(description: "\(error)")
        }
    }

    /// The dataset `storage` holds, its sections decoded side by side; record sections are read through a window of
    /// `window` bytes when the storage is not in memory.
    static func decode(_ storage: some SnapshotStorage, window: Int = 1 << 20) throws(Unreadable) -> Dataset {
        do throws(SnapshotReader.Damaged) {
            guard storage.count >= 16, try storage.fixed(UInt64.self, at: 0) == magic,
                try storage.fixed(UInt32.self, at: 8) == format, try storage.fixed(UInt32.self, at: 12) == byteOrderMark
            else { throw SnapshotReader.Damaged(description: "not a dataset snapshot of format \(format)") }
            return try SnapshotTables.decode(storage, from: 16, window: window)
        } catch {
            throw Unreadable(description: error.description)
        }
    }
}
