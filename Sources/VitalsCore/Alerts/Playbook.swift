/// What a playbook does for an account.
public enum PlaybookAction: Sendable, Equatable {
    /// A task for `owner` (the account's CSM when `nil`), due `dueDays` days after the alert.
    case task(title: String, dueDays: Int, owner: String?)
    /// A message sent to the named webhook (an automated email, a webinar invite...), its text a template.
    case webhook(webhook: String, message: String)
}

/// A playbook from `[[playbooks]]`: when one of `rules` fires for an account in `segment`, do `actions`
/// (`docs/alerts.md`). Templates may use {account}, {account_id}, {csm}, {score}, {band}, {title}, {reason}, {rule}.
public struct Playbook: Sendable, Equatable {
    public var name: String
    public var segment: SegmentFilter?
    /// The alert rules that trigger it.
    public var rules: [String]
    public var actions: [PlaybookAction]

    public init(name: String, segment: SegmentFilter? = nil, rules: [String], actions: [PlaybookAction]) {
        self.name = name
        self.segment = segment
        self.rules = rules
        self.actions = actions
    }
}

/// A task a playbook asks for.
public struct PlannedTask: Sendable, Equatable {
    public var playbook: String
    public var account: AccountIndex
    public var title: String
    public var owner: String
    public var dueAt: Timestamp
    /// The alert (rule and subject) that triggered it.
    public var trigger: AlertKey
}

/// A message a playbook sends.
public struct PlannedMessage: Sendable, Equatable {
    public var playbook: String
    public var account: AccountIndex
    public var webhook: String
    public var text: String
    public var trigger: AlertKey

    public init(playbook: String, account: AccountIndex, webhook: String, text: String, trigger: AlertKey) {
        self.playbook = playbook
        self.account = account
        self.webhook = webhook
        self.text = text
        self.trigger = trigger
    }
}

public enum Playbooks {
    /// The tasks and messages the playbooks ask for, for the alerts that just fired as of `t`. Each (playbook,
    /// account alert) pair acts once, as the alert fires once.
    public static func plan(
        _ fired: [AlertObservation], playbooks: [Playbook], accounts: [Account], health: [Int32: AccountHealth],
        at t: Timestamp
    ) -> (tasks: [PlannedTask], messages: [PlannedMessage]) {
        var tasks: [PlannedTask] = []
        var messages: [PlannedMessage] = []
        for alert in fired {
            guard let a = alert.account else { continue }
            let account = accounts[a.int]
            for playbook in playbooks where playbook.rules.contains(alert.rule) {
                guard playbook.segment?.matches(account) ?? true else { continue }
                let h = health[a.value]
                let fields: [String: String] = [
                    "account": account.name, "account_id": account.id.rawValue, "csm": account.csm ?? "",
                    "score": h.map { HealthComponent.format($0.score) } ?? "", "band": h?.band.rawValue ?? "",
                    "title": alert.title, "reason": alert.reason, "rule": alert.rule,
                ]
                for action in playbook.actions {
                    switch action {
                    case .task(let title, let dueDays, let owner):
                        tasks.append(PlannedTask(
                            playbook: playbook.name, account: a, title: render(title, fields),
                            owner: owner ?? account.csm ?? "unassigned", dueAt: t.adding(days: dueDays), trigger: alert.key))
                    case .webhook(let webhook, let message):
                        messages.append(PlannedMessage(
                            playbook: playbook.name, account: a, webhook: webhook, text: render(message, fields),
                            trigger: alert.key))
                    }
                }
            }
        }
        return (tasks, messages)
    }

    /// Replaces each `{name}` of `fields` in `template`; unknown names stay as written.
    public static func render(_ template: String, _ fields: [String: String]) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            out += fields[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// The placeholders a template may use.
    public static let placeholders: Set<String> = ["account", "account_id", "csm", "score", "band", "title", "reason", "rule"]
}
