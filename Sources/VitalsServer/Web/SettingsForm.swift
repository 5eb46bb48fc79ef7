import Foundation
import VitalsCore
import VitalsStore

/// The parts every settings page shares (docs/configuration.md, "Settings saved in the dashboard"): where a section's
/// values come from, its reset button, fields with the loader's problems beside them, and the TOML a form makes.
enum SettingsForm {
    /// One input of a settings form: its label, the control, a hint, and the problems the loader found with it.
    struct Field {
        var label: String
        var control: HTML
        var hint: String = ""
        var problems: [String] = []
        /// A control made of several inputs with their own labels (checkboxes): a group named by `label`.
        var group = false

        var html: HTML {
            let errors = problems.map { p -> HTML in "<small class=\"field-error\" role=\"alert\">\(p)</small>" }
            let hint: HTML = self.hint.isEmpty ? "" : "<small class=\"hint\">\(self.hint)</small>"
            if group {
                return "<div class=\"field\" role=\"group\" aria-label=\"\(label)\"><span class=\"legend\">\(label)</span>\(control)\(hint)\(errors)</div>"
            }
            return "<div class=\"field\"><label>\(label)\(control)</label>\(hint)\(errors)</div>"
        }
    }

    /// The problems of `problems` that name `key` (the loader writes `[report] gross_margin: ...`), and the others.
    static func split(_ problems: [String], keys: [String]) -> (byKey: [String: [String]], rest: [String]) {
        var byKey: [String: [String]] = [:]
        var rest: [String] = []
        for problem in problems {
            // The longest key first: `delinquency_days` is not claimed by a shorter key it contains.
            if let key = keys.sorted(by: { $0.count > $1.count }).first(where: { problem.contains(" \($0)") || problem.contains(".\($0)") }) {
                byKey[key, default: []].append(problem)
            } else {
                rest.append(problem)
            }
        }
        return (byKey, rest)
    }

    /// "Values from vitals.toml" or "Saved here by ana@example.com on 8 Dec 2026", with the reset form when saved.
    static func origin(_ saved: StoredSetting?, fileName: String, reset path: String, csrf: String) -> HTML {
        guard let saved else {
            return """
                <p class="muted" data-origin="file">These values come from <strong>\(fileName)</strong>\
                \(path == "/admin/settings/reset" ? " (and the environment and flags the server was started with)" : ""). \
                What you save here applies to this workspace only, in place of them.</p>
                """
        }
        return """
            <p class="muted" data-origin="saved">Saved here by <strong>\(saved.updatedBy)</strong> on \(day(saved.updatedAt)): \
            they replace this section of \(fileName) for this workspace.</p>\
            <form method="post" action="\(path)" class="inline">\(AdminPages.hidden(csrf))\
            <button type="submit">Reset to the file's values</button></form>
            """
    }

    /// `8 Dec 2026`.
    static func day(_ t: Timestamp) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let d = t.date
        return "\(d.day) \(months[max(0, min(11, d.month - 1))]) \(d.year)"
    }

    /// A TOML value for a form's text: the number it reads as (whole when `whole`), else the text as a TOML string,
    /// so that the loader names the key and says what it must be.
    static func literal(_ text: String, whole: Bool = false, scale: Double = 1) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if whole, let i = Int(trimmed) { return String(i) }
        if !whole, let d = Double(trimmed), d.isFinite { return number(d * scale) }
        return quoted(trimmed)
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A number without a needless fraction, rounded to 10 significant digits (so that 0.7 / 100 x 100 reads 0.7).
    static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let text = String(format: "%.10g", x)
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// `x` as a percentage with at most one decimal: `80 %`, `12.5 %`.
    static func percent(_ x: Double) -> String {
        let tenths = (x * 1000).rounded() / 10
        return "\(number(tenths)) %"
    }
}
