import VitalsCore

/// How the records of a kind are kept in their snapshot section, worked out from the kind's fields (`RecordLayout`)
/// so that no column is named here: the record count, then each column's values in order, read straight into the
/// records (`RecordField.readColumn`). Text is UTF-8 with its length, a word of a fixed set its position in the set,
/// numbers and instants fixed-width, accounts by index, money as minor units and the position of its currency in the
/// snapshot's list; an optional value follows a presence flag.
enum SnapshotColumns {
    /// What the head of a snapshot says about a field: a build whose fields differ does not read the snapshot.
    static func signature(_ column: RecordColumn, storage: FieldStorage, optional: Bool) -> String {
        "\(column.name) \(storage.rawValue)\(optional ? "?" : "")" + (words(column).map { "(" + $0.joined(separator: ",") + ")" } ?? "")
    }

    /// The words of a column of fixed words, kept as their position.
    static func words(_ column: RecordColumn) -> [String]? {
        if case .choice(let words) = column.type, words.count <= Int(UInt8.max) { return words }
        return nil
    }
}

/// Writes columns into a snapshot section.
final class SnapshotColumnSink: FieldSink {
    // Only ever reached from one thread, one call at a time: no run-time exclusivity check on each value.
    @exclusivity(unchecked) var writer: SnapshotWriter
    let currencies: [String: Int]
    /// The positions of the current column's words, when it is one of fixed words.
    @exclusivity(unchecked) var words: [String: UInt8]?

    init(_ writer: SnapshotWriter, currencies: [String: Int]) {
        self.writer = writer
        self.currencies = currencies
    }

    func presence(_ present: Bool) { writer.put(present) }
    func text(_ value: String) {
        // A word outside the set cannot be in a record a reader checked; kept as the first rather than misread.
        if let words { writer.put(words[value] ?? 0) } else { writer.put(value) }
    }
    func integer(_ value: Int64) { writer.put(value) }
    func number(_ value: Double) { writer.put(value) }
    func flag(_ value: Bool) { writer.put(value) }
    func time(_ value: Timestamp) { writer.put(value.seconds) }
    func account(_ value: AccountIndex) { writer.put(value.value) }
    func money(_ value: Money) {
        writer.put(value.minorUnits)
        writer.count(currencies[value.currency.code] ?? 0)
    }
}

/// Reads columns of a snapshot section (`SnapshotColumnSink` wrote them).
final class SnapshotColumnSource: FieldSource {
    // Only ever reached from one thread, one call at a time: no run-time exclusivity check on each value.
    @exclusivity(unchecked) var reader: SnapshotReader
    let currencies: [CurrencyCode]
    let accountCount: Int
    /// The current column's words, when it is one of fixed words.
    @exclusivity(unchecked) var words: [String]?

    init(_ reader: SnapshotReader, currencies: [CurrencyCode], accountCount: Int) {
        self.reader = reader
        self.currencies = currencies
        self.accountCount = accountCount
    }

    typealias Damaged = SnapshotReader.Damaged

    func isPresent() throws -> Bool { try reader.bool() }
    func text() throws -> String {
        guard let words else { return try reader.string() }
        let k = Int(try reader.get(UInt8.self))
        guard k < words.count else { throw Damaged(description: "a word's code is out of range") }
        return words[k]
    }
    func integer() throws -> Int64 { try reader.get(Int64.self) }
    func number() throws -> Double { try reader.double() }
    func flag() throws -> Bool { try reader.bool() }
    func time() throws -> Timestamp { Timestamp(seconds: try reader.get(Int64.self)) }
    func account() throws -> AccountIndex {
        let a = try reader.get(Int32.self)
        guard a >= 0, Int(a) < accountCount else { throw Damaged(description: "account \(a) out of range") }
        return AccountIndex(Int(a))
    }
    func money() throws -> Money {
        let minor = try reader.get(Int64.self)
        let k = try reader.count()
        guard k < currencies.count else { throw Damaged(description: "currency \(k) out of range") }
        return Money(minorUnits: minor, currency: currencies[k])
    }
}

extension RecordLayoutProtocol {
    /// The fields as the head of a snapshot lists them.
    var snapshotSignature: String {
        fields.map { SnapshotColumns.signature($0.column, storage: $0.storage, optional: $0.optional) }
            .joined(separator: "; ")
    }

    /// The currencies of the kind's money in `dataset`.
    func currencies(in dataset: Dataset) -> Set<String> {
        guard let records, fields.contains(where: { $0.storage == .money }) else { return [] }
        var codes: Set<String> = []
        try? forEachValue(of: dataset[keyPath: records]) { _, _, value in
            if case .money(let m) = value { codes.insert(m.currency.code) }
        }
        return codes
    }

    /// Writes `records` (the kind's records) column by column.
    func writeSnapshot(_ records: [Record], currencies: [String: Int], _ w: inout SnapshotWriter) {
        w.count(records.count)
        let sink = SnapshotColumnSink(w, currencies: currencies)
        w = SnapshotWriter(capacity: 0)  // the sink holds the bytes meanwhile
        for field in fields {
            sink.words = SnapshotColumns.words(field.column).map {
                Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, UInt8($0)) })
            }
            field.writeColumn(records, sink)
        }
        swap(&w, &sink.writer)
    }

    /// Reads what `writeSnapshot` wrote.
    func readSnapshot(_ r: inout SnapshotReader, currencies: [CurrencyCode], accountCount: Int)
        throws(SnapshotReader.Damaged) -> [Record]
    {
        let n = try r.count()
        // Each column holds a byte a record at least: a count beyond the section's bytes is damage.
        guard n <= r.remaining else { throw SnapshotReader.Damaged(description: "more records than bytes") }
        var records = [Record](repeating: blank, count: n)
        let source = SnapshotColumnSource(r, currencies: currencies, accountCount: accountCount)
        do {
            for field in fields {
                source.words = SnapshotColumns.words(field.column)
                do {
                    try field.readColumn(&records, source)
                } catch is FieldSourceMismatch {
                    throw SnapshotReader.Damaged(description: "a value of \(field.name) does not fit")
                }
            }
        } catch let damaged as SnapshotReader.Damaged {
            throw damaged
        } catch {
            throw SnapshotReader.Damaged(description: "\(error)")
        }
        r = source.reader
        return records
    }

    /// Reads the kind's section into a change of the dataset (for kinds a dataset keeps in an array).
    func snapshotPart(_ r: inout SnapshotReader, currencies: [CurrencyCode], accountCount: Int)
        throws(SnapshotReader.Damaged) -> SnapshotTables.Part
    {
        let values = try readSnapshot(&r, currencies: currencies, accountCount: accountCount)
        guard let records else { return .records { _ in } }
        nonisolated(unsafe) let path = records  // a key path is immutable
        return .records { $0[keyPath: path] = values }
    }
}
