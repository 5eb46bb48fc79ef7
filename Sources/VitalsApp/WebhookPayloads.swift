import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VitalsCore
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The bodies sent to webhooks (`docs/alerts.md`): Vitals JSON, or `{"text": ...}` for Slack-compatible targets.
/// Alerts and playbook messages go out once per evaluation and webhook, all of them in one body.
package enum WebhookPayloads {
    /// The most lines a Slack message lists before "and N more" with a link to the health page.
    package static let slackLines = 20

    /// The alerts one evaluation fired, most severe first: a JSON body with every alert, or a Slack message listing
    /// at most `slackLines` of them and saying how many more there are and where to see them (`healthPage`).
    package static func alerts(
        _ alerts: [StoredAlert], accounts: [AccountID: String], workspace: String, evaluatedAt: Timestamp, healthPage: String,
        format: WebhookTarget.Format
    ) -> String {
        let ordered = bySeverity(alerts)
        switch format {
        case .slack:
            let lines = ordered.map { a -> String in
                let account = a.account.map { " (account \(accounts[$0].map { "\($0), " } ?? "")\($0.rawValue))" } ?? ""
                return "[\(a.severity)] \(a.title): \(a.reason)\(account)"
            }
            let heading = "Vitals \(workspace): \(alerts.count) new alert\(alerts.count == 1 ? "" : "s")"
            return slack(listing(heading, lines, more: healthPage))
        case .json:
            var json = JSONText()
            json.beginObject()
            json.field("type", "alerts")
            json.field("workspace", workspace)
            json.field("evaluated_at", HealthJSON.iso(evaluatedAt))
            json.field("count", ordered.count)
            json.key("alerts")
            json.beginArray()
            for a in ordered { HealthJSON.alert(&json, a) }
            json.endArray()
            json.endObject()
            return json.text
        }
    }

    /// One evaluation's playbook messages to one webhook: every message in JSON, or a Slack message of at most
    /// `slackLines` of them, then how many more and where to see their alerts (`healthPage`).
    package static func playbooks(
        _ messages: [(message: PlannedMessage, alert: StoredAlert, account: Account)], workspace: String,
        evaluatedAt: Timestamp, healthPage: String, format: WebhookTarget.Format
    ) -> String {
        switch format {
        case .slack:
            if messages.count == 1 { return slack(messages[0].message.text) }
            let heading = "Vitals \(workspace): \(messages.count) playbook messages"
            return slack(listing(heading, messages.map(\.message.text), more: healthPage))
        case .json:
            var json = JSONText()
            json.beginObject()
            json.field("type", "playbook_messages")
            json.field("workspace", workspace)
            json.field("evaluated_at", HealthJSON.iso(evaluatedAt))
            json.field("count", messages.count)
            json.key("messages")
            json.beginArray()
            for (message, alert, account) in messages {
                json.beginObject()
                json.field("playbook", message.playbook)
                json.field("alert_id", Int(alert.id))
                json.field("rule", alert.rule)
                json.field("account_id", account.id.rawValue)
                json.field("account_name", account.name)
                json.field("csm", account.csm)
                json.field("message", message.text)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return json.text
        }
    }

    /// `heading`, then one bulleted line each, at most `slackLines`; the rest are counted, never silently cut.
    package static func listing(_ heading: String, _ lines: [String], more link: String) -> String {
        var text = heading
        for line in lines.prefix(slackLines) { text += "\n• " + line }
        if lines.count > slackLines { text += "\nand \(lines.count - slackLines) more: \(link)" }
        return text
    }

    /// Critical first, then warning, then info (others last), each in the order fired.
    static func bySeverity(_ alerts: [StoredAlert]) -> [StoredAlert] {
        let rank = ["critical": 0, "warning": 1, "info": 2]
        return alerts.enumerated().sorted {
            let (a, b) = (rank[$0.element.severity] ?? 3, rank[$1.element.severity] ?? 3)
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
    }

    package static func digest(id: Int64, body: String, text: String, workspace: String, format: WebhookTarget.Format) -> String {
        switch format {
        case .slack:
            return slack(text)
        case .json:
            var json = JSONText()
            json.beginObject()
            json.field("type", "digest")
            json.field("workspace", workspace)
            json.field("id", Int(id))
            json.key("digest")
            json.raw(body)
            json.endObject()
            return json.text
        }
    }

    package static func slack(_ text: String) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("text", text)
        json.endObject()
        return json.text
    }
}

/// Delivers queued webhook bodies: signs each attempt, retries 5xx answers, 429, timeouts and connection failures
/// with exponential back-off, and gives up on other 4xx answers or after the webhook's `max_attempts`.
package struct WebhookDispatcher: Sendable {
    package let store: any VitalsStorage
    package let webhooks: [String: WebhookTarget]
    package let transport: any WebhookTransport

    /// Attempts every delivery due at `now`; returns how many were delivered.
    package func deliverDue(at now: Timestamp) async throws -> Int {
        var delivered = 0
        // In batches: every attempt moves its delivery out of the due set (delivered, failed, or retried later).
        while case let batch = try store.dueDeliveries(at: now), !batch.isEmpty {
            delivered += try await deliver(batch, at: now)
        }
        return delivered
    }

    private func deliver(_ batch: [StoredDelivery], at now: Timestamp) async throws -> Int {
        var delivered = 0
        for d in batch {
            guard let hook = webhooks[d.webhook], let url = URL(string: hook.url) else {
                try store.recordAttempt(d.id, at: now, outcome: .failed(error: "no webhook named '\(d.webhook)' is configured"))
                continue
            }
            let body = Data(d.payload.utf8)
            var headers = [
                "Content-Type": "application/json", "User-Agent": "Vitals-Webhooks/1", "Vitals-Event": d.kind,
                "Vitals-Delivery": String(d.id),
            ]
            if let secret = hook.secret {
                headers[WebhookSignature.header] = WebhookSignature.headerValue(secret: secret, timestamp: now.seconds, body: body)
            }
            let attempt = d.attempts + 1
            let outcome: DeliveryOutcome
            do {
                let status = try await transport.post(url: url, headers: headers, body: body, timeout: hook.timeoutSeconds)
                if (200..<300).contains(status) {
                    outcome = .delivered
                } else if status >= 500 || status == 429 || status == 408 {
                    outcome = retryOrFail(hook, attempt, now, "HTTP \(status)")
                } else {
                    outcome = .failed(error: "HTTP \(status)")
                }
            } catch let error as URLError {
                outcome = retryOrFail(hook, attempt, now, "URLError \(error.code.rawValue): \(error.localizedDescription)")
            } catch {
                outcome = retryOrFail(hook, attempt, now, "\(error)")
            }
            if outcome == .delivered { delivered += 1 }
            try store.recordAttempt(d.id, at: now, outcome: outcome)
        }
        return delivered
    }

    private func retryOrFail(_ hook: WebhookTarget, _ attempt: Int, _ now: Timestamp, _ error: String) -> DeliveryOutcome {
        guard attempt < hook.maxAttempts else { return .failed(error: "\(error) (gave up after \(attempt) attempts)") }
        let wait = Int64(hook.backoff(after: attempt).rounded(.up))
        return .retry(next: now.adding(seconds: max(1, wait)), error: error)
    }
}
