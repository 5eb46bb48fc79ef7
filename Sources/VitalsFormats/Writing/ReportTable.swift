import VitalsCore

/// Renders a KPI report as a plain-text table for a terminal: one row per KPI, one column per period, split into
/// blocks of periods that fit `width` characters.
public enum ReportTable {
    public static func render(_ report: KPIReport, width: Int = 120, title: String? = nil) -> String {
        var out = ""
        let heading = title ?? "KPIs in \(report.currency)" + (report.segment.map { " for \($0)" } ?? "")
        out += heading + "\n"
        guard !report.rows.isEmpty else { return out + "(no periods)\n" }
        let labelWidth = KPI.allCases.map { $0.title.count }.max()! + 2
        let cells = report.rows.map { row in KPI.allCases.map { format(row[$0], unit: $0.unit, currency: report.currency) } }
        let columnWidth = max(10, cells.flatMap { $0 }.map(\.count).max()! + 2, report.rows[0].period.label.count + 2)
        let perBlock = max(1, (width - labelWidth) / columnWidth)
        var start = 0
        while start < report.rows.count {
            let end = min(report.rows.count, start + perBlock)
            out += "\n" + pad("", labelWidth)
            for p in start..<end { out += leftPad(report.rows[p].period.label, columnWidth) }
            out += "\n" + String(repeating: "-", count: labelWidth + columnWidth * (end - start)) + "\n"
            for (k, kpi) in KPI.allCases.enumerated() {
                out += pad(kpi.title, labelWidth)
                for p in start..<end { out += leftPad(cells[p][k], columnWidth) }
                out += "\n"
            }
            start = end
        }
        return out
    }

    /// A value as a person reads it: `12,345.67`, `5.2%`, `1,234`, `3.21`; `-` for null.
    public static func format(_ value: KPIValue, unit: KPIUnit, currency: CurrencyCode) -> String {
        if case .breakdown(let parts) = value {
            // The largest entry (the most adopted feature, the reason that lost the most MRR), as a summary; JSON
            // carries the whole breakdown.
            guard let top = parts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return "-" }
            return "\(top.key) " + format(.number(top.value), unit: unit == .amounts ? .money : .rate, currency: currency)
        }
        guard case .number(let x) = value, x.isFinite else { return "-" }
        switch unit {
        case .money, .amounts:
            // A sum of many bounded amounts may still pass Int64's range: then it is written as the number it is.
            guard let minor = Int64(roundingChecked: x) else { return String(x / Money.powerOfTen(currency.minorUnitExponent)) }
            return groupThousands(Money.decimalString(minor, exponent: currency.minorUnitExponent))
        case .count:
            return Int64(roundingChecked: x).map { groupThousands(String($0)) } ?? String(x)
        case .rate, .rates:
            return fixed(x * 100, decimals: 1) + "%"
        case .number:
            return fixed(x, decimals: 2)
        }
    }

    static func fixed(_ x: Double, decimals: Int) -> String {
        let scale = Money.powerOfTen(decimals)
        guard let scaled = Int64(roundingChecked: x * scale) else { return String(x) }
        return Money.decimalString(scaled, exponent: decimals)
    }

    static func groupThousands(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        var whole = Array(parts[0])
        var grouped: [Character] = []
        while whole.count > 3 {
            grouped.insert(contentsOf: [","] + whole.suffix(3), at: 0)
            whole.removeLast(3)
        }
        grouped.insert(contentsOf: whole, at: 0)
        return (negative ? "-" : "") + String(grouped) + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    static func leftPad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
