import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

/// Writes the alert and digest emails (docs/email.md, "What is sent when"): pure, from what an evaluation stored.
public enum EmailComposer {
    /// One email per recipient listing the alerts fired for them: with `.csm`, each alert goes to the CSM of its
    /// account (the enabled person whose CSM name is the account's `csm`, compared without regard to case); an alert
    /// with no account, or whose account has no such person, goes to no one by email. With addresses, every alert
    /// goes to each.
    public static func alertEmails(
        fired: [StoredAlert], accounts: [AccountID: Account], recipients: EmailRecipients, users: [UserListing],
        publicURL: String, workspace: String
    ) -> [NewEmail] {
        guard !fired.isEmpty else { return [] }
        var byAddress: [String: (name: String?, alerts: [StoredAlert])] = [:]
        var order: [String] = []
        func add(_ address: String, _ name: String?, _ alert: StoredAlert) {
            if byAddress[address] == nil {
                order.append(address)
                byAddress[address] = (name, [])
            }
            byAddress[address]?.alerts.append(alert)
        }
        switch recipients {
        case .addresses(let list):
            for address in list { for alert in fired { add(address, nil, alert) } }
        case .csm:
            var csms: [String: UserListing] = [:]
            for user in users where user.disabledAt == nil {
                if let csm = user.csm?.trimmingCharacters(in: .whitespaces).lowercased(), !csm.isEmpty, csms[csm] == nil { csms[csm] = user }
            }
            for alert in fired {
                guard let id = alert.account, let csm = accounts[id]?.csm?.trimmingCharacters(in: .whitespaces).lowercased(),
                    let user = csms[csm], let address = EmailAddress.normalized(user.email)
                else { continue }
                add(address, user.name, alert)
            }
        }
        return order.map { address in
            let (name, alerts) = byAddress[address]!
            return alertEmail(alerts, to: address, name: name, accounts: accounts, publicURL: publicURL, workspace: workspace)
        }
    }

    static func alertEmail(
        _ alerts: [StoredAlert], to address: String, name: String?, accounts: [AccountID: Account], publicURL: String, workspace: String
    ) -> NewEmail {
        let subject = alerts.count == 1 ? "Vitals alert: \(alerts[0].title)" : "Vitals: \(alerts.count) new alerts"
        var text = ["\(alerts.count == 1 ? "An alert" : "\(alerts.count) alerts") fired in Vitals (workspace \(workspace)):", ""]
        var items: [String] = []
        for alert in alerts {
            let account = alert.account.flatMap { accounts[$0] }
            let link = alert.account.map { "\(publicURL)/accounts/\(MailBodies.segment($0.rawValue))" }
            text.append("- \(alert.title)")
            text.append("  \(alert.reason)")
            if let account, let link { text.append("  Account: \(account.name) \(link)") }
            text.append("")
            var item = "<li data-alert=\"\(alert.id)\" style=\"margin-bottom:12px\"><strong>\(MailBodies.escape(alert.title))</strong><br>"
                + "<span>\(MailBodies.escape(alert.reason))</span>"
            if let account, let link {
                item += "<br>Account: <a href=\"\(MailBodies.escape(link))\" data-account=\"\(MailBodies.escape(account.id.rawValue))\">"
                    + "\(MailBodies.escape(account.name))</a>"
            }
            items.append(item + "</li>")
        }
        text.append("All open alerts: \(publicURL)/health")
        let html = MailBodies.page(
            title: subject,
            body: "<ul style=\"padding-left:20px\">\(items.joined())</ul><p><a href=\"\(MailBodies.escape(publicURL))/health\">All open alerts</a></p>")
        let ids = alerts.map(\.id)
        let reference = ids.count == 1 ? "alert:\(ids[0])" : "alerts:\(ids.min()!)-\(ids.max()!)"
        return NewEmail(
            kind: .alert, recipient: address, recipientName: name, subject: subject, text: text.joined(separator: "\n"), html: html,
            reference: reference)
    }

