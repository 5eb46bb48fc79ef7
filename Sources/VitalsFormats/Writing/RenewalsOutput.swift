import VitalsCore

/// `vitals renewals` and the renewals API as text: a JSON object with a `renewals` array, or a table.
/// Money in major units of the reporting currency; dates as ISO 8601 (docs/metrics.md, renewals).
public enum RenewalsOutput {
    /// `{"as_of": ..., "currency": ..., "total": n, "renewals": [{...}, ...]}`; `calls` are the forecast calls by
    /// renewal key, when known.
    public static func json(
        _ rows: [RenewalListing.Row], asOf: Timestamp, currency: CurrencyCode, total: Int? = nil,
        calls: [String: String] = [:]
    ) -> String {
        func money(_ minor: Int64?) -> String {
            minor.map { Money.decimalString($0, exponent: currency.minorUnitExponent) } ?? "null"
        }
        func text(_ s: String?) -> String { s.map(ReportJSON.quoted) ?? "null" }
        let items = rows.map { row -> String in
            let r = row.renewal
            let fields: [(String, String)] = [
                ("key", text(row.key)), ("account_id", text(row.accountID.rawValue)), ("account_name", text(row.accountName)),
                ("subscription_id", text(r.subscriptionID.rawValue)), ("product", text(r.product)),
                ("due_at", text(r.dueAt.description)), ("arr_before", money(r.arrBefore)), ("arr_after", money(r.arrAfter)),
                ("outcome", text(r.outcome.rawValue)), ("health_band", text(row.band?.rawValue)), ("owner", text(row.owner)),
                ("likelihood", row.likelihood.map { String($0) } ?? "null"), ("forecast", text(calls[row.key])),
            ]
            return "{" + fields.map { "\(ReportJSON.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        return "{\"as_of\":\(text(asOf.description)),\"currency\":\(text(currency.code)),\"total\":\(total ?? rows.count),"
            + "\"renewals\":[" + items.joined(separator: ",") + "]}"
    }

    /// A table: account, subscription, product, due date, ARR before and after, outcome, health band, owner.
    public static func table(_ rows: [RenewalListing.Row], currency: CurrencyCode) -> String {
        let header = ["account", "subscription", "product", "due", "arr_before", "arr_after", "outcome", "health", "owner"]
        func money(_ minor: Int64?) -> String {
            minor.map { ReportTable.format(.number(Double($0)), unit: .money, currency: currency) } ?? "-"
        }
        let body = rows.map { row -> [String] in
            let r = row.renewal
            return [
                row.accountID.rawValue, r.subscriptionID.rawValue, r.product, r.dueAt.description, money(r.arrBefore),
                money(r.arrAfter), r.outcome.rawValue, row.band?.rawValue ?? "-", row.owner ?? "-",
            ]
        }
        var widths = header.map(\.count)
        for cells in body { for (k, cell) in cells.enumerated() { widths[k] = max(widths[k], cell.count) } }
        let numeric: Set<Int> = [4, 5]
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, cell in
                let pad = String(repeating: " ", count: widths[k] - cell.count)
                return numeric.contains(k) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + body.map(line)).joined(separator: "\n") + "\n"
    }
}
