import Foundation
import VitalsCore

/// The people at an account and the accounts of its group, on the account page (docs/workspace.md).
struct AccountPeopleSection {
    var contacts: [Contact]
    var parent: (id: AccountID, name: String)?
    /// The account and every account below it, with MRR (reporting-currency minor units), health and renewal.
    var group: [GroupMember]
    /// The group's renewals due in the next 90 days: how many, and the ARR they put up for renewal.
    var groupRenewals: (count: Int, arr: Int64) = (0, 0)
    var currency: CurrencyCode

    struct GroupMember {
        var id: AccountID
        var name: String
        var depth: Int
        var mrr: Int64
        var health: (score: Double, band: String)?
        var renewal: CivilDate?
    }

    /// The group's MRR, and its health weighted by MRR (docs/workspace.md, "Account hierarchy").
    var rollup: (mrr: Int64, health: Double?) {
        let mrr = group.reduce(Int64(0)) { $0.addingSaturated($1.mrr) }
        let indices = group.indices.map { AccountIndex($0) }
        let health = AccountHierarchy.weightedScore(
            indices, score: { group[$0.int].health?.score }, mrr: { Double(group[$0.int].mrr) })
        return (mrr, health)
    }

    var contactsTable: DataTable {
        DataTable(
            name: "contacts", caption: "People (\(contacts.count))",
            columns: [.init(title: "Name"), .init(title: "Role"), .init(title: "Title"), .init(title: "Email")],
            rows: contacts.map { c in
                [.init(text: c.displayName + (c.primary ? " ★" : ""), raw: c.displayName, data: [("contact", c.id.rawValue)]),
                 .init(text: c.role.label, raw: c.role.rawValue), .init(text: c.title ?? ""),
                 .init(text: c.email ?? "", link: c.email.map { "mailto:" + $0 })]
            })
    }

    var groupTable: DataTable {
        DataTable(
            name: "group", caption: "Accounts of the group (\(group.count))",
            columns: [.init(title: "Account"), .init(title: "MRR", numeric: true), .init(title: "Health", numeric: true),
                      .init(title: "Renewal")],
            rows: group.map { m in
                [.init(text: String(repeating: "— ", count: m.depth) + m.name, raw: m.id.rawValue,
                       link: "/accounts/" + URLQuery.escape(m.id.rawValue)),
                 .init(text: Display.money(m.mrr, currency), raw: Money.decimalString(m.mrr, exponent: currency.minorUnitExponent)),
                 .init(text: m.health.map { String(format: "%.0f", $0.score) + " (\($0.band))" } ?? "-",
                       raw: m.health.map { String(format: "%.1f", $0.score) } ?? ""),
                 .init(text: m.renewal?.description ?? "-")]
            })
    }

    func render(path: String) -> HTML {
        var parts: [HTML] = []
        if let parent {
            parts.append("<p data-parent=\"\(parent.id.rawValue)\">Part of <a href=\"/accounts/\(URLQuery.escape(parent.id.rawValue))\">\(parent.name)</a></p>")
        }
        if group.count > 1 {
            let (mrr, health) = rollup
            parts.append("""
                <div class="card"><h2>Group</h2><dl class="facts">\
                <dt>Group MRR</dt><dd data-group-mrr="\(Money.decimalString(mrr, exponent: currency.minorUnitExponent))">\(Display.money(mrr, currency))</dd>\
                <dt>Group health (MRR-weighted)</dt><dd data-group-health>\(health.map { String(format: "%.0f", $0) } ?? "-")</dd>\
                <dt>Renewing in the next 90 days</dt><dd data-group-renewals="\(groupRenewals.count)">\(groupRenewals.count == 1 ? "1 renewal" : "\(groupRenewals.count) renewals"), ARR \(Display.money(groupRenewals.arr, currency))</dd>\
                </dl></div>
                """)
            parts.append(groupTable.html(downloadQuery: "", path: path))
        }
        parts.append(
            contacts.isEmpty
                ? "<div class=\"card\"><h2>People</h2><p class=\"muted\">No contacts yet: import contacts.csv or HubSpot's contacts, or POST /api/v1/contacts.</p></div>"
                : contactsTable.html(downloadQuery: "", path: path))
        return HTML.joined(parts)
    }
}

/// The account's timeline with its filter, pages and the form that logs an activity (docs/workspace.md).
struct TimelineSection {
    var timeline: AccountTimeline
    var kind: AccountTimeline.Kind?
    var page: Int
    var contacts: [Contact]
    var csrfToken: String
    var today: CivilDate
    /// A problem with the activity just submitted, shown above the form with what was typed.
    var problem: String?
    var typed: [String: String] = [:]
    static let pageSize = 25