    /// The digest to each of `addresses`: its text as the plain part (the same as `GET /api/v1/digests` gives), and
    /// its JSON values in a table (each cell carrying the JSON value as `data-value`).
    public static func digestEmails(_ digest: StoredDigest, to addresses: [String], publicURL: String) -> [NewEmail] {
        guard !addresses.isEmpty else { return [] }
        let json = (try? JSONSerialization.jsonObject(with: Data(digest.body.utf8))) as? [String: Any] ?? [:]
        let period = json["period"] as? String ?? digest.grain
        let currency = json["currency"] as? String ?? ""
        let subject = "Vitals \(digest.grain == "day" ? "daily" : "weekly") digest for \(period)"
        func raw(_ value: Any?) -> String {
            guard let value, !(value is NSNull) else { return "null" }
            if let n = value as? NSNumber { return "\(n)" }
            return "\(value)"
        }
        func shown(_ kpi: KPI?, _ value: Any?) -> String {
            guard let n = value as? NSNumber else { return "-" }
            switch kpi?.unit {
            case .money?: return "\(currency) " + grouped(n.doubleValue, decimals: 2)
            case .rate?: return grouped(n.doubleValue * 100, decimals: 1) + " %"
            default: return grouped(n.doubleValue, decimals: n.doubleValue.rounded() == n.doubleValue ? 0 : 1)
            }
        }
        var rows = ""
        for line in json["kpis"] as? [[String: Any]] ?? [] {
            let id = line["kpi"] as? String ?? ""
            let kpi = KPI(rawValue: id)
            rows += "<tr data-kpi=\"\(MailBodies.escape(id))\"><td \(MailBodies.cell)>\(MailBodies.escape(line["title"] as? String ?? id))</td>"
                + "<td \(MailBodies.numberCell) data-value=\"\(raw(line["value"]))\">\(shown(kpi, line["value"]))</td>"
                + "<td \(MailBodies.numberCell) data-previous=\"\(raw(line["previous"]))\">\(shown(kpi, line["previous"]))</td></tr>"
        }
        let risk = json["revenue_at_risk"]
        rows += "<tr data-kpi=\"revenue_at_risk\"><td \(MailBodies.cell)>Revenue at risk (MRR)</td>"
            + "<td \(MailBodies.numberCell) data-value=\"\(raw(risk))\">\(shown(.mrr, risk))</td><td \(MailBodies.numberCell)></td></tr>"
        var lists = ""
        for (key, title) in [("new_alerts", "New alerts"), ("turned_red", "Accounts turned red"), ("targets_at_risk", "Targets at risk")] {
            let list = json[key] as? [[String: Any]] ?? []
            lists += "<h2 style=\"font-size:16px\" data-count=\"\(key)\">\(title): \(list.count)</h2>"
            if !list.isEmpty {
                lists += "<ul>" + list.prefix(10).map { item in
                    "<li>\(MailBodies.escape(item["title"] as? String ?? item["name"] as? String ?? ""))</li>"
                }.joined() + "</ul>"
            }
        }
        let html = MailBodies.page(
            title: subject,
            body: "<table data-digest=\"\(digest.id)\" style=\"border-collapse:collapse;width:100%\"><thead><tr>"
                + "<th \(MailBodies.cell)>KPI</th><th \(MailBodies.numberCell)>\(MailBodies.escape(period))</th>"
                + "<th \(MailBodies.numberCell)>Before</th></tr></thead><tbody>\(rows)</tbody></table>\(lists)"
                + "<p><a href=\"\(MailBodies.escape(publicURL))/\">Open the dashboard</a></p>")
        let text = digest.text + "\n\nThe dashboard: \(publicURL)/"
        return addresses.map {
            NewEmail(kind: .digest, recipient: $0, subject: subject, text: text, html: html, reference: "digest:\(digest.id)")
        }
    }

    /// `1234567.891` as `1,234,567.89` (`decimals` places, comma thousands separators).
    static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var out = ""
        while whole.count > 3 {
            out = "," + whole.suffix(3) + out
            whole = String(whole.dropLast(3))
        }
        out = whole + out
        if parts.count == 2 { out += "." + parts[1] }
        return (value < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "-" : "") + out
    }
}
