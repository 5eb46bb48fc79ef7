import Foundation
import VitalsCore

/// The rows of a large canonical file read straight from its bytes, for the files that come by the hundred thousand
/// or the million after usage events (survey_responses.csv, tickets.csv, subscriptions.csv): no `CSVTable`, no column
/// lookup by name, no per-row arrays.
///
/// It only reads well-formed files. Every accessor throws `GiveUp` where the general reader (`RecordRow` and
/// `RecordReader`) would log a problem or take a path this one does not (an account not in accounts.csv, an id that
/// is not strictly greater than the one before, so possibly repeated): the caller then drops what it read and lets
/// the general reader take the whole file, so messages, their order and their lines are those of the general reader.
/// Values are decoded by the same functions as there (`FastNumber.parse`, `Timestamp.parse`), on the same trimmed
/// bytes.
struct FastCSVRows {
    /// Thrown when the file needs the general reader.
    struct GiveUp: Error {}

    private var scanner: CSVRowScanner
    private let fields: UnsafeMutableBufferPointer<CSVParser.Field>
    private var fieldCount = 0
    /// The header's column positions, by lowercased name.
    let columns: HeaderColumns
    /// A timestamp parser for each column (`TimestampColumnParser`).
    private var timestampParsers: [TimestampColumnParser]
    private let accounts: StringInterner
    private var lastAccount: (range: Range<Int>, index: Int32)?
    /// The previous row's id, `previousCount` bytes of scratch memory (compared with each row's, copied over).
    private let previousID: UnsafeMutableBufferPointer<UInt8>
    private var previousCount = 0
    /// Line ends counted so far: `linesBefore` of them in the bytes before `countedTo`.
    private var countedTo = 0
    private var linesBefore = 0

