import Foundation

/// Rewrites one weights table of `vitals.toml` in place, keeping every other line (and comment) as it was.
public enum HealthConfigWriter {
    /// `text` with the table `[section]` (e.g. `health.weights` or `health.segments.high.weights`) holding exactly
    /// `weights`; the table is appended when absent.
    public static func setTable(_ section: String, to weights: [(key: String, value: Double)], in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let header = "[\(section)]"
        let body = weights.map { "\($0.key) = \(format($0.value))" }
        if let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == header }) {
            var end = start + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("[") { end += 1 }
            // Keep trailing blank lines and comments that precede the next table.
            var keep = end
            while keep > start + 1 {
                let line = lines[keep - 1].trimmingCharacters(in: .whitespaces)
                guard line.isEmpty || line.hasPrefix("#") else { break }
                keep -= 1
            }
            lines.replaceSubrange((start + 1)..<keep, with: body)
        } else {
            if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
            lines.append(header)
            lines += body
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
