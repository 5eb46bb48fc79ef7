import VitalsCore
import VitalsFormats

/// The webhook deliveries of one evaluation (docs/alerts.md, webhooks): for each webhook, one delivery carrying all
/// the alerts fired that it takes (its `events` has `alert`, its `rules` match), and one carrying all the playbook
/// messages addressed to it, instead of one post per alert.
package struct EvaluationDeliveries {
    var webhooks: [WebhookTarget]
    var messages: [PlannedMessage]
    var accounts: [Account]
    var workspace: String
    var at: Timestamp
    /// Where the health page's alerts are, for "and N more" in Slack messages.
    var healthPage: String

    /// The deliveries for `fired`, the alerts the evaluation stored.
    func make(_ fired: [StoredAlert]) -> [NewDelivery] {
        var names: [AccountID: String] = [:]
        for a in accounts { names[a.id] = a.name }
        var out: [NewDelivery] = []
        for hook in webhooks where hook.events.contains("alert") {
            let taken = fired.filter { hook.rules?.contains($0.rule) ?? true }
            guard !taken.isEmpty else { continue }
            out.append(NewDelivery(
                webhook: hook.name, kind: "alert",
                payload: WebhookPayloads.alerts(
                    taken, accounts: names, workspace: workspace, evaluatedAt: at, healthPage: healthPage, format: hook.format)))
        }
        let byKey = Dictionary(fired.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for hook in webhooks {
            let addressed = messages.compactMap { m -> (message: PlannedMessage, alert: StoredAlert, account: Account)? in
                guard m.webhook == hook.name, let alert = byKey[m.trigger] else { return nil }
                return (m, alert, accounts[m.account.int])
            }
            guard !addressed.isEmpty else { continue }
            out.append(NewDelivery(
                webhook: hook.name, kind: "playbook",
                payload: WebhookPayloads.playbooks(
                    addressed, workspace: workspace, evaluatedAt: at, healthPage: healthPage, format: hook.format)))
        }
        return out
    }
}