    /// Reads the header of `bytes` and calls `body` with the rows; `nil` if the header is missing, repeats a column
    /// or lacks one of `kind`'s required columns, if `body` gives up, or if the header has a column of `kind` that
    /// `body` never looked up (one added to the kind's description after the fast path was written: the general
    /// reader reads every column).
    static func read<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, kind: RecordKind, accounts: StringInterner,
        _ body: (inout FastCSVRows) throws(GiveUp) -> R
    ) -> R? {
        var scanner = CSVRowScanner(bytes)
        var columns: [String: Int] = [:]
        let capacity = 64
        let previousID = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: idCapacity)
        defer { previousID.deallocate() }
        return withUnsafeTemporaryAllocation(of: CSVParser.Field.self, capacity: capacity) { fields -> R? in
            guard case .fields(let n) = scanner.next(into: fields), n <= capacity else { return nil }
            for (i, field) in fields.prefix(n).enumerated() {
                let name = scanner.string(field).trimmingWhitespace().lowercased()
                guard columns[name] == nil else { return nil }
                columns[name] = i
            }
            guard kind.requiredColumns.allSatisfy({ columns[$0] != nil }) else { return nil }
            let header = HeaderColumns(columns)
            var rows = FastCSVRows(
                scanner: scanner, fields: fields, columns: header, accounts: accounts, previousID: previousID)
            guard let result = try? body(&rows),
                kind.columns.allSatisfy({ columns[$0.name] == nil || header.looked.contains($0.name) })
            else { return nil }
            return result
        }
    }

    private init(
        scanner: CSVRowScanner, fields: UnsafeMutableBufferPointer<CSVParser.Field>, columns: HeaderColumns,
        accounts: StringInterner, previousID: UnsafeMutableBufferPointer<UInt8>
    ) {
        self.previousID = previousID
        self.scanner = scanner
        self.fields = fields
        self.columns = columns
        timestampParsers = Array(repeating: TimestampColumnParser(), count: columns.positions.count)
        self.accounts = accounts
    }

    /// Moves to the next row; false at the end.
    mutating func next() throws(GiveUp) -> Bool {
        switch scanner.next(into: fields) {
        case .end: return false
        case .malformed: throw GiveUp()
        case .fields(let n):
            fieldCount = n
            return true
        }
    }

    /// The 1-based line on which the current row starts (`CSVParser.line`): line ends are counted up to it as the
    /// rows go, so a file read in order costs one `memchr` or two per row.
    mutating func line() -> Int {
        let start = scanner.rowStart
        let base = scanner.bytes.baseAddress!
        while countedTo < start, let found = memchr(base + countedTo, 0x0A, start - countedTo) {
            linesBefore += 1
            countedTo = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
        }
        countedTo = max(countedTo, start)
        return linesBefore + 1
    }

    /// The trimmed field at `position`, `nil` when the column or the value is absent (as `RecordRow`).
    @inline(__always)
    fileprivate func field(_ position: Int?) -> CSVParser.Field? {
        guard let position, position < fieldCount else { return nil }
        let field = scanner.trimmed(fields[position])
        return field.end > field.start ? field : nil
    }

    func text(_ position: Int?) -> String? { field(position).map { scanner.string($0) } }

    /// The field at `position` as it stands, spaces kept (`RecordRow.extraText`, for custom attributes); `nil` when
    /// absent or empty.
    func untrimmedText(_ position: Int) -> String? {
        guard position < fieldCount, fields[position].end > fields[position].start else { return nil }
        return scanner.string(fields[position])
    }

    func required(_ position: Int?) throws(GiveUp) -> String {
        guard let text = text(position) else { throw GiveUp() }
        return text
    }

    /// A number, `nil` when absent.
    func decimal(_ position: Int?) throws(GiveUp) -> Double? {
        guard let field = field(position) else { return nil }
        guard let value = scanner.withBytes(field, FastNumber.parse) else { throw GiveUp() }
        return value
    }

    /// A required amount in `currency` (`RecordRow.money`).
    func money(_ position: Int?, currency: CurrencyCode) throws(GiveUp) -> Money {
        guard let money = try optionalMoney(position, currency: currency) else { throw GiveUp() }
        return money
    }

    /// An amount in `currency` (`RecordRow.money`), `nil` when absent: read from the field's bytes.
    func optionalMoney(_ position: Int?, currency: CurrencyCode) throws(GiveUp) -> Money? {
        guard let field = field(position) else { return nil }
        guard let parsed = scanner.withBytes(field, { try? Money.parse(utf8: $0, currency: currency) }) else {
            throw GiveUp()
        }
        return parsed
    }

    /// A whole number in `range` (`RecordRow.integer`), `nil` when absent.
    func integer(_ position: Int?, range: ClosedRange<Int>) throws(GiveUp) -> Int? {
        guard let value = try decimal(position) else { return nil }
        guard value == value.rounded(), let number = Int(exactly: value), range.contains(number) else { throw GiveUp() }
        return number
    }

    mutating func timestamp(_ position: Int?) throws(GiveUp) -> Timestamp? {
        guard let position, let field = field(position) else { return nil }
        // Each column has its parser, which remembers the column's last month.
        let parsed = scanner.withBytes(field) { bytes in
            timestampParsers[position].parse(bytes) ?? (try? Timestamp.parse(utf8: bytes))
        }
        guard let parsed else { throw GiveUp() }
        return parsed
    }

    /// Whether the field at `position` has a value.
    func has(_ position: Int?) -> Bool { field(position) != nil }

    /// The flag `text` stands for (`RecordRow.boolean`), `nil` if none.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "y", "t": true
        case "false", "0", "no", "n", "f": false
        default: nil
        }
    }

    /// The account of a row, which must be among `accounts` (rows of one account come together, so the last one is
    /// remembered).
    mutating func account(_ position: Int?) throws(GiveUp) -> AccountIndex {
        guard let field = field(position) else { throw GiveUp() }
        let base = scanner.bytes.baseAddress!
        if !field.escaped, let last = lastAccount,
            IDOrder.same(
                UnsafeBufferPointer(start: base + last.range.lowerBound, count: last.range.count),
                UnsafeBufferPointer(start: base + field.start, count: field.end - field.start))
        {
            return AccountIndex(Int(last.index))
        }
        // Files list accounts in the order of accounts.csv, mostly: the one after the last is tried first.
        let hint = (lastAccount?.index ?? -1) &+ 1
        guard let index = scanner.withBytes(field, { accounts.find($0, hint: hint) }) else { throw GiveUp() }
        if !field.escaped { lastAccount = (field.start..<field.end, index) }
        return AccountIndex(Int(index))
    }

    /// A required id, which must sort after the previous row's (byte order): then no id repeats, and the general
    /// reader's check for repeats has nothing to report. Exports list ids in order; other files take the general path,
    /// as do ids longer than `idCapacity` bytes.
    mutating func ascendingID(_ position: Int?) throws(GiveUp) -> String {
        guard let field = field(position) else { throw GiveUp() }
        let previous = previousID
        var count = previousCount
        let id = scanner.withBytes(field) { bytes -> String? in
            guard bytes.count <= previous.count, IDOrder.precedes(UnsafeBufferPointer(rebasing: previous[..<count]), bytes),
                !hasControlCharacter(bytes)
            else { return nil }
            previous.baseAddress!.update(from: bytes.baseAddress!, count: bytes.count)
            count = bytes.count
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let id else { throw GiveUp() }
        previousCount = count
        return id
    }

    /// The longest id `ascendingID` takes.
    static let idCapacity = 256
}

