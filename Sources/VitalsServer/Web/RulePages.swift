import Foundation
import VitalsApp
import VitalsCore
import VitalsFormats

/// The views of `/admin/alerts` (`[[alerts.rules]]`) and `/admin/playbooks` (`[[playbooks]]`): each entry in a table
/// with edit and delete, and one form for adding or editing an entry whose fields depend on what it is (a rule's kind).
/// Everything is server-rendered: choosing a kind is a GET form that reloads the page with that kind's fields.
enum RulePages {
    /// The keys a rule of `kind` reads beside name, kind, severity and segment (docs/alerts.md).
    static func ruleKeys(_ kind: AlertKind) -> [String] {
        switch kind {
        case .turnedRed: []
        case .scoreDrop: ["points", "days"]
        case .kpiOffTarget: ["kpi", "min", "max"]
        case .npsDetractor: ["days"]
        case .renewalAtRisk: ["days", "bands"]
        case .usageDrop: ["percent", "days"]
        case .onboardingOverdue, .championLeft, .churn: ["days"]
        case .contraction: ["percent", "days"]
        case .external: ["source"]
        }
    }

    static let ruleHints: [String: String] = [
        "points": "Score points fallen within the days.", "days": "Days (the window of the rule).",
        "percent": "Percent fallen.", "bands": "Bands the account is in.", "kpi": "The KPI of the last complete month.",
        "min": "Alert below this.", "max": "Alert above this.", "source": "The source of outside conditions (goals).",
        "segment": "Only accounts matching this filter, e.g. plan = enterprise (empty: all).",
    ]

    /// The `[[alerts.rules]]` entry a submitted form makes: empty optional fields are left out (the defaults apply),
    /// numbers that are not numbers are kept as text so that the loader names them.
    static func rule(_ form: [String: String], kind: AlertKind) -> SettingsEntries.Entry {
        func text(_ key: String) -> String { (form[key] ?? "").trimmingCharacters(in: .whitespaces) }
        var fields: [(key: String, value: String)] = [
            ("name", SettingsForm.quoted(text("name"))), ("kind", SettingsForm.quoted(kind.rawValue)),
            ("severity", SettingsForm.quoted(text("severity").isEmpty ? "warning" : text("severity"))),
        ]
        if kind != .kpiOffTarget, !text("segment").isEmpty { fields.append(("segment", SettingsForm.quoted(text("segment")))) }
        for key in ruleKeys(kind) {
            switch key {
            case "bands":
                let bands = HealthBand.allCases.filter { form["band_\($0.rawValue)"] != nil }.map { SettingsForm.quoted($0.rawValue) }
                fields.append((key, "[" + bands.joined(separator: ", ") + "]"))
            case "kpi", "source":
                if !text(key).isEmpty { fields.append((key, SettingsForm.quoted(text(key)))) }
            default:
                if !text(key).isEmpty { fields.append((key, SettingsForm.literal(text(key), whole: key == "days"))) }
            }
        }
        return SettingsEntries.Entry(fields: fields)
    }

    static func alerts(
        _ current: EffectiveSettings, entries: SettingsEntries, fileName: String, editing: SettingsEntries.Entry?, original: String?,
        kind: AlertKind?, problems: [String], csrf: String, notice: AdminPages.Notice?
    ) -> HTML {
        let rows = entries.entries.map { e -> HTML in
            let other = e.fields.filter { !["name", "kind", "severity", "segment"].contains($0.key) }.map { "\($0.key) = \($0.value)" }
            return """
                <tr data-rule="\(e.name)"><td>\(e.name)</td><td><code>\(e.string("kind") ?? "")</code></td><td>\(e.string("severity") ?? "warning")</td>\
                <td class="wrap">\(e.string("segment") ?? "all accounts")</td><td class="wrap">\(other.joined(separator: ", "))</td>\
                <td><a href="/admin/alerts?edit=\(percentEncoded(e.name))#rule">Edit</a> \
                <form method="post" action="/admin/alerts/delete" class="inline">\(AdminPages.hidden(csrf))\
                <input type="hidden" name="name" value="\(e.name)"><button type="submit">Delete</button></form></td></tr>
                """
        }
        let table: HTML = """
            <div class="card"><table data-table="rules"><caption class="muted" style="text-align:left">\(entries.entries.count) \
            \(entries.entries.count == 1 ? "rule" : "rules"), in the order they are evaluated.</caption><thead><tr><th scope="col">Name</th>\
            <th scope="col">Kind</th><th scope="col">Severity</th><th scope="col">Segment</th><th scope="col">Settings</th>\
            <th scope="col">Actions</th></tr></thead><tbody>\(rows)</tbody></table>\
            \(entries.entries.isEmpty ? "<p class=\"muted\">No rules: no alert fires in this workspace.</p>" as HTML : "")</div>
            """
        let chosen = kind ?? editing.flatMap { $0.string("kind") }.flatMap(AlertKind.init(rawValue:))
        let kinds = HTML.joined(AlertKind.allCases.map { k -> HTML in
            k == chosen ? "<option value=\"\(k.rawValue)\" selected>\(k.rawValue)</option>" : "<option value=\"\(k.rawValue)\">\(k.rawValue)</option>"
        })
        let picker: HTML = """
            <form method="get" action="/admin/alerts" class="filters">\
            \(original.map { "<input type=\"hidden\" name=\"edit\" value=\"\($0)\">" as HTML })\
            <label>Kind<select name="kind">\(kinds)</select></label><button type="submit">\(original == nil ? "Add a rule of this kind" : "Change the kind")</button></form>
            """
        var form: HTML = ""
        if let chosen {
            form = ruleForm(chosen, entry: editing, original: original, problems: problems, csrf: csrf)
        }
        return """
            <h1>Admin</h1>\(AdminPages.tabs(.alerts))\(notice?.html)\(SettingsPages.errors(current.problems))
            <h2>Alert rules</h2>\(SettingsForm.origin(current.saved[SettingsSections.alertRules], fileName: fileName, reset: "/admin/alerts/reset", csrf: csrf))
            \(table)<h2 id="rule">\(original.map { "Edit \($0)" } ?? "Add a rule")</h2>\(picker)\(form)
            <p class="muted">Saved as the <code>[[alerts.rules]]</code> of \(fileName) for this workspace, checked as the file is \
            (a playbook naming a rule that would be gone is refused). Webhooks stay the server's. docs/alerts.md describes each kind.</p>
            """
    }

