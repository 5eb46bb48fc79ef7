import Foundation
import TOMLKit

/// The entries of an array-of-tables section (`[[alerts.rules]]`, `[[playbooks]]`) as the dashboard edits them: one
/// flat table per entry, named by its `name`, each value as the TOML text it has (`15`, `"warning"`, `["red"]`).
public struct SettingsEntries: Sendable, Equatable {
    /// One entry: its keys in the order they were written, with their values as TOML text.
    public struct Entry: Sendable, Equatable {
        public var fields: [(key: String, value: String)]
        public init(fields: [(key: String, value: String)]) { self.fields = fields }
        public var name: String { string("name") ?? "" }
        /// The value of `key` as TOML text.
        public subscript(key: String) -> String? { fields.first { $0.key == key }?.value }
        /// The value of `key` when it is a string.
        public func string(_ key: String) -> String? { (try? TOMLTable(string: "v = \(self[key] ?? "")"))?["v"]?.string }
        /// The value of `key` when it is a list of strings (or one string).
        public func strings(_ key: String) -> [String] {
            guard let value = (try? TOMLTable(string: "v = \(self[key] ?? "")"))?["v"] else { return [] }
            if let s = value.string { return [s] }
            return value.array?.compactMap(\.string) ?? []
        }

        public static func == (a: Entry, b: Entry) -> Bool { a.fields.elementsEqual(b.fields) { $0 == $1 } }
    }

    /// `alerts.rules` or `playbooks`.
    public var section: String
    public var entries: [Entry]

    /// The entries of `section` in `text` (the section's TOML, or a whole configuration).
    public init(section: String, text: String) {
        self.section = section
        entries = []
        guard let root = try? TOMLTable(string: text) else { return }
        let list = section == SettingsSections.alertRules ? root["alerts"]?.table?["rules"]?.array : root[section]?.array
        guard let list else { return }
        for element in list {
            guard let table = element.table else { continue }
            var fields: [(key: String, value: String)] = []
            for key in table.keys {
                guard let value = table[key] else { continue }
                // Each value written on its own as `v = ...` (an array may span lines: joined into one).
                let one = TOMLTable()
                one["v"] = value
                let written = one.convert(to: .toml).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
                guard let eq = written.firstIndex(of: "=") else { continue }
                fields.append((key, String(written[written.index(after: eq)...]).trimmingCharacters(in: .whitespaces)))
            }
            entries.append(Entry(fields: fields))
        }
    }

    /// The header of each entry: `[[alerts.rules]]` or `[[playbooks]]`.
    public var header: String { "[[\(section)]]" }

    /// The section's TOML: each entry under its header (empty when there are none: no rules, no playbooks).
    public var text: String {
        entries.map { entry in ([header] + entry.fields.map { "\($0.key) = \($0.value)" }).joined(separator: "\n") + "\n" }
            .joined(separator: "\n")
    }

    /// The entry named `name` replaced by `entry` (or added at the end when `name` is nil or not found); removed when
    /// `entry` is nil.
    public func replacing(_ name: String?, with entry: Entry?) -> SettingsEntries {
        var copy = self
        if let name, let i = entries.firstIndex(where: { $0.name == name }) {
            if let entry { copy.entries[i] = entry } else { copy.entries.remove(at: i) }
        } else if let entry {
            copy.entries.append(entry)
        }
        return copy
    }
}
