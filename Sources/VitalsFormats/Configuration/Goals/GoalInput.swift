import Foundation
import TOMLKit
import VitalsCore

/// A goal definition as written, in TOML or JSON, before it is checked: one reader (`GoalReader`) serves both.
public indirect enum GoalInput: Sendable, Equatable {
    /// JSON `null`: read as an absent key.
    case null
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case date(CivilDate)
    case array([GoalInput])
    /// Keys in the order written (JSON objects: sorted by key).
    case table([(key: String, value: GoalInput)])

    public static func == (a: GoalInput, b: GoalInput) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.string(let x), .string(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.date(let x), .date(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.table(let x), .table(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: false
        }
    }

    /// What kind of value this is, for error messages.
    var kind: String {
        switch self {
        case .null: "null"
        case .string: "a string"
        case .int: "a whole number"
        case .double: "a number"
        case .bool: "a boolean"
        case .date: "a date"
        case .array: "an array"
        case .table: "a table"
        }
    }

    /// The value of `key` in a table.
    public subscript(key: String) -> GoalInput? {
        guard case .table(let entries) = self else { return nil }
        let value = entries.first { $0.key == key }?.value
        return value == .null ? nil : value
    }

    /// A TOML value (dates as dates; date-times are not used by goals and read as their text).
    public init(toml value: any TOMLValueConvertible) {
        if let table = value.table {
            self = .table(table.keys.compactMap { key in table[key].map { (key, GoalInput(toml: $0)) } })
        } else if let array = value.array {
            self = .array(array.map { GoalInput(toml: $0) })
        } else if let date = value.date {
            self = .date(CivilDate(year: date.year, month: date.month, day: date.day))
        } else if let int = value.int {
            self = .int(int)
        } else if let double = value.double {
            self = .double(double)
        } else if let bool = value.bool {
            self = .bool(bool)
        } else if let string = value.string {
            self = .string(string)
        } else {
            self = .string(value.tomlValue.debugDescription)
        }
    }

    /// Parses JSON text; throws a readable message when it is not JSON.
    public init(json: Data) throws(GoalInputError) {
        do {
            self = try JSONDecoder().decode(JSONValue.self, from: json).input
        } catch {
            throw GoalInputError(message: "the body is not valid JSON")
        }
    }
}

public struct GoalInputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Decodes any JSON value into a `GoalInput`.
private struct JSONValue: Decodable {
    var input: GoalInput

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            input = .null
        } else if let bool = try? container.decode(Bool.self) {
            input = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            input = .int(int)
        } else if let double = try? container.decode(Double.self) {
            input = .double(double)
        } else if let string = try? container.decode(String.self) {
            input = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            input = .array(array.map(\.input))
        } else {
            let object = try container.decode([String: JSONValue].self)
            input = .table(object.keys.sorted().map { ($0, object[$0]!.input) })
        }
    }
}