    var shown: [AccountTimeline.Entry] { timeline.filtered(kind.map { [$0] } ?? []) }

    var pageCount: Int { max(1, (shown.count + Self.pageSize - 1) / Self.pageSize) }

    /// Every entry of the filter, for the CSV download.
    var table: DataTable { table(shown) }

    func table(_ entries: some Collection<AccountTimeline.Entry>) -> DataTable {
        DataTable(
            name: "timeline", caption: "Timeline",
            columns: [.init(title: "When"), .init(title: "Kind"), .init(title: "What", wraps: true), .init(title: "Details", wraps: true), .init(title: "Who")],
            rows: entries.map { e in
                [.init(text: Self.when(e.at), raw: e.at.description), .init(text: e.kind.label, raw: e.kind.rawValue, data: [("kind", e.kind.rawValue)]),
                 .init(text: e.title, data: e.tone.map { [("tone", $0.rawValue)] } ?? []), .init(text: e.detail), .init(text: e.who ?? "")]
            })
    }

    static func when(_ t: Timestamp) -> String {
        let seconds = t.seconds % 86_400
        return seconds == 0 ? t.date.description : "\(t.date) \(String(seconds / 3600).leftPadded(2)):\(String(seconds % 3600 / 60).leftPadded(2))"
    }

    func render(path: String) -> HTML {
        let page = min(max(1, self.page), pageCount)
        let entries = shown.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
        let options = AccountTimeline.Kind.allCases.map { k -> HTML in
            "<option value=\"\(k.rawValue)\"\(HTML(raw: k == kind ? " selected" : ""))>\(k.label)</option>"
        }
        let filter: HTML = """
            <form method="get" action="\(path)#timeline" class="filters" aria-label="Filter the timeline">\
            <label>Show<select name="timeline"><option value="">Everything</option>\(options)</select></label>\
            <button type="submit">Apply</button></form>
            """
        let query = kind.map { "timeline=\($0.rawValue)" } ?? ""
        let first = shown.isEmpty ? 0 : (page - 1) * Self.pageSize + 1
        let count: HTML = "<p class=\"muted\" data-timeline-total=\"\(shown.count)\">\(first)–\(first + entries.count - (entries.isEmpty ? 0 : 1)) of \(shown.count) entries</p>"
        let pager = DataTable.pager(page: page, pageCount: pageCount) { p in
            "\(path)?" + [query, "tpage=\(p)"].filter { !$0.isEmpty }.joined(separator: "&") + "#timeline"
        }
        return """
            <h2 id="timeline">Timeline</h2>\(logForm(path: path))\(filter)\(count)\
            \(table(entries).html(downloadQuery: query, path: path))\(pager)
            """
    }

    func logForm(path: String) -> HTML {
        func option(_ value: String, _ label: String, _ field: String) -> HTML {
            "<option value=\"\(value)\"\(HTML(raw: typed[field] == value ? " selected" : ""))>\(label)</option>"
        }
        let kinds = ActivityKind.allCases.map { option($0.rawValue, $0.label, "kind") }
        let people = contacts.map { option($0.id.rawValue, "\($0.displayName) (\($0.role.label))", "contact_id") }
        let tones = Sentiment.allCases.map { option($0.rawValue, $0.rawValue.capitalized, "sentiment") }
        let error: HTML = problem.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        return """
            <details class="card" \(HTML(raw: problem == nil ? "" : "open"))><summary>Log a call, note, meeting, email or QBR</summary>\(error)\
            <form method="post" action="\(path)/activities" class="filters" aria-label="Log an activity">\
            <input type="hidden" name="csrf" value="\(csrfToken)">\
            <label>Kind<select name="kind">\(kinds)</select></label>\
            <label>Date<input type="date" name="occurred_at" value="\(typed["occurred_at"] ?? today.description)" required></label>\
            <label>With<select name="contact_id"><option value="">(nobody in particular)</option>\(people)</select></label>\
            <label>Subject<input name="subject" maxlength="200" value="\(typed["subject"] ?? "")"></label>\
            <label>How it went<select name="sentiment"><option value="">-</option>\(tones)</select></label>\
            <label style="flex-basis:100%">Notes<textarea name="body" rows="3" maxlength="10000">\(typed["body"] ?? "")</textarea></label>\
            <button type="submit">Log it</button></form></details>
            """
    }
}
