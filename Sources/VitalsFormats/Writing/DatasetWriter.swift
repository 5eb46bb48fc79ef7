import Foundation
import VitalsCore

/// Writes a dataset as a folder of canonical CSV files, the format `DatasetLoader` reads.
///
/// Files are UTF-8 with a header row and RFC 4180 quoting. Money is written in major units (`49.00`) with its
/// currency in a separate column, timestamps in ISO 8601 (`2024-03-01` at midnight, else `2024-03-01T12:30:00Z`),
/// accounts by their external id. Each file is built in a byte buffer and written in large blocks, so tens of
/// millions of usage events take seconds.
public enum DatasetWriter {
    /// Writes every non-empty record array of `dataset` as its canonical file in `directory` (created if needed).
    ///
    /// A canonical file whose array is empty is not written, and an old copy of it in `directory` is removed (as is
    /// any `usage_events.ndjson`), so the folder always loads back as exactly this dataset.
    public static func write(_ dataset: Dataset, to directory: String) throws(DatasetWriteError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(directory, reason: String(describing: error))
        }
        let ids = AccountIDColumn(dataset.accounts)
        let writer = FileWriter(directory: directory)
        for kind in RecordKind.all {
            switch kind.id {
            case .accounts: try writeAccounts(dataset, ids, writer)
            case .usageEvents:
                try writeUsageEvents(dataset, ids, writer)
                try writer.remove("usage_events.ndjson")  // it would load on top of usage_events.csv
            default: try writeRecords(kind.layout, of: kind, dataset, ids, writer)
            }
        }
    }

    /// The canonical file of a kind a dataset keeps in an array: its columns in order.
    private static func writeRecords<Layout: RecordLayoutProtocol>(
        _ layout: Layout, of kind: RecordKind, _ dataset: Dataset, _ ids: AccountIDColumn, _ writer: FileWriter
    ) throws(DatasetWriteError) {
        guard let records = layout.records else { return }
        let rows = dataset[keyPath: records]
        let last = layout.fields.count - 1
        try writer.file(kind.file, isEmpty: rows.isEmpty, capacity: rows.count * 80, header: layout.fields.map(\.name)) {
            out, flush throws(DatasetWriteError) in
            do {
                try layout.forEachValue(of: rows) { _, field, value in
                    write(value, &out, ids, last: field == last)
                    if field == last { try flush(&out) }
                }
            } catch let error as DatasetWriteError {
                throw error
            } catch {
                throw .cannotWrite(kind.file, reason: "\(error)")
            }
        }
    }

    /// One value as the canonical files write it.
    private static func write(_ value: FieldValue, _ out: inout CSVOutput, _ ids: AccountIDColumn, last: Bool) {
        switch value {
        case .null: out.field(nil, last: last)
        case .text(let text): out.field(text, last: last)
        case .integer(let n): out.int(Int(truncatingIfNeeded: n), last: last)
        case .number(let x): out.number(x, last: last)
        case .flag(let flag): out.bool(flag, last: last)
        case .time(let t): out.timestamp(t, last: last)
        case .account(let a): ids.write(a, &out, last: last)
        case .money(let m): out.money(m, last: last)
        }
    }

    /// accounts.csv: the built-in columns, then every custom attribute (sorted by name).
    private static func writeAccounts(
        _ dataset: Dataset, _ ids: AccountIDColumn, _ writer: FileWriter
    ) throws(DatasetWriteError) {
        let fields = Account.layout.fields
        let extra = extraColumns(dataset.accounts.lazy.map(\.attributes), builtIn: Account.builtInAttributes)
        let header = Account.builtInAttributes + extra
        try writer.file(RecordKind.accounts.file, dataset.accounts, header: header) { out, a in
            for (i, field) in fields.enumerated() {
                write(field.get(a), &out, ids, last: extra.isEmpty && i == fields.count - 1)
            }
            for (i, name) in extra.enumerated() { out.field(a.attributes[name], last: i == extra.count - 1) }
        }
    }

    private static let usageColumns = RecordKind.usageEvents.columns.map(\.name)

    /// usage_events.csv: the built-in columns, then every property (sorted by name). Written field by field rather
    /// than through `UsageEvent.layout`: a dataset holds tens of millions of events, in columns.
    private static func writeUsageEvents(
        _ dataset: Dataset, _ ids: AccountIDColumn, _ writer: FileWriter
    ) throws(DatasetWriteError) {
        let extra =
            dataset.usageEvents.hasProperties
            ? extraColumns(dataset.usageEvents.indices.lazy.map(dataset.usageEvents.properties(at:)), builtIn: usageColumns)
            : []
        try writer.file("usage_events.csv", dataset.usageEvents, header: usageColumns + extra, rowBytes: 96) { out, e in
            out.field(e.id.rawValue)
            ids.write(e.account, &out)
            out.field(e.user.rawValue)
            out.field(e.event)
            out.timestamp(e.occurredAt)
            out.number(e.durationSeconds, last: extra.isEmpty)
            if !extra.isEmpty {
                for (i, name) in extra.enumerated() { out.field(e.properties[name], last: i == extra.count - 1) }
            }
        }
    }

    /// The sorted union of the keys of `maps`, leaving out names that are already built-in columns.
    private static func extraColumns(
        _ maps: some Sequence<[String: String]>, builtIn: [String]
    ) -> [String] {
        var names: Set<String> = []
        for map in maps where !map.isEmpty {
            for key in map.keys { names.insert(key) }
        }
        let reserved = Set(builtIn)
        return names.filter { !reserved.contains($0) }.sorted()
    }
}

