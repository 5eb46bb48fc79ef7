import Foundation

/// Lenient reads of JSON objects decoded by `JSONSerialization`, for the vendor formats: a field may be missing or
/// `null`, an id may come as a string or as an expanded object with an `id`, a number as a string.
extension Dictionary where Key == String, Value == Any {
    package func string(_ key: String) -> String? {
        switch self[key] {
        case let text as String: text
        case let number as NSNumber where !number.isBoolean: number.stringValue
        default: nil
        }
    }

    package func int(_ key: String) -> Int64? {
        switch self[key] {
        case let number as NSNumber where !number.isBoolean: number.int64Value
        case let text as String: Int64(text)
        default: nil
        }
    }

    package func double(_ key: String) -> Double? {
        switch self[key] {
        case let number as NSNumber where !number.isBoolean: number.doubleValue
        case let text as String: Double(text)
        default: nil
        }
    }

    package func bool(_ key: String) -> Bool? {
        switch self[key] {
        case let number as NSNumber: number.boolValue
        case let text as String: ["true", "1", "yes"].contains(text.lowercased())
        default: nil
        }
    }

    package func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }

    package func objects(_ key: String) -> [[String: Any]] { (self[key] as? [Any])?.compactMap { $0 as? [String: Any] } ?? [] }

    /// An id given as a string, or as an expanded object's `id`.
    package func id(_ key: String) -> String? {
        if let text = self[key] as? String { return text.isEmpty ? nil : text }
        return object(key)?.string("id")
    }
}

extension NSNumber {
    /// Whether the number came from a JSON `true`/`false`.
    var isBoolean: Bool { String(cString: objCType) == "c" }
}

public enum JSONBody {
    /// The top-level object of `bytes`, or `nil` when it is not a JSON object.
    public static func object(_ bytes: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? [String: Any]
    }

    /// `value` as compact JSON text (strings as themselves).
    package static func text(_ value: Any) -> String {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.isBoolean ? (number.boolValue ? "true" : "false") : number.stringValue }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }
}
