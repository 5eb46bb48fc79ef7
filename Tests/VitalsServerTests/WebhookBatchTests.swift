import Foundation
import Testing
import VitalsCore
import VitalsFormats

@testable import VitalsApp

/// One delivery per evaluation and webhook (docs/alerts.md, webhooks): the alerts fired and the playbook messages,
/// batched; Slack lists at most 20 lines and counts the rest.
@Suite struct WebhookBatchTests {
    static let at = Timestamp(year: 2026, month: 6, day: 1)
    static let accounts = (0..<30).map { Account(id: AccountID("a\($0)"), name: "Account \($0)", csm: "ana") }

    static func alert(_ i: Int, severity: String = "warning", rule: String = "red") -> StoredAlert {
        StoredAlert(
            id: Int64(100 + i), rule: rule, kind: .turnedRed, severity: severity, subject: "a\(i)", account: AccountID("a\(i)"),
            title: "Account \(i) turned red", reason: "health \(i)", firedAt: at)
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func slackListsTwentyAlertsMostSevereFirstThenCountsTheRest() throws {
        // 23 alerts: a22 critical, a0...a21 warnings. Shown: a22 then a0...a18 (20 lines); 23 − 20 = 3 more.
        let alerts = (0..<22).map { Self.alert($0) } + [Self.alert(22, severity: "critical")]
        let delivery = EvaluationDeliveries(
            webhooks: [WebhookTarget(name: "slack", url: "http://x", format: .slack, events: ["alert"])], messages: [],
            accounts: Self.accounts, workspace: "acme-cs", at: Self.at, healthPage: "http://vitals:8080/health#alerts"
        ).make(alerts)
        #expect(delivery.count == 1 && delivery[0].kind == "alert" && delivery[0].webhook == "slack")
        let text = try #require(try json(delivery[0].payload)["text"] as? String)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 22)  // heading, 20 alerts, "and 3 more"
        #expect(lines[0] == "Vitals acme-cs: 23 new alerts")
        #expect(lines[1] == "• [critical] Account 22 turned red: health 22 (account Account 22, a22)")
        #expect(lines[2] == "• [warning] Account 0 turned red: health 0 (account Account 0, a0)")
        #expect(lines[20] == "• [warning] Account 18 turned red: health 18 (account Account 18, a18)")
        #expect(lines[21] == "and 3 more: http://vitals:8080/health#alerts")
    }

    @Test func jsonCarriesEveryAlertOfTheEvaluationAndAWebhooksRulesFilterThem() throws {
        let alerts = (0..<25).map { Self.alert($0) } + [Self.alert(25, rule: "usage")]
        let hooks = [
            WebhookTarget(name: "all", url: "http://x", events: ["alert"]),
            WebhookTarget(name: "usage", url: "http://y", events: ["alert"], rules: ["usage"]),
            WebhookTarget(name: "digests", url: "http://z", events: ["digest"]),
        ]
        let out = EvaluationDeliveries(
            webhooks: hooks, messages: [], accounts: Self.accounts, workspace: "w", at: Self.at, healthPage: "/health#alerts"
        ).make(alerts)
        #expect(out.map(\.webhook) == ["all", "usage"])  // digests only: no delivery
        let all = try json(out[0].payload)
        #expect(all["type"] as? String == "alerts" && all["workspace"] as? String == "w")
        #expect(all["evaluated_at"] as? String == "2026-06-01T00:00:00Z")
        #expect(all["count"] as? Int == 26 && (all["alerts"] as? [[String: Any]])?.count == 26)  // never cut
        let usage = try json(out[1].payload)
        #expect((usage["alerts"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["a25"])
    }

    @Test func playbookMessagesGoOutInOneDeliveryPerWebhook() throws {
        let alerts = [Self.alert(1), Self.alert(2)]
        let messages = [
            PlannedMessage(playbook: "ping", account: AccountIndex(1), webhook: "team", text: "Call Account 1", trigger: alerts[0].key),
            PlannedMessage(playbook: "ping", account: AccountIndex(2), webhook: "team", text: "Call Account 2", trigger: alerts[1].key),
            // An alert not stored now (fired by another evaluator): its message is not sent again.
            PlannedMessage(playbook: "ping", account: AccountIndex(3), webhook: "team", text: "Call Account 3", trigger: AlertKey(rule: "red", subject: "a3")),
        ]
        let hooks = [
            WebhookTarget(name: "team", url: "http://x", format: .slack, events: []),
            WebhookTarget(name: "log", url: "http://y", events: []),
        ]
        let out = EvaluationDeliveries(
            webhooks: hooks, messages: messages, accounts: Self.accounts, workspace: "w", at: Self.at, healthPage: "/health#alerts"
        ).make(alerts)
        #expect(out.map(\.kind) == ["playbook"] && out.map(\.webhook) == ["team"])
        #expect(try json(out[0].payload)["text"] as? String == "Vitals w: 2 playbook messages\n• Call Account 1\n• Call Account 2")
        let asJSON = try json(WebhookPayloads.playbooks(
            [(messages[0], alerts[0], Self.accounts[1])], workspace: "w", evaluatedAt: Self.at, healthPage: "", format: .json))
        #expect(asJSON["type"] as? String == "playbook_messages" && asJSON["count"] as? Int == 1)
        let first = try #require((asJSON["messages"] as? [[String: Any]])?.first)
        #expect(first["alert_id"] as? Int == 101 && first["account_id"] as? String == "a1" && first["csm"] as? String == "ana")
    }
}
