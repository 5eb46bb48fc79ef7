import Foundation
import VitalsApp
import VitalsCore
import VitalsFormats

/// The view of `/admin/playbooks` (`[[playbooks]]`, docs/alerts.md "Playbooks"): each playbook in a table with edit
/// and delete, and a form that adds or edits one: the rules that trigger it, a task (title, owner, due in days)
/// and a message to one of the server's webhooks.
enum PlaybookPages {
    static let keys = ["name", "when", "segment", "task", "due_days", "owner", "webhook", "message"]

    /// The `[[playbooks]]` entry a submitted form makes; empty optional fields are left out. The triggering rules come
    /// from the checkboxes `when_N` (each's value a rule's name).
    static func playbook(_ form: [String: String]) -> SettingsEntries.Entry {
        func text(_ key: String) -> String { (form[key] ?? "").trimmingCharacters(in: .whitespaces) }
        let rules = form.filter { $0.key.hasPrefix("when_") }.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }
            .map { SettingsForm.quoted($0.value) }
        var fields: [(key: String, value: String)] = [("name", SettingsForm.quoted(text("name")))]
        if !rules.isEmpty { fields.append(("when", "[" + rules.joined(separator: ", ") + "]")) }
        for key in ["segment", "task", "owner", "webhook", "message"] where !text(key).isEmpty {
            fields.append((key, SettingsForm.quoted(text(key))))
        }
        if !text("due_days").isEmpty { fields.append(("due_days", SettingsForm.literal(text("due_days"), whole: true))) }
        return SettingsEntries.Entry(fields: fields)
    }

    static func page(
        _ current: EffectiveSettings, entries: SettingsEntries, fileName: String, editing: SettingsEntries.Entry?, original: String?,
        adding: Bool, problems: [String], csrf: String, notice: AdminPages.Notice?
    ) -> HTML {
        let rows = entries.entries.map { e -> HTML in
            let task = e.string("task").map { "\($0) (due in \(e["due_days"] ?? "2") days\(e.string("owner").map { ", owner \($0)" } ?? ""))" }
            let message = e.string("webhook").map { "\($0): \(e.string("message") ?? "{title}: {reason}")" }
            return """
                <tr data-playbook="\(e.name)"><td>\(e.name)</td><td class="wrap">\(e.strings("when").joined(separator: ", "))</td>\
                <td class="wrap">\(e.string("segment") ?? "all accounts")</td><td class="wrap">\(task ?? "-")</td><td class="wrap">\(message ?? "-")</td>\
                <td><a href="/admin/playbooks?edit=\(RulePages.percentEncoded(e.name))#playbook">Edit</a> \
                <form method="post" action="/admin/playbooks/delete" class="inline">\(AdminPages.hidden(csrf))\
                <input type="hidden" name="name" value="\(e.name)"><button type="submit">Delete</button></form></td></tr>
                """
        }
        let table: HTML = """
            <div class="card"><table data-table="playbooks"><caption class="muted" style="text-align:left">\(entries.entries.count) \
            \(entries.entries.count == 1 ? "playbook" : "playbooks").</caption><thead><tr><th scope="col">Name</th>\
            <th scope="col">When (rules)</th><th scope="col">Segment</th><th scope="col">Task</th><th scope="col">Message</th>\
            <th scope="col">Actions</th></tr></thead><tbody>\(rows)</tbody></table>\
            \(entries.entries.isEmpty ? "<p class=\"muted\">No playbooks: alerts make no tasks in this workspace.</p>" as HTML : "")</div>
            """
        let form: HTML = editing != nil || adding
            ? playbookForm(current, entry: editing, original: original, problems: problems, csrf: csrf)
            : "<p><a href=\"/admin/playbooks?add=1#playbook\">Add a playbook</a></p>"
        return """
            <h1>Admin</h1>\(AdminPages.tabs(.playbooks))\(notice?.html)\(SettingsPages.errors(current.problems))
            <h2>Playbooks</h2>\(SettingsForm.origin(current.saved[SettingsSections.playbooks], fileName: fileName, reset: "/admin/playbooks/reset", csrf: csrf))
            \(table)<h2 id="playbook">\(original.map { "Edit \($0)" } ?? "Add a playbook")</h2>\(form)
            <p class="muted">Saved as the <code>[[playbooks]]</code> of \(fileName) for this workspace, checked as the file is. \
            Task titles and messages may use the placeholders \(Playbooks.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ")).</p>
            """
    }

    static func playbookForm(
        _ current: EffectiveSettings, entry: SettingsEntries.Entry?, original: String?, problems: [String], csrf: String
    ) -> HTML {
        let (byKey, rest) = SettingsForm.split(problems, keys: keys)
        func value(_ key: String) -> String { entry?.string(key) ?? entry?[key] ?? "" }
        func input(_ key: String, _ label: String, hint: String, type: String = "text", placeholder: String = "") -> SettingsForm.Field {
            SettingsForm.Field(
                label: label,
                control: "<input name=\"\(key)\" type=\"\(type)\" value=\"\(value(key))\" placeholder=\"\(placeholder)\"\(key == "name" ? " required maxlength=\"100\"" as HTML : "")>",
                hint: hint, problems: byKey[key] ?? [])
        }
        let chosen = Set(entry?.strings("when") ?? [])
        let boxes = current.configuration.rules.enumerated().map { i, rule -> HTML in
            "<label><input type=\"checkbox\" name=\"when_\(String(i))\" value=\"\(rule.id)\"\(chosen.contains(rule.id) ? " checked" as HTML : "")> \(rule.id)</label>"
        }
        let hook = value("webhook")
        let none: HTML = hook.isEmpty ? "<option value=\"\" selected>(none)</option>" : "<option value=\"\">(none)</option>"
        let hooks = HTML.joined([none] + current.configuration.webhooks.map { w -> HTML in
                w.name == hook ? "<option value=\"\(w.name)\" selected>\(w.name)</option>" : "<option value=\"\(w.name)\">\(w.name)</option>"
            })
        let fields: [SettingsForm.Field] = [
            input("name", "Name", hint: "Tasks name the playbook that made them."),
            .init(label: "When (alert rules)", control: "<span class=\"checks\">\(boxes)</span>",
                  hint: current.configuration.rules.isEmpty ? "Add an alert rule first." : "The rules whose alerts run it.",
                  problems: byKey["when"] ?? [], group: true),
            input("segment", "Segment", hint: "Only accounts matching this filter (empty: all)."),
            input("task", "Task title", hint: "Empty: no task.", placeholder: "Call {account} about {reason}"),
            input("due_days", "Due in (days)", hint: "0 to 365; 2 when empty.", type: "number", placeholder: "2"),
            input("owner", "Owner", hint: "Empty: the account's CSM."),
            .init(label: "Message to webhook", control: "<select name=\"webhook\">\(hooks)</select>",
                  hint: "The server's webhooks (set in the file).", problems: byKey["webhook"] ?? []),
            input("message", "Message", hint: "Empty: {title}: {reason}."),
        ]
        return """
            \(SettingsPages.errors(rest))<form method="post" action="/admin/playbooks" class="settings card" id="playbook-form">\
            \(AdminPages.hidden(csrf))\(original.map { "<input type=\"hidden\" name=\"original\" value=\"\($0)\">" as HTML })\
            \(fields.map(\.html))<div class="actions"><button type="submit">\(original == nil ? "Add the playbook" : "Save the playbook")</button> \
            <a href="/admin/playbooks">Cancel</a></div></form>
            """
    }
}
