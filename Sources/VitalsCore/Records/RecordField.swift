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

/// A type a record's property can have when a field reads and writes it through a key path.
public protocol FieldRepresentable: Sendable {
    static var storage: FieldStorage { get }
    var fieldValue: FieldValue { get }
    /// The value held in `fieldValue`; `nil` when it is not one of this type.
    init?(fieldValue: FieldValue)
}

extension String: FieldRepresentable {
    public static var storage: FieldStorage { .text }
    public var fieldValue: FieldValue { .text(self) }
    public init?(fieldValue: FieldValue) {
        guard case .text(let text) = fieldValue else { return nil }
        self = text
    }
}

extension Int: FieldRepresentable {
    public static var storage: FieldStorage { .integer }
    public var fieldValue: FieldValue { .integer(Int64(self)) }
    public init?(fieldValue: FieldValue) {
        guard case .integer(let n) = fieldValue, let value = Int(exactly: n) else { return nil }
        self = value
    }
}

extension Double: FieldRepresentable {
    public static var storage: FieldStorage { .number }
    public var fieldValue: FieldValue { .number(self) }
    public init?(fieldValue: FieldValue) {
        guard case .number(let x) = fieldValue else { return nil }
        self = x
    }
}

extension Bool: FieldRepresentable {
    public static var storage: FieldStorage { .flag }
    public var fieldValue: FieldValue { .flag(self) }
    public init?(fieldValue: FieldValue) {
        guard case .flag(let flag) = fieldValue else { return nil }
        self = flag
    }
}

extension Timestamp: FieldRepresentable {
    public static var storage: FieldStorage { .time }
    public var fieldValue: FieldValue { .time(self) }
    public init?(fieldValue: FieldValue) {
        guard case .time(let t) = fieldValue else { return nil }
        self = t
    }
}

extension AccountIndex: FieldRepresentable {
    public static var storage: FieldStorage { .account }
    public var fieldValue: FieldValue { .account(self) }
    public init?(fieldValue: FieldValue) {
        guard case .account(let a) = fieldValue else { return nil }
        self = a
    }
}

extension Money: FieldRepresentable {
    public static var storage: FieldStorage { .money }
    public var fieldValue: FieldValue { .money(self) }
    public init?(fieldValue: FieldValue) {
        guard case .money(let m) = fieldValue else { return nil }
        self = m
    }
}

extension CurrencyCode: FieldRepresentable {
    public static var storage: FieldStorage { .text }
    public var fieldValue: FieldValue { .text(code) }
    public init?(fieldValue: FieldValue) {
        guard case .text(let code) = fieldValue else { return nil }
        self.init(code)
    }
}

/// Ids and the enumerations of fixed words are kept as their text.
extension FieldRepresentable where Self: RawRepresentable, RawValue == String {
    public static var storage: FieldStorage { .text }
    public var fieldValue: FieldValue { .text(rawValue) }
    public init?(fieldValue: FieldValue) {
        guard case .text(let text) = fieldValue else { return nil }
        self.init(rawValue: text)
    }
}

extension ID: FieldRepresentable {}
extension BillingInterval: FieldRepresentable {}
extension SubscriptionStatus: FieldRepresentable {}
extension SurveyKind: FieldRepresentable {}
extension LeadSource: FieldRepresentable {}
extension LeadStatus: FieldRepresentable {}

extension Optional: FieldRepresentable where Wrapped: FieldRepresentable {
    public static var storage: FieldStorage { Wrapped.storage }
    public var fieldValue: FieldValue { self?.fieldValue ?? .null }
    public init?(fieldValue: FieldValue) {
        if case .null = fieldValue {
            self = .none
            return
        }
        guard let value = Wrapped(fieldValue: fieldValue) else { return nil }
        self = .some(value)
    }
}

/// One column of a record kind with the way to read it from a record and write it into one.
public struct RecordField<Record>: Sendable {
    public let column: RecordColumn
    /// The record's value of the column.
    public let get: @Sendable (Record) -> FieldValue
    /// Sets the column's value of a record; false when the value is not one the column holds.
    public let set: @Sendable (inout Record, FieldValue) -> Bool
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
    }
}

/// A record kind's fields, with where a dataset keeps its records.
public protocol RecordLayoutProtocol: Sendable {
    associatedtype Record: Sendable
    var fields: [RecordField<Record>] { get }
    /// A record every field of which is then set (`decode`).
    var blank: Record { get }
    /// The dataset's array of the kind's records; `nil` for the kinds a dataset keeps otherwise (accounts, with their
    /// index, and usage events, in columns).
    var records: WritableKeyPath<Dataset, [Record]>? { get }
}

// A key path is an immutable object, safe to share.
public struct RecordLayout<Record: Sendable>: RecordLayoutProtocol, @unchecked Sendable {
    public let fields: [RecordField<Record>]
    public let blank: Record
    public let records: WritableKeyPath<Dataset, [Record]>?

    public init(
        _ records: WritableKeyPath<Dataset, [Record]>?, blank: Record, _ fields: [RecordField<Record>]
    ) {
        self.records = records
        self.blank = blank
        self.fields = fields
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
