import Foundation
import VitalsCore


/// The JSON of the health, alert, task and digest routes and of webhook bodies (`docs/health.md`, `docs/alerts.md`).
public enum HealthJSON {
    package static func round(_ x: Double, _ places: Double = 100) -> Double { (x * places).rounded() / places }

    /// A number rounded to two decimals as JSON (whole numbers without a fraction), or `null`.
    package static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "null" }
        let r = round(x)
        return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)
    }

    /// ISO 8601 in UTC with the time always written: `2026-06-01T00:00:00Z`.
    package static func iso(_ t: Timestamp) -> String {
        let text = t.description
        return text.count == 10 ? text + "T00:00:00Z" : text
    }

    package static func money(_ minor: Int64, _ currency: CurrencyCode) -> Double {
        Double(minor) / Money.powerOfTen(currency.minorUnitExponent)
    }

    /// `GET /api/v1/accounts/{id}/health`: the breakdown, with the stored daily history.
    public static func breakdown(
        _ b: HealthBreakdown, account: Account, currency: CurrencyCode, history: [HealthRecord], periodDays: Int
    ) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("account_id", account.id.rawValue)
        json.field("name", account.name)
        json.field("csm", account.csm)
        json.field("at", iso(b.at))
        json.field("score", round(b.current.score))
        json.field("band", b.current.band.rawValue)
        json.field("model", b.current.model)
        json.field("touch", b.touch)
        json.field("mrr", money(b.mrr, currency))
        json.field("currency", currency.code)
        json.field("next_renewal", b.nextRenewal.map { $0.date.description })
        json.field("period_days", periodDays)
        json.key("previous")
        if let p = b.previous {
            json.beginObject()
            json.field("score", round(p.score))
            json.field("band", p.band.rawValue)
            json.endObject()
        } else {
            json.raw("null")
        }
        json.key("change")
        json.raw(number(b.change))
        json.key("components")
        json.beginArray()
        for part in b.current.components {
            json.beginObject()
            json.field("component", part.component.rawValue)
            json.field("title", part.component.title)
            json.field("unit", part.component.unit)
            json.key("value")
            json.raw(number(part.value))
            json.key("score")
            json.raw(number(part.score))
            json.field("weight", part.weight)
            json.field("effective_weight", round(part.effectiveWeight, 10_000))
            json.field("contribution", round(part.contribution))
            json.key("change")
            json.raw(number(b.change(of: part.component)))
            json.key("has_data")
            json.raw(part.value == nil ? "false" : "true")
            json.endObject()
        }
        json.endArray()
        json.key("missing")
        json.beginArray()
        for c in b.current.missing { json.raw(ReportJSON.quoted(c.rawValue)) }
        json.endArray()
        json.field("redistribution", b.redistribution)
        json.key("risk_factors")
        json.beginArray()
        for f in b.riskFactors {
            json.beginObject()
            json.field("component", f.component.rawValue)
            json.field("text", f.text)
            json.field("points_lost", round(f.pointsLost))
            json.endObject()
        }
        json.endArray()
        json.key("history")
        json.beginArray()
        for h in history {
            json.beginObject()
            json.field("day", h.day.description)
            json.field("score", round(h.score))
            json.field("band", h.band.rawValue)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    /// `GET /api/v1/health`: one row per paying account.
    public static func scores(_ rows: [AccountHealth], engine: HealthEngine, at: Timestamp, currency: CurrencyCode,
                              total: Int, counts: [HealthBand: Int]) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("at", iso(at))
        json.field("currency", currency.code)
        json.field("total", total)
        json.key("bands")
        json.beginObject()
        for band in HealthBand.allCases { json.field(band.rawValue, counts[band] ?? 0) }
        json.endObject()
        json.key("accounts")
        json.beginArray()
        let models = engine.settings.models
        for h in rows {
            let a = engine.accounts[h.account.int]
            json.beginObject()
            json.field("account_id", a.id.rawValue)
            json.field("name", a.name)
            json.field("csm", a.csm)
            json.field("touch", a.attribute(engine.settings.touch.attribute))
            json.field("score", round(h.score))
            json.field("band", h.band.rawValue)
            json.field("model", models[h.model].name)
            json.field("mrr", money(h.mrr, currency))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    /// `GET /api/v1/revenue-at-risk`.
    public static func revenueAtRisk(_ r: RevenueAtRisk, engine: HealthEngine, currency: CurrencyCode, limit: Int) -> String {
        var json = JSONText()
        json.beginObject()
        json.field("at", iso(r.at))
        json.field("currency", currency.code)
        json.field("revenue_at_risk", money(r.total, currency))
        json.field("scored_mrr", money(r.scoredMRR, currency))
        json.field("renewal_window_days", r.renewalWindowDays)
        json.key("by_reason")
        json.beginObject()
        for reason in RevenueAtRisk.Reason.allCases { json.field(reason.rawValue, money(r.byReason[reason] ?? 0, currency)) }
        json.endObject()
        json.field("segment_attribute", r.attribute)
        json.key("by_segment")
        json.beginObject()
        for (segment, amount) in r.bySegment.sorted(by: { $0.key < $1.key }) { json.field(segment, money(amount, currency)) }
        json.endObject()
        json.field("accounts_at_risk", r.entries.count)
        json.key("accounts")
        json.beginArray()
        for e in r.entries.prefix(limit) {
            let a = engine.accounts[e.account.int]
            json.beginObject()
            json.field("account_id", a.id.rawValue)
            json.field("name", a.name)
            json.field("mrr", money(e.mrr, currency))
            json.field("score", round(e.score))
            json.field("band", e.band.rawValue)
            json.field("reason", e.reason.rawValue)
            json.field("next_renewal", e.renewal.map { $0.date.description })
            json.field("segment", e.segment)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }
}
