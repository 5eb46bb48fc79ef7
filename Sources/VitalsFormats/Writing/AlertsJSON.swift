import Foundation
import VitalsCore


/// The JSON of the alert, task and digest routes and of digest bodies (`docs/alerts.md`).
extension HealthJSON {
    package static func alert(_ json: inout JSONText, _ a: StoredAlert) {
        json.beginObject()
        json.field("id", Int(a.id))
        json.field("rule", a.rule)
        json.field("kind", a.kind.rawValue)
        json.field("severity", a.severity)
        json.field("subject", a.subject)
        json.field("account_id", a.account?.rawValue)
        json.field("title", a.title)
        json.field("reason", a.reason)
        json.field("fired_at", iso(a.firedAt))
        json.field("cleared_at", a.clearedAt.map(iso))
        json.field("status", a.clearedAt == nil ? "open" : "cleared")
        json.field("acknowledged_at", a.acknowledgedAt.map(iso))
        json.field("acknowledged_by", a.acknowledgedBy)
        json.field("snoozed_until", a.snoozedUntil.map(iso))
        json.field("baseline", a.baseline)
        json.endObject()
    }

    public static func alert(_ a: StoredAlert) -> String {
        var json = JSONText()
        alert(&json, a)
        return json.text
    }

    public static func alerts(_ list: [StoredAlert]) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("alerts")
        json.beginArray()
        for a in list { alert(&json, a) }
        json.endArray()
        json.endObject()
        return json.text
    }

    package static func task(_ json: inout JSONText, _ t: StoredTask) {
        json.beginObject()
        json.field("id", Int(t.id))
        json.field("account_id", t.account.rawValue)
        json.field("account_name", t.accountName)
        json.key("alert_id")
        json.raw(t.alertID.map { String($0) } ?? "null")
        json.field("playbook", t.playbook)
        json.field("title", t.title)
        json.field("owner", t.owner)
        json.field("created_at", iso(t.createdAt))
        json.field("due_at", iso(t.dueAt))
        json.field("status", t.status.rawValue)
        json.field("closed_at", t.closedAt.map(iso))
        json.field("closed_by", t.closedBy)
        json.field("note", t.note)
        json.field("snoozed_until", t.snoozedUntil.map(iso))
        json.endObject()
    }

    public static func task(_ t: StoredTask) -> String {
        var json = JSONText()
        task(&json, t)
        return json.text
    }

    public static func tasks(_ list: [StoredTask]) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("tasks")
        json.beginArray()
        for t in list { task(&json, t) }
        json.endArray()
        json.endObject()
        return json.text
    }

    public static func digests(_ list: [StoredDigest]) -> String {
        var json = JSONText()
        json.beginObject()
        json.key("digests")
        json.beginArray()
        for d in list {
            json.beginObject()
            json.field("id", Int(d.id))
            json.field("grain", d.grain)
            json.field("period_start", iso(d.periodStart))
            json.field("period_end", iso(d.periodEnd))
            json.field("created_at", iso(d.createdAt))
            json.key("digest")
            json.raw(d.body)
            json.field("text", d.text)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    /// The digest's body as stored and sent.
    public static func digest(_ d: Digest) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("grain", d.grain.rawValue)
        json.field("period", d.period.description)
        json.field("start", d.period.startDate.description)
        json.field("end", d.period.endDate.description)
        json.field("currency", d.currency.code)
        json.key("kpis")
        json.beginArray()
        for line in d.kpis {
            json.beginObject()
            json.field("kpi", line.kpi.id)
            json.field("title", line.kpi.title)
            let scale = line.kpi.unit == .money ? Money.powerOfTen(d.currency.minorUnitExponent) : 1
            json.key("value")
            json.raw(line.value.map { String($0 / scale) } ?? "null")
            json.key("previous")
            json.raw(line.previous.map { String($0 / scale) } ?? "null")
            json.endObject()
        }
        json.endArray()
        json.field("revenue_at_risk", money(d.revenueAtRisk, d.currency))
        json.key("new_alerts")
        json.beginArray()
        for a in d.newAlerts {
            json.beginObject()
            json.field("rule", a.rule)
            json.field("subject", a.subject)
            json.field("title", a.title)
            json.field("reason", a.reason)
            json.field("fired_at", iso(a.firedAt))
            json.endObject()
        }
        json.endArray()
        json.key("targets_at_risk")
        json.beginArray()
        for t in d.targetsAtRisk {
            json.beginObject()
            json.field("source", t.source)
            json.field("key", t.key)
            json.field("title", t.title)
            json.field("reason", t.reason)
            json.field("account_id", t.account?.rawValue)
            json.endObject()
        }
        json.endArray()
        json.key("turned_red")
        json.beginArray()
        for r in d.turnedRed {
            json.beginObject()
            json.field("account_id", r.account.rawValue)
            json.field("name", r.name)
            json.field("score", round(r.score))
            json.field("previous_band", r.previousBand?.rawValue)
            json.field("mrr", money(r.mrr, d.currency))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}
