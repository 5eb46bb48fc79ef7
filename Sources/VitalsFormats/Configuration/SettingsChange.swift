import Foundation
import TOMLKit

/// What changed between two texts of a settings section, for the audit log: `gross_margin: 0.8 -> 0.75;
/// alerts.rules['drop'].points: 20 -> 15; alerts.rules['late']: added`. Tables in arrays are named by their `name`.
public enum SettingsChange {
    public static func describe(from old: String, to new: String) -> String {
        let before = flatten(old), after = flatten(new)
        var parts: [String] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            switch (before[key], after[key]) {
            case let (a?, b?) where a != b: parts.append("\(key): \(a) -> \(b)")
            case let (a?, nil): parts.append("\(key): \(a) removed")
            case let (nil, b?): parts.append("\(key): \(b) set")
            default: break
            }
        }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }

    /// Every value of a TOML text by its dotted key.
    static func flatten(_ text: String) -> [String: String] {
        guard let root = try? TOMLTable(string: text) else { return [:] }
        var out: [String: String] = [:]
        walk(root, prefix: "", into: &out)
        return out
    }

    private static func walk(_ table: TOMLTable, prefix: String, into out: inout [String: String]) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let inner = value.table {
                walk(inner, prefix: path, into: &out)
            } else if let array = value.array, !array.isEmpty, array.allSatisfy({ $0.table != nil }) {
                for (i, element) in array.enumerated() {
                    let name = element.table?["name"]?.string.map { "'\($0)'" } ?? "#\(i + 1)"
                    walk(element.table!, prefix: "\(path)[\(name)]", into: &out)
                }
            } else {
                out[path] = scalar(value)
            }
        }
    }

    private static func scalar(_ value: any TOMLValueConvertible) -> String {
        if let s = value.string { return "\"\(s)\"" }
        if let i = value.int { return String(i) }
        if let d = value.double { return HealthConfigWriter.format(d) }
        if let b = value.bool { return String(b) }
        if let array = value.array { return "[" + array.map { scalar($0) }.joined(separator: ", ") + "]" }
        return "\(value)"
    }
}
