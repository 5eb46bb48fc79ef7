import VitalsCore

/// The column table of a record kind as docs/data-format.md prints it, written from the kind's description (a test
/// checks that the document holds exactly these tables).
public enum DataFormatTable {
    public static func markdown(_ kind: RecordKind) -> String {
        var lines = ["| column | req | type | default | meaning |", "|---|---|---|---|---|"]
        for column in kind.columns {
            let cells = [column.name, column.required ? "*" : "", column.type.documented, column.defaultValue ?? "", column.meaning]
            lines.append("|" + cells.map { $0.isEmpty ? " " : " \($0) " }.joined(separator: "|") + "|")
        }
        if let other = kind.otherColumns { lines.append("| *any other* | | text | | \(other) |") }
        return lines.joined(separator: "\n")
    }
}
