/// One kind of record a workspace holds (accounts, tickets, usage events...), described once: its names, its columns
/// with their types and defaults, and how a record is named for deletion. The readers, the JSON decoder, the stores,
/// the API's routes and OpenAPI document, and the tables of docs/data-format.md all follow these descriptions
/// (`RecordKind.all`), so that a kind or a column is added in one place.
public struct RecordKind: Sendable, Hashable, Identifiable, CustomStringConvertible {
    public enum ID: String, Sendable, Hashable, CaseIterable, Codable {
        case fxRates = "fx_rates"
        case accounts
        case subscriptions
        case orders
        case trials
        case acquisitionCosts = "acquisition_costs"
        case surveyResponses = "survey_responses"
        case tickets
        case usageEvents = "usage_events"
        case onboarding
        case leads
        case successGoals = "success_goals"
        case csmPulse = "csm_pulse"
        case contacts
        case activities
        case surveyInvitations = "survey_invitations"
    }

    /// How one record of the kind is named, to replace or delete it.
    public enum Key: Sendable, Hashable {
        /// By the value of one id column, unique in a workspace (`DELETE /api/v1/{kind}/{id}`).
        case id(String)
        /// By several columns together (`DELETE /api/v1/{kind}?a=...&b=...`); `optional` may be left out.
        case fields([String], optional: Set<String> = [])
    }

    public let id: ID
    /// The store's table.
    public let table: String
    /// The kind in words, plural: "usage events".
    public let label: String
    /// What one record is.
    public let summary: String
    public let columns: [RecordColumn]
    /// The columns with the way to read and write each in a record: what the stores, the snapshot and the writers go
    /// through.
    public let layout: any RecordLayoutProtocol
    public let key: Key
    /// The columns that name one stored record, when they are not the key's (a subscription's versions).
    public let unique: [String]?
    /// What columns outside `columns` mean, when the kind keeps them (custom attributes, event properties); `nil`
    /// when they are ignored.
    public let otherColumns: String?

    /// The name of the kind everywhere it is spelled as a word: `usage_events` (the file's stem, the API's path, the
    /// JSON's `kind`).
    public init<Layout: RecordLayoutProtocol>(
        id: ID, table: String, label: String, summary: String, layout: Layout, key: Key, unique: [String]? = nil,
        otherColumns: String?
    ) {
        self.id = id
        self.table = table
        self.label = label
        self.summary = summary
        self.columns = layout.fields.map(\.column)
        self.layout = layout
        self.key = key
        self.unique = unique
        self.otherColumns = otherColumns
    }

    public static func == (a: RecordKind, b: RecordKind) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The columns that name one record: the id column, or the key's fields (`unique` when given).
    public var uniqueColumns: [String] {
        if let unique { return unique }
        switch key {
        case .id(let column): return [column]
        case .fields(let columns, _): return columns
        }
    }

    public var name: String { id.rawValue }
    /// The canonical CSV file: `usage_events.csv`.
    public var file: String { name + ".csv" }
    public var description: String { name }

    public var requiredColumns: [String] { columns.filter(\.required).map(\.name) }
    public var optionalColumns: [String] { columns.filter { !$0.required }.map(\.name) }
    public func column(_ name: String) -> RecordColumn? { columns.first { $0.name == name } }

    /// The id column, for kinds named by one.
    public var idColumn: String? {
        if case .id(let column) = key { return column }
        return nil
    }

    /// The kinds in the order they are read: rates, accounts and contacts first, as the others refer to them.
    public static let all: [RecordKind] = [
        .fxRates, .accounts, .contacts, .subscriptions, .orders, .trials, .acquisitionCosts, .surveyResponses, .tickets,
        .usageEvents, .onboarding, .leads, .successGoals, .csmPulse, .activities, .surveyInvitations,
    ]

    public static subscript(id id: ID) -> RecordKind { all.first { $0.id == id }! }

    /// The kind named `name` (`tickets`), or whose canonical file is `name` (`tickets.csv`, and
    /// `usage_events.ndjson`); `nil` for anything else.
    public static func named(_ name: String) -> RecordKind? {
        if let id = ID(rawValue: name) { return self[id: id] }
        if name == "usage_events.ndjson" { return .usageEvents }
        guard name.hasSuffix(".csv") else { return nil }
        return ID(rawValue: String(name.dropLast(4))).map { self[id: $0] }
    }
}

/// One column of a record kind.
public struct RecordColumn: Sendable, Hashable {
    public let name: String
    public let type: ColumnType
    /// Whether the column must be in the header and have a value on every row.
    public let required: Bool
    /// What an empty value means, in words (`1`, `active`, "empty = still running"), or `nil` when it means nothing.
    public let defaultValue: String?
    /// What the column means, for docs/data-format.md and the OpenAPI document.
    public let meaning: String

    public init(_ name: String, _ type: ColumnType, required: Bool = false, default defaultValue: String? = nil, _ meaning: String = "") {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.meaning = meaning
    }
}

/// The type of a column's values, and the checks every value of it passes (docs/data-format.md, "Value types").
public enum ColumnType: Sendable, Hashable {
    /// The record's own id.
    case id
    /// An account's id; the account must exist.
    case account
    case text
    case timestamp
    /// A timestamp meant as a calendar day.
    case date
    /// Money in major units, in the row's currency; `nonNegative` refuses amounts below 0.
    case money(nonNegative: Bool)
    case currency
    case integer(ClosedRange<Int>)
    /// A decimal number, within `range` when one is given.
    case number(ClosedRange<Double>?)
    /// A decimal number greater than 0.
    case positiveNumber
    case boolean
    /// One of a fixed set of words.
    case choice([String])

    /// The type as docs/data-format.md writes it.
    public var documented: String {
        switch self {
        case .id: "id"
        case .account: "account_id"
        case .text: "text"
        case .timestamp: "timestamp"
        case .date: "timestamp (date)"
        case .money(let nonNegative): nonNegative ? "money, ≥ 0" : "money"
        case .currency: "currency"
        case .integer(let range): "integer \(Self.grouped(range.lowerBound))-\(Self.grouped(range.upperBound))"
        case .number(nil): "number"
        case .number(let range?) where range.upperBound == .infinity: "number ≥ \(Self.plain(range.lowerBound))"
        case .number(let range?): "number \(Self.plain(range.lowerBound))-\(Self.plain(range.upperBound))"
        case .positiveNumber: "number > 0"
        case .boolean: "boolean"
        case .choice(let words): "enum " + words.map { "`\($0)`" }.joined(separator: ", ")
        }
    }

    /// 100,000 with separators from five digits on (1000 stays as it is).
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        guard digits.count > 4 else { return digits }
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    public static func plain(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
