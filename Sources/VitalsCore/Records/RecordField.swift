/// The value of one column of one record, in the form every store and file keeps it: the stores, the snapshot and
/// the CSV writer read and write a record through its kind's fields (`RecordLayout`) as these values, so that none of
/// them names a column.
public enum FieldValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case number(Double)
    case flag(Bool)
    case time(Timestamp)
    case account(AccountIndex)
    /// An amount with its currency (which is also a column of its own).
    case money(Money)
}

/// How a column's values are kept: which `FieldValue` it holds.
public enum FieldStorage: String, Sendable, Hashable {
    case text, integer, number, flag, time, account, money
}

/// One column of a record kind with the way to read it from a record and write it into one.
public struct RecordField<Record>: Sendable {
    public let column: RecordColumn
    /// The record's value of the column.
    public let get: @Sendable (Record) -> FieldValue
    /// Sets the column's value of a record; false when the value is not one the column holds.
    public let set: @Sendable (inout Record, FieldValue) -> Bool
    /// The column's values of `records[range]`, in order.
    public let gather: @Sendable (_ records: [Record], _ range: Range<Int>) -> [FieldValue]
    /// Sets the column of every record from `source`, in order (a column `writeColumn` wrote).
    public let readColumn: @Sendable (_ records: inout [Record], _ source: any FieldSource) throws -> Void
    /// Writes the column of every record to `sink`, in order.
    public let writeColumn: @Sendable (_ records: [Record], _ sink: any FieldSink) -> Void
    /// Which values the column holds.
    public let storage: FieldStorage
    /// Whether the column may hold no value (`FieldValue.null`).
    public let optional: Bool

    public var name: String { column.name }

    /// A column held in the property at `keyPath`.
    public init<Value: FieldRepresentable>(
        _ name: String, _ type: ColumnType, required: Bool = false, default defaultValue: String? = nil,
        _ meaning: String = "", _ keyPath: any WritableKeyPath<Record, Value> & Sendable
    ) {
        column = RecordColumn(name, type, required: required, default: defaultValue, meaning)
        storage = Value.storage
        optional = Value(fieldValue: .null) != nil
        get = { $0[keyPath: keyPath].fieldValue }
        set = { record, value in
            guard let typed = Value(fieldValue: value) else { return false }
            record[keyPath: keyPath] = typed
            return true
        }
        // A stored property is reached at its offset in the record, as `MemoryLayout.offset(of:)` documents: a
        // whole column is read or written in one loop, not through the key path (a call into the runtime) per value.
        if let offset = MemoryLayout<Record>.offset(of: keyPath) {
            let stride = MemoryLayout<Record>.stride
            gather = { records, range in
                records.withUnsafeBufferPointer { buffer in
                    let base = UnsafeRawPointer(buffer.baseAddress!)
                    return range.map { i in
                        (base + i * stride + offset).assumingMemoryBound(to: Value.self).pointee.fieldValue
                    }
                }
            }
            readColumn = { records, source in
                try records.withUnsafeMutableBufferPointer { buffer in
                    guard let address = buffer.baseAddress else { return }
                    let base = UnsafeMutableRawPointer(address)
                    for i in buffer.indices {
                        (base + i * stride + offset).assumingMemoryBound(to: Value.self).pointee =
                            try Value.read(from: source)
                    }
                }
            }
            writeColumn = { records, sink in
                records.withUnsafeBufferPointer { buffer in
                    guard let address = buffer.baseAddress else { return }
                    let base = UnsafeRawPointer(address)
                    for i in buffer.indices {
                        (base + i * stride + offset).assumingMemoryBound(to: Value.self).pointee.write(to: sink)
                    }
                }
            }
        } else {
            gather = { records, range in range.map { records[$0][keyPath: keyPath].fieldValue } }
            readColumn = { records, source in
                for i in records.indices { records[i][keyPath: keyPath] = try Value.read(from: source) }
            }
            writeColumn = { records, sink in
                for record in records { record[keyPath: keyPath].write(to: sink) }
            }
        }
    }

    /// A column whose value is worked out from the record's properties (a discount in the amount's currency).
    public init(
        _ name: String, _ type: ColumnType, required: Bool = false, default defaultValue: String? = nil,
        _ meaning: String = "", storage: FieldStorage, optional: Bool, get: @escaping @Sendable (Record) -> FieldValue,
        set: @escaping @Sendable (inout Record, FieldValue) -> Bool
    ) {
        column = RecordColumn(name, type, required: required, default: defaultValue, meaning)
        self.storage = storage
        self.optional = optional
        self.get = get
        self.set = set
        gather = { records, range in range.map { get(records[$0]) } }
        readColumn = { records, source in
            for i in records.indices {
                let value = try FieldValue.read(storage, optional: optional, from: source)
                guard set(&records[i], value) else { throw FieldSourceMismatch() }
            }
        }
        writeColumn = { records, sink in
            for record in records { get(record).write(storage, optional: optional, to: sink) }
        }
    }
}