    static func ruleForm(_ kind: AlertKind, entry: SettingsEntries.Entry?, original: String?, problems: [String], csrf: String) -> HTML {
        let keys = ["name", "severity", "segment"] + ruleKeys(kind)
        let (byKey, rest) = SettingsForm.split(problems, keys: keys)
        func value(_ key: String) -> String { entry?.string(key) ?? entry?[key] ?? "" }
        func input(_ key: String, _ label: String, type: String = "text", placeholder: String = "") -> SettingsForm.Field {
            SettingsForm.Field(
                label: label,
                control: "<input name=\"\(key)\" type=\"\(type)\" step=\"any\" value=\"\(value(key))\" placeholder=\"\(placeholder)\"\(key == "name" ? " required maxlength=\"100\"" as HTML : "")>",
                hint: ruleHints[key] ?? "", problems: byKey[key] ?? [])
        }
        let severity = value("severity").isEmpty ? "warning" : value("severity")
        let severities = HTML.joined(["info", "warning", "critical"].map { s -> HTML in
            s == severity ? "<option selected>\(s)</option>" : "<option>\(s)</option>"
        })
        var fields: [SettingsForm.Field] = [
            input("name", "Name"),
            .init(label: "Severity", control: "<select name=\"severity\">\(severities)</select>", problems: byKey["severity"] ?? []),
        ]
        if kind != .kpiOffTarget { fields.append(input("segment", "Segment")) }
        for key in ruleKeys(kind) {
            switch key {
            case "bands":
                let chosen = entry.map { $0.strings("bands") } ?? ["yellow", "red"]
                let boxes = HealthBand.allCases.map { b -> HTML in
                    "<label class=\"check\"><input type=\"checkbox\" name=\"band_\(b.rawValue)\" value=\"1\"\(chosen.contains(b.rawValue) ? " checked" as HTML : "")> \(b.rawValue)</label>"
                }
                fields.append(.init(label: "Bands", control: "<span class=\"checks\">\(boxes)</span>", hint: ruleHints[key] ?? "", problems: byKey[key] ?? [], group: true))
            case "kpi":
                let options = HTML.joined(KPI.allCases.filter { !$0.unit.isBreakdown }.map { k -> HTML in
                    k.rawValue == value("kpi") ? "<option value=\"\(k.rawValue)\" selected>\(k.title)</option>" : "<option value=\"\(k.rawValue)\">\(k.title)</option>"
                })
                fields.append(.init(label: "KPI", control: "<select name=\"kpi\">\(options)</select>", hint: ruleHints[key] ?? "", problems: byKey[key] ?? []))
            case "source": fields.append(input("source", "Source", placeholder: "goals"))
            case "days": fields.append(input("days", "Days", type: "number", placeholder: String(AlertRule.defaultDays(kind))))
            case "points": fields.append(input("points", "Points", type: "number", placeholder: "20"))
            case "percent": fields.append(input("percent", "Percent", type: "number", placeholder: "50"))
            default: fields.append(input(key, key == "min" ? "Minimum" : "Maximum", type: "number"))
            }
        }
        return """
            \(SettingsPages.errors(rest))<form method="post" action="/admin/alerts" class="settings card" id="rule-form">\
            \(AdminPages.hidden(csrf))<input type="hidden" name="kind" value="\(kind.rawValue)">\
            \(original.map { "<input type=\"hidden\" name=\"original\" value=\"\($0)\">" as HTML })\
            <p class="actions muted">Kind: <code>\(kind.rawValue)</code></p>\(fields.map(\.html))\
            <div class="actions"><button type="submit">\(original == nil ? "Add the rule" : "Save the rule")</button> \
            <a href="/admin/alerts">Cancel</a></div></form>
            """
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
