import VitalsCore

/// Writes KPI reports as JSON: `{"currency": "USD", "periods": [{"period": "2024-01", "start": "2024-01-01",
/// "end": "2024-02-01", "<kpi id>": value, ...}]}`. Keys keep KPI order; money is in major units with the
/// currency's decimals; rates are fractions; a KPI with a zero denominator is `null`.
public enum ReportJSON {
    public static func encode(_ report: KPIReport) -> String {
        var out = "{\"currency\":\"\(report.currency)\",\"grain\":\"\(report.grain.rawValue)\",\"segment\":"
        out += report.segment.map(quoted) ?? "null"
        out += ",\"periods\":"
        appendPeriods(report, to: &out)
        out += "}"
        return out
    }

    /// One report per attribute value: `{"currency": ..., "by": "industry", "groups": [{"value": "Retail",
    /// "segment": "industry=Retail", "periods": [...]}]}`.
    public static func encode(groups: [(value: String, report: KPIReport)], by attribute: String, currency: CurrencyCode, grain: Grain) -> String {
        var out = "{\"currency\":\"\(currency)\",\"grain\":\"\(grain.rawValue)\",\"by\":\(quoted(attribute)),\"groups\":["
        for (i, group) in groups.enumerated() {
            if i > 0 { out += "," }
            out += "{\"value\":\(quoted(group.value)),\"segment\":\(group.report.segment.map(quoted) ?? "null"),\"periods\":"
            appendPeriods(group.report, to: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    static func appendPeriods(_ report: KPIReport, to out: inout String) {
        out += "["
        for (i, row) in report.rows.enumerated() {
            if i > 0 { out += "," }
            out += "{\"period\":\"\(row.period.label)\",\"start\":\"\(row.period.startDate)\",\"end\":\"\(row.period.endDate)\""
            for kpi in KPI.allCases {
                out += ",\"\(kpi.id)\":"
                out += number(row[kpi], unit: kpi.unit, currency: report.currency)
            }
            out += "}"
        }
        out += "]"
    }

    /// A KPI value as a JSON number (or `null`).
    public static func number(_ value: KPIValue, unit: KPIUnit, currency: CurrencyCode) -> String {
        if case .breakdown(let parts) = value {
            // Each part in the breakdown's own terms: money for amounts, fractions for rates.
            let partUnit: KPIUnit = unit == .amounts ? .money : .rate
            let fields = parts.keys.sorted().map { quoted($0) + ":" + number(.number(parts[$0]!), unit: partUnit, currency: currency) }
            return "{" + fields.joined(separator: ",") + "}"
        }
        guard case .number(let x) = value, x.isFinite else { return "null" }
        switch unit {
        case .money, .amounts:
            // Beyond Int64's range (a sum of many bounded amounts) the value is written as the number it is.
            guard let minor = Int64(roundingChecked: x) else { return String(x / Money.powerOfTen(currency.minorUnitExponent)) }
            return Money.decimalString(minor, exponent: currency.minorUnitExponent)
        case .count:
            return Int64(roundingChecked: x).map { String($0) } ?? String(x)
        case .rate, .number, .rates:
            return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
        }
    }

    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