/// A record kind's fields, with where a dataset keeps its records.
///
/// The stores, the snapshot and the writers reach a kind's records through `any RecordLayoutProtocol`, where
/// generic code is not specialised: the loops over records and fields are therefore closures made when the layout is
/// (`RecordLayout.init`, where the record's type is known), and only values cross the boundary.
public protocol RecordLayoutProtocol: Sendable {
    associatedtype Record: Sendable
    var fields: [RecordField<Record>] { get }
    /// A record every field of which is then set (`decode`).
    var blank: Record { get }
    /// The dataset's array of the kind's records; `nil` for the kinds a dataset keeps otherwise (accounts, with their
    /// index, and usage events, in columns).
    var records: WritableKeyPath<Dataset, [Record]>? { get }
    /// Calls `body` with each value of each record (`record`, `field`: positions), record by record.
    func forEachValue(
        of records: [Record], _ body: (_ record: Int, _ field: Int, _ value: FieldValue) throws -> Void
    ) throws
    /// The records there are while `next()` says there is one more (about `expected` of them), each field of each
    /// set from `value(field)`, record by record. Throws `FieldMismatch` for a value its field cannot hold.
    func makeRecords(
        expected: Int, next: () throws -> Bool, _ value: (_ field: Int) throws -> FieldValue
    ) throws -> [Record]
}

// A key path is an immutable object, safe to share.
public struct RecordLayout<Record: Sendable>: RecordLayoutProtocol, @unchecked Sendable {
    public let fields: [RecordField<Record>]
    public let blank: Record
    public let records: WritableKeyPath<Dataset, [Record]>?
    private let visit: @Sendable ([Record], (Int, Int, FieldValue) throws -> Void) throws -> Void
    private let make: @Sendable (Int, () throws -> Bool, (Int) throws -> FieldValue) throws -> [Record]

    public init(
        _ records: WritableKeyPath<Dataset, [Record]>?, blank: Record, _ fields: [RecordField<Record>]
    ) {
        self.records = records
        self.blank = blank
        self.fields = fields
        visit = { records, body in
            // A block of records at a time, column by column (`gather`), then row by row.
            let block = 1 << 14
            for start in stride(from: 0, to: records.count, by: block) {
                let range = start..<min(start + block, records.count)
                let columns = fields.map { $0.gather(records, range) }
                for r in range {
                    for f in columns.indices { try body(r, f, columns[f][r - start]) }
                }
            }
        }
        make = { expected, next, value in
            var out: [Record] = []
            out.reserveCapacity(min(expected, 1 << 24))
            while try next() {
                var record = blank
                for f in fields.indices {
                    let v = try value(f)
                    guard fields[f].set(&record, v) else { throw FieldMismatch(column: fields[f].name, value: v) }
                }
                out.append(record)
            }
            return out
        }
    }

    public func forEachValue(of records: [Record], _ body: (Int, Int, FieldValue) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in try visit(records, body) }
    }

    public func makeRecords(
        expected: Int, next: () throws -> Bool, _ value: (Int) throws -> FieldValue
    ) throws -> [Record] {
        try withoutActuallyEscaping(next) { next in
            try withoutActuallyEscaping(value) { value in try make(expected, next, value) }
        }
    }
}

extension RecordLayoutProtocol {
    /// The record whose fields have `values` (one per field, in order); the name of the first field a value does not
    /// fit, when one does not.
    public func decode(_ values: [FieldValue]) -> Result<Record, FieldMismatch> {
        var record = blank
        for (field, value) in zip(fields, values) where !field.set(&record, value) {
            return .failure(FieldMismatch(column: field.name, value: value))
        }
        return .success(record)
    }
}

/// A value that does not fit its column (a stored row or snapshot from a build whose columns differ).
public struct FieldMismatch: Error, Sendable, CustomStringConvertible {
    public let column: String
    public let value: FieldValue
    public var description: String { "\(column) cannot hold \(value)" }
}

extension RecordLayoutProtocol {
    /// How many records of the kind `dataset` holds in its array (0 for kinds it keeps otherwise).
    public func count(in dataset: Dataset) -> Int { records.map { dataset[keyPath: $0].count } ?? 0 }
}

extension Dataset {
    /// The records of every kind.
    public var recordCount: Int {
        RecordKind.all.reduce(accounts.count + usageEvents.count) { $0 + $1.layout.count(in: self) }
    }
}
