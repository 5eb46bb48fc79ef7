/// A type a record's property can have when a field reads and writes it through a key path.
public protocol FieldRepresentable: Sendable {
    static var storage: FieldStorage { get }
    var fieldValue: FieldValue { get }
    /// The value held in `fieldValue`; `nil` when it is not one of this type.
    init?(fieldValue: FieldValue)
    /// The next value of `source` (a column being read); throws `FieldSourceMismatch` when it is not one of this type.
    static func read(from source: any FieldSource) throws -> Self
    /// Writes the value to `sink` (a column being written).
    func write(to sink: any FieldSink)
}

/// Where the values of a column are read from one after another (a snapshot's column), each as its type: a whole
/// column is read straight into the records, with no `FieldValue` in between.
public protocol FieldSource: AnyObject {
    /// Whether an optional value follows.
    func isPresent() throws -> Bool
    func text() throws -> String
    func integer() throws -> Int64
    func number() throws -> Double
    func flag() throws -> Bool
    func time() throws -> Timestamp
    func account() throws -> AccountIndex
    func money() throws -> Money
}

/// Where the values of a column are written one after another (`FieldSource` reads them back).
public protocol FieldSink: AnyObject {
    /// Whether an optional value follows.
    func presence(_ present: Bool)
    func text(_ value: String)
    func integer(_ value: Int64)
    func number(_ value: Double)
    func flag(_ value: Bool)
    func time(_ value: Timestamp)
    func account(_ value: AccountIndex)
    func money(_ value: Money)
}

/// A value read from a column that its field cannot hold (a word outside its set, a number out of range).
public struct FieldSourceMismatch: Error, Sendable {}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw FieldSourceMismatch() }
        return self
    }
}

extension FieldValue {
    /// The next value of `source`, kept as `storage` says (for fields without a key path).
    static func read(_ storage: FieldStorage, optional: Bool, from source: any FieldSource) throws -> FieldValue {
        if optional, !(try source.isPresent()) { return .null }
        return switch storage {
        case .text: .text(try source.text())
        case .integer: .integer(try source.integer())
        case .number: .number(try source.number())
        case .flag: .flag(try source.flag())
        case .time: .time(try source.time())
        case .account: .account(try source.account())
        case .money: .money(try source.money())
        }
    }

    /// Writes the value as `read` reads it back.
    func write(_ storage: FieldStorage, optional: Bool, to sink: any FieldSink) {
        if optional { sink.presence(self != .null) }
        switch (storage, self) {
        case (_, .null) where optional: break
        case (.text, .text(let v)): sink.text(v)
        case (.integer, .integer(let v)): sink.integer(v)
        case (.number, .number(let v)): sink.number(v)
        case (.flag, .flag(let v)): sink.flag(v)
        case (.time, .time(let v)): sink.time(v)
        case (.account, .account(let v)): sink.account(v)
        case (.money, .money(let v)): sink.money(v)
        // A value of another kind cannot come from a field's own `get`; the column's zero keeps the bytes aligned.
        case (.text, _): sink.text("")
        case (.integer, _): sink.integer(0)
        case (.number, _): sink.number(0)
        case (.flag, _): sink.flag(false)
        case (.time, _): sink.time(Timestamp(seconds: 0))
        case (.account, _): sink.account(AccountIndex(0))
        case (.money, _): sink.money(Money(minorUnits: 0, currency: .usd))
        }
    }
}

extension String: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.text() }
    public func write(to sink: any FieldSink) { sink.text(self) }
    public static var storage: FieldStorage { .text }
    public var fieldValue: FieldValue { .text(self) }
    public init?(fieldValue: FieldValue) {
        guard case .text(let text) = fieldValue else { return nil }
        self = text
    }
}

extension Int: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try Int(exactly: source.integer()).orThrow() }
    public func write(to sink: any FieldSink) { sink.integer(Int64(self)) }
    public static var storage: FieldStorage { .integer }
    public var fieldValue: FieldValue { .integer(Int64(self)) }
    public init?(fieldValue: FieldValue) {
        guard case .integer(let n) = fieldValue, let value = Int(exactly: n) else { return nil }
        self = value
    }
}

extension Double: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.number() }
    public func write(to sink: any FieldSink) { sink.number(self) }
    public static var storage: FieldStorage { .number }
    public var fieldValue: FieldValue { .number(self) }
    public init?(fieldValue: FieldValue) {
        guard case .number(let x) = fieldValue else { return nil }
        self = x
    }
}

extension Bool: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.flag() }
    public func write(to sink: any FieldSink) { sink.flag(self) }
    public static var storage: FieldStorage { .flag }
    public var fieldValue: FieldValue { .flag(self) }
    public init?(fieldValue: FieldValue) {
        guard case .flag(let flag) = fieldValue else { return nil }
        self = flag
    }
}

extension Timestamp: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.time() }
    public func write(to sink: any FieldSink) { sink.time(self) }
    public static var storage: FieldStorage { .time }
    public var fieldValue: FieldValue { .time(self) }
    public init?(fieldValue: FieldValue) {
        guard case .time(let t) = fieldValue else { return nil }
        self = t
    }
}

extension AccountIndex: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.account() }
    public func write(to sink: any FieldSink) { sink.account(self) }
    public static var storage: FieldStorage { .account }
    public var fieldValue: FieldValue { .account(self) }
    public init?(fieldValue: FieldValue) {
        guard case .account(let a) = fieldValue else { return nil }
        self = a
    }
}

extension Money: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try source.money() }
    public func write(to sink: any FieldSink) { sink.money(self) }
    public static var storage: FieldStorage { .money }
    public var fieldValue: FieldValue { .money(self) }
    public init?(fieldValue: FieldValue) {
        guard case .money(let m) = fieldValue else { return nil }
        self = m
    }
}

extension CurrencyCode: FieldRepresentable {
    public static func read(from source: any FieldSource) throws -> Self { try CurrencyCode(source.text()).orThrow() }
    public func write(to sink: any FieldSink) { sink.text(code) }
    public static var storage: FieldStorage { .text }
    public var fieldValue: FieldValue { .text(code) }
    public init?(fieldValue: FieldValue) {
        guard case .text(let code) = fieldValue else { return nil }
        self.init(code)
    }
}

/// Ids and the enumerations of fixed words are kept as their text.
extension FieldRepresentable where Self: RawRepresentable, RawValue == String {
    public static func read(from source: any FieldSource) throws -> Self {
        try Self(rawValue: source.text()).orThrow()
    }
    public func write(to sink: any FieldSink) { sink.text(rawValue) }
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
    public static func read(from source: any FieldSource) throws -> Self {
        try source.isPresent() ? try Wrapped.read(from: source) : nil
    }
    public func write(to sink: any FieldSink) {
        sink.presence(self != nil)
        self?.write(to: sink)
    }
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

