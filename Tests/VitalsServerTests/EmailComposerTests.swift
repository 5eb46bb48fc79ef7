import Foundation
import Testing
import VitalsApp
import VitalsCore
import VitalsStore

@Suite struct EmailComposerTests {
    let at = Timestamp(year: 2026, month: 12, day: 8)

    func alert(_ id: Int64, _ account: String?, _ title: String) -> StoredAlert {
        StoredAlert(
            id: id, rule: "red", kind: .turnedRed, severity: "high", subject: account ?? "company", account: account.map { AccountID($0) },
            title: title, reason: "health 31 < 40", firedAt: at)
    }

    @Test func alertsGoToTheCSMOfEachAccountOneEmailPerPerson() throws {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-compose-\(UUID().uuidString).sqlite")
        let ws = try store.workspace("a")
        let now = Date()
        _ = try store.createUser(workspace: ws, email: "ana@example.com", name: "Ana", passwordHash: "x", role: .csm, actor: "t", at: now)
        _ = try store.createUser(workspace: ws, email: "bo@example.com", name: "Bo", passwordHash: "x", role: .csm, actor: "t", at: now)
        _ = try store.setCSM(workspace: ws, email: "ana@example.com", csm: "Ana Lima", actor: "t", at: now)
        _ = try store.setCSM(workspace: ws, email: "bo@example.com", csm: "Bo", actor: "t", at: now)
        let accounts: [AccountID: Account] = [
            "acme": Account(id: "acme", name: "Acme & Co", csm: "ana lima"), "globex": Account(id: "globex", name: "Globex", csm: "Ana Lima"),
            "initech": Account(id: "initech", name: "Initech", csm: "Bo"), "orphan": Account(id: "orphan", name: "Orphan", csm: "Nobody"),
        ]
        let fired = [alert(1, "acme", "Acme turned red"), alert(2, "initech", "Initech turned red"), alert(3, "globex", "Globex turned red"),
                     alert(4, "orphan", "Orphan turned red"), alert(5, nil, "NRR off target")]
        let emails = EmailComposer.alertEmails(
            fired: fired, accounts: accounts, recipients: .csm, users: try store.users(workspace: ws),
            publicURL: "https://v.example.com", workspace: "a")
        // Ana has acme and globex (her CSM name matched without regard to case), Bo initech; the orphan's CSM has no
        // person and the company-wide alert no account: no email for them.
        #expect(emails.map(\.recipient) == ["ana@example.com", "bo@example.com"])
        #expect(emails[0].subject == "Vitals: 2 new alerts" && emails[0].reference == "alerts:1-3")
        #expect(emails[1].subject == "Vitals alert: Initech turned red" && emails[1].reference == "alert:2")
        #expect(emails[0].text.contains("- Acme turned red\n  health 31 < 40\n  Account: Acme & Co https://v.example.com/accounts/acme\n"))
        #expect(emails[0].html.contains("<a href=\"https://v.example.com/accounts/acme\" data-account=\"acme\">Acme &amp; Co</a>"))
        // Named addresses get every alert.
        let named = EmailComposer.alertEmails(
            fired: fired, accounts: accounts, recipients: .addresses(["ops@example.com"]), users: [], publicURL: "https://v.example.com",
            workspace: "a")
        #expect(named.count == 1 && named[0].subject == "Vitals: 5 new alerts")
    }

    @Test func theDigestEmailCarriesTheStoredDigestsValues() {
        let body = """
            {"grain":"week","period":"2026-W49","start":"2026-11-30","end":"2026-12-06","currency":"USD","kpis":[\
            {"kpi":"mrr","title":"MRR","value":1234567.5,"previous":1200000},{"kpi":"customer_churn_rate","title":"Customer churn rate","value":0.025,"previous":null}],\
            "revenue_at_risk":4200,"new_alerts":[{"title":"Acme turned red"}],"targets_at_risk":[],"turned_red":[]}
            """
        let digest = StoredDigest(
            id: 7, grain: "week", periodStart: Timestamp(year: 2026, month: 11, day: 30), periodEnd: at, createdAt: at, body: body,
            text: "Vitals weekly digest for 2026-W49")
        let emails = EmailComposer.digestEmails(digest, to: ["ana@example.com", "bo@example.com"], publicURL: "https://v.example.com")
        #expect(emails.count == 2 && emails[0].subject == "Vitals weekly digest for 2026-W49" && emails[0].reference == "digest:7")
        #expect(emails[0].text == "Vitals weekly digest for 2026-W49\n\nThe dashboard: https://v.example.com/")
        let html = emails[0].html
        // 1234567.5 shown as USD 1,234,567.50; 0.025 as 2.5 %; the JSON values ride along as data-value.
        #expect(html.contains("data-value=\"1234567.5\">USD 1,234,567.50</td>"))
        #expect(html.contains("data-previous=\"1200000\">USD 1,200,000.00</td>"))
        #expect(html.contains("data-value=\"0.025\">2.5 %</td>"))
        #expect(html.contains("data-previous=\"null\">-</td>"))
        #expect(html.contains("data-value=\"4200\">USD 4,200.00</td>"))
        #expect(html.contains("New alerts: 1</h2><ul><li>Acme turned red</li></ul>"))
    }
}