extension FastCSVRows {
    /// An enumeration's case by its raw value or, failing that, the lower-cased one (`RecordRow.choice`).
    static func choice<E: RawRepresentable>(_ text: String) -> E? where E.RawValue == String {
        E(rawValue: text) ?? E(rawValue: text.lowercased())
    }
}

/// The values of an enumeration-like column met so far, by their bytes: a file names a handful, and matching the
/// bytes is cheaper than making each row's text and parsing it (`RecordRow.choice`, `RecordRow.currency`). Only the
/// first `kept` are kept: a column with more (plan names, say) has the rest parsed row by row.
struct KnownValues<Value> {
    private var known: [(bytes: [UInt8], value: Value)] = []
    private static var kept: Int { 32 }

    /// The value `bytes` stand for, as `parse` reads their text the first time; `nil` if it reads none.
    mutating func value(_ bytes: UnsafeBufferPointer<UInt8>, _ parse: (String) -> Value?) -> Value? {
        for entry in known where entry.bytes.withUnsafeBufferPointer({ IDOrder.same($0, bytes) }) { return entry.value }
        guard let value = parse(String(decoding: bytes, as: UTF8.self)) else { return nil }
        if known.count < Self.kept { known.append((Array(bytes), value)) }
        return value
    }
}

extension FastCSVRows {
    /// The value of an enumeration-like field, read by `parse` the first time its text is met (`KnownValues`);
    /// `nil` when the field is absent.
    func known<Value>(
        _ position: Int?, in values: inout KnownValues<Value>, _ parse: (String) -> Value?
    ) throws(GiveUp) -> Value? {
        guard let field = field(position) else { return nil }
        guard let value = scanner.withBytes(field, { values.value($0, parse) }) else { throw GiveUp() }
        return value
    }

    /// `known`, for a required field.
    func requiredKnown<Value>(
        _ position: Int?, in values: inout KnownValues<Value>, _ parse: (String) -> Value?
    ) throws(GiveUp) -> Value {
        guard let value = try known(position, in: &values, parse) else { throw GiveUp() }
        return value
    }
}

/// The columns of a header by lowercased name, remembering which a fast path looked up.
final class HeaderColumns {
    let positions: [String: Int]
    private(set) var looked: Set<String> = []

    init(_ positions: [String: Int]) { self.positions = positions }

    subscript(name: String) -> Int? {
        looked.insert(name)
        return positions[name]
    }
}
