import Foundation
import TOMLKit
import VitalsCore

/// Reads `[alerts]` (with `[[alerts.rules]]` and `[[alerts.webhooks]]`), `[[playbooks]]` and `[digests]`.
enum AlertsConfiguration {
    static func read(
        _ root: TOMLTable, into configuration: inout HealthConfiguration, environment: [String: String],
        _ r: inout TOMLReader
    ) {
        if let alerts = r.table(root, "alerts") {
            r.only(alerts, "[alerts]", ["evaluate_every_minutes", "after_ingest_seconds", "rules", "webhooks"])
            if let minutes = r.int(alerts, "evaluate_every_minutes", "[alerts]", range: 1...10_080) {
                configuration.evaluateEverySeconds = minutes * 60
            }
            if let seconds = r.int(alerts, "after_ingest_seconds", "[alerts]", range: 0...86_400) {
                configuration.afterIngestSeconds = seconds
            }
            for (k, rule) in tables(alerts, "rules", "[[alerts.rules]]", &r).enumerated() {
                if let parsed = readRule(rule, at: "[[alerts.rules]] #\(k + 1)", &r) { configuration.rules.append(parsed) }
            }
            for (k, hook) in tables(alerts, "webhooks", "[[alerts.webhooks]]", &r).enumerated() {
                if let parsed = readWebhook(hook, at: "[[alerts.webhooks]] #\(k + 1)", environment: environment, &r) {
                    configuration.webhooks.append(parsed)
                }
            }
        }
        for (k, book) in tables(root, "playbooks", "[[playbooks]]", &r).enumerated() {
            if let parsed = readPlaybook(book, at: "[[playbooks]] #\(k + 1)", &r) { configuration.playbooks.append(parsed) }
        }
        if let digests = r.table(root, "digests") {
            r.only(digests, "[digests]", ["schedule", "kpis"])
            switch r.string(digests, "schedule", "[digests]") {
            case nil, "off"?: configuration.digests.grain = nil
            case "daily"?: configuration.digests.grain = .day
            case "weekly"?: configuration.digests.grain = .week
            case let other?: r.problem("[digests] schedule: '\(other)' is not daily, weekly or off")
            }
            if let names = r.strings(digests, "kpis", "[digests]") {
                var kpis: [KPI] = []
                for name in names {
                    if let kpi = KPI(rawValue: name) { kpis.append(kpi) } else { r.problem("[digests] kpis: unknown KPI '\(name)'") }
                }
                configuration.digests.kpis = kpis
            }
        }
        crossCheck(configuration, &r)
    }

    /// Names must be unique, and playbooks must name rules and webhooks that exist.
    static func crossCheck(_ c: HealthConfiguration, _ r: inout TOMLReader) {
        let ruleIDs = c.rules.map(\.id)
        for id in Set(ruleIDs) where ruleIDs.filter({ $0 == id }).count > 1 { r.problem("[[alerts.rules]]: two rules are named '\(id)'") }
        let hookNames = c.webhooks.map(\.name)
        for name in Set(hookNames) where hookNames.filter({ $0 == name }).count > 1 {
            r.problem("[[alerts.webhooks]]: two webhooks are named '\(name)'")
        }
        for hook in c.webhooks {
            for rule in hook.rules ?? [] where !ruleIDs.contains(rule) {
                r.problem("[[alerts.webhooks]] '\(hook.name)' rules: no rule named '\(rule)'")
            }
        }
        for book in c.playbooks {
            for rule in book.rules where !ruleIDs.contains(rule) {
                r.problem("[[playbooks]] '\(book.name)' when: no rule named '\(rule)' (rules: \(ruleIDs.joined(separator: ", ")))")
            }
            for case .webhook(let name, _) in book.actions where !hookNames.contains(name) {
                r.problem("[[playbooks]] '\(book.name)' webhook: no webhook named '\(name)'")
            }
        }
    }

    static func tables(_ parent: TOMLTable, _ key: String, _ at: String, _ r: inout TOMLReader) -> [TOMLTable] {
        guard let value = parent[key] else { return [] }
        guard let array = value.array, array.allSatisfy({ $0.table != nil }) else {
            r.problem("\(at): must be an array of tables (\(at) sections)")
            return []
        }
        return array.map { $0.table! }
    }