/// Why a dataset could not be written.
public enum DatasetWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason): "cannot create the folder \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// The external ids of a dataset's accounts, quoted once, for the `account_id` column of every file.
private struct AccountIDColumn {
    private let bytes: [UInt8]
    private let offsets: [Int]

    init(_ accounts: [Account]) {
        var out = CSVOutput(capacity: accounts.count * 12)
        var offsets = [0]
        offsets.reserveCapacity(accounts.count + 1)
        for account in accounts {
            out.field(account.id.rawValue, last: true)
            out.removeLast(1)  // the line end that `last: true` added
            offsets.append(out.count)
        }
        bytes = Array(out.buffer)
        self.offsets = offsets
    }

    /// Appends the account's id and a comma (a line end when it is the `last` field).
    @inline(__always)
    func write(_ account: AccountIndex, _ out: inout CSVOutput, last: Bool = false) {
        let i = account.int
        bytes.withUnsafeBufferPointer { all in
            out.append(UnsafeBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
        }
        out.field(nil, last: last)
    }
}

/// Writes whole CSV files into one directory.
private struct FileWriter {
    let directory: String

    /// Writes `rows` as file `name` (or removes an old copy when there are none), flushing every few megabytes.
    func file<Row>(
        _ name: String, _ rows: some Collection<Row>, header: [String], rowBytes: Int = 80, row: (inout CSVOutput, Row) -> Void
    ) throws(DatasetWriteError) {
        try file(name, isEmpty: rows.isEmpty, capacity: rows.count * rowBytes, header: header) {
            out, flush throws(DatasetWriteError) in
            for item in rows {
                row(&out, item)
                try flush(&out)
            }
        }
    }

    /// Writes file `name` (or removes an old copy when `isEmpty`): the header, then what `body` writes, which calls
    /// `flush` after each row (it writes out every few megabytes).
    func file(
        _ name: String, isEmpty: Bool, capacity: Int, header: [String],
        _ body: (inout CSVOutput, _ flush: (inout CSVOutput) throws(DatasetWriteError) -> Void) throws(DatasetWriteError)
            -> Void
    ) throws(DatasetWriteError) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard !isEmpty else { return try remove(name) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let block = 8 << 20
        var out = CSVOutput(capacity: min(block, capacity) + 4096)
        for (i, column) in header.enumerated() { out.field(column, last: i == header.count - 1) }
        try body(&out) { out throws(DatasetWriteError) in
            if out.count >= block { try flush(&out, to: descriptor, path: path) }
        }
        try flush(&out, to: descriptor, path: path)
    }

    /// Removes file `name` if it exists (a stale copy from an earlier write).
    func remove(_ name: String) throws(DatasetWriteError) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw .cannotWrite(path, reason: String(describing: error))
        }
    }

    private func flush(_ out: inout CSVOutput, to descriptor: Int32, path: String) throws(DatasetWriteError) {
        let buffer = out.buffer
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        out.removeAll()
    }
}