    static func readRule(_ t: TOMLTable, at: String, _ r: inout TOMLReader) -> AlertRule? {
        r.only(t, at, ["name", "kind", "segment", "severity", "points", "days", "percent", "bands", "kpi", "min", "max", "source"])
        guard let name = r.string(t, "name", at), !name.isEmpty else {
            r.problem("\(at): name is required")
            return nil
        }
        let place = "\(at) '\(name)'"
        guard let kindText = r.string(t, "kind", place), let kind = AlertKind(rawValue: kindText) else {
            r.problem("\(place) kind: required, one of \(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        var rule = AlertRule(id: name, kind: kind)
        if let text = r.string(t, "segment", place) { rule.segment = r.segment(text, place + " segment") }
        if let severity = r.string(t, "severity", place) {
            if ["info", "warning", "critical"].contains(severity) { rule.severity = severity } else {
                r.problem("\(place) severity: '\(severity)' is not info, warning or critical")
            }
        }
        rule.points = r.number(t, "points", place, range: 0...100) ?? rule.points
        rule.days = r.int(t, "days", place, range: 0...3650) ?? rule.days
        rule.percent = r.number(t, "percent", place, range: 0...100) ?? rule.percent
        if let bands = r.strings(t, "bands", place) {
            let parsed = bands.compactMap(HealthBand.init(rawValue:))
            if parsed.count != bands.count { r.problem("\(place) bands: each must be red, yellow or green") }
            rule.bands = parsed
        }
        if let kpi = r.string(t, "kpi", place) {
            if let k = KPI(rawValue: kpi), !k.unit.isBreakdown { rule.kpi = k } else { r.problem("\(place) kpi: unknown or non-numeric KPI '\(kpi)'") }
        }
        rule.minimum = r.number(t, "min", place, range: -1e18...1e18)
        rule.maximum = r.number(t, "max", place, range: -1e18...1e18)
        rule.source = r.string(t, "source", place)
        if kind == .kpiOffTarget && (rule.kpi == nil || (rule.minimum == nil && rule.maximum == nil)) {
            r.problem("\(place): a kpi_off_target rule needs kpi and min or max")
        }
        if kind == .external && rule.source == nil { r.problem("\(place): an external rule needs source (e.g. \"goals\")") }
        if rule.segment != nil && !rule.isAccountRule && kind != .external { r.problem("\(place): segment applies to account rules only") }
        return rule
    }

    static func readWebhook(_ t: TOMLTable, at: String, environment: [String: String], _ r: inout TOMLReader) -> WebhookTarget? {
        r.only(t, at, ["name", "url", "secret", "secret_env", "format", "events", "rules", "max_attempts", "backoff_seconds", "timeout_seconds"])
        guard let name = r.string(t, "name", at), !name.isEmpty else {
            r.problem("\(at): name is required")
            return nil
        }
        let place = "\(at) '\(name)'"
        guard let url = r.string(t, "url", place), let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? "")
        else {
            r.problem("\(place) url: required, an http or https URL")
            return nil
        }
        var hook = WebhookTarget(name: name, url: url)
        hook.secret = r.string(t, "secret", place)
        if let variable = r.string(t, "secret_env", place) {
            if let value = environment[variable], !value.isEmpty { hook.secret = value } else {
                r.problem("\(place) secret_env: the environment variable \(variable) is not set")
            }
        }
        if let format = r.string(t, "format", place) {
            if let f = WebhookTarget.Format(rawValue: format) { hook.format = f } else { r.problem("\(place) format: '\(format)' is not json or slack") }
        }
        if let events = r.strings(t, "events", place) {
            for e in events where !WebhookTarget.eventKinds.contains(e) { r.problem("\(place) events: '\(e)' is not alert, playbook or digest") }
            hook.events = Set(events)
        }
        hook.rules = r.strings(t, "rules", place)
        hook.maxAttempts = r.int(t, "max_attempts", place, range: 1...50) ?? hook.maxAttempts
        hook.backoffSeconds = r.number(t, "backoff_seconds", place, range: 0...86_400) ?? hook.backoffSeconds
        hook.timeoutSeconds = r.number(t, "timeout_seconds", place, range: 0.001...600) ?? hook.timeoutSeconds
        return hook
    }

    static func readPlaybook(_ t: TOMLTable, at: String, _ r: inout TOMLReader) -> Playbook? {
        r.only(t, at, ["name", "segment", "when", "task", "due_days", "owner", "webhook", "message"])
        guard let name = r.string(t, "name", at), !name.isEmpty else {
            r.problem("\(at): name is required")
            return nil
        }
        let place = "\(at) '\(name)'"
        guard let rules = r.strings(t, "when", place), !rules.isEmpty else {
            r.problem("\(place) when: required, the alert rule(s) that trigger it")
            return nil
        }
        var book = Playbook(name: name, rules: rules, actions: [])
        if let text = r.string(t, "segment", place) { book.segment = r.segment(text, place + " segment") }
        func checkTemplate(_ text: String, _ key: String) {
            var rest = text[...]
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let field = String(rest[rest.index(after: open)..<close])
                if !Playbooks.placeholders.contains(field) {
                    r.problem("\(place) \(key): unknown placeholder {\(field)} (known: \(Playbooks.placeholders.sorted().joined(separator: ", ")))")
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        if let task = r.string(t, "task", place) {
            checkTemplate(task, "task")
            book.actions.append(.task(title: task, dueDays: r.int(t, "due_days", place, range: 0...365) ?? 2, owner: r.string(t, "owner", place)))
        }
        if let webhook = r.string(t, "webhook", place) {
            let message = r.string(t, "message", place) ?? "{title}: {reason}"
            checkTemplate(message, "message")
            book.actions.append(.webhook(webhook: webhook, message: message))
        }
        if book.actions.isEmpty { r.problem("\(place): needs a task or a webhook action") }
        return book
    }
}
