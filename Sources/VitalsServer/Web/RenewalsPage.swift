import VitalsCore
import VitalsFormats
import VitalsStore

/// The renewals page (docs/metrics.md, renewals): the renewals due in the next 30, 60 or 90 days or this quarter, with
/// ARR, health band, owner, likelihood and the CSM's forecast call (a form per row); or a closed quarter's renewals
/// with the call against the outcome.
struct RenewalsPage {
    /// Which renewals the page lists.
    enum Window: Equatable {
        case days(Int)
        case thisQuarter
        /// A quarter that has ended, given by its first day.
        case closed(CivilDate)

        /// `window=30|60|90|quarter|closed` (with `quarter=2025-Q1` for a closed one); the next 90 days otherwise.
        init(_ parameters: [String: String], asOf: CivilDate) {
            let lastClosed = Grain.quarter.start(containing: asOf).adding(months: -3)
            switch parameters["window"] {
            case "30": self = .days(30)
            case "60": self = .days(60)
            case "quarter": self = .thisQuarter
            case "closed":
                let asked = parameters["quarter"].flatMap { try? CivilDate.parseBound($0).first }
                    .map { Grain.quarter.start(containing: $0) }
                self = .closed(asked.map { $0 <= lastClosed ? $0 : lastClosed } ?? lastClosed)
            default: self = .days(90)
            }
        }

        /// `[from, to)` as days.
        func range(asOf: CivilDate) -> (from: CivilDate, to: CivilDate) {
            switch self {
            case .days(let n): (asOf, asOf.adding(days: n))
            case .thisQuarter:
                (Grain.quarter.start(containing: asOf), Grain.quarter.start(containing: asOf).adding(months: 3))
            case .closed(let start): (start, start.adding(months: 3))
            }
        }

        var parameter: String {
            switch self {
            case .days(let n): "window=\(n)"
            case .thisQuarter: "window=quarter"
            case .closed(let start): "window=closed&quarter=\(Grain.quarter.label(start: start))"
            }
        }

        var isClosed: Bool { if case .closed = self { true } else { false } }
    }

    static let perPage = 50

    var window: Window
    var asOf: CivilDate
    var listing: RenewalListing
    var calls: [String: StoredForecastCall]
    var currency: CurrencyCode
    var csrfToken: String
    var page: Int
    /// Only the renewals of this CSM's accounts: the person signed in's own by default, when linked to a name.
    var owner: String? = nil
    /// The CSM name of the person signed in.
    var me: String? = nil

    /// The query that keeps the chosen book across the page's links.
    var whose: String {
        if let owner { return owner == me ? "" : "&csm=" + URLQuery.escape(owner) }
        return me == nil ? "" : "&everyone=1"
    }

    var pageCount: Int { max(1, (listing.rows.count + Self.perPage - 1) / Self.perPage) }

    /// The table of the renewals shown: every one (`all`, the CSV), or the current page.
    func table(all: Bool) -> DataTable {
        let rows = listing.rows
        let shown = all ? rows[...] : rows.dropFirst((min(page, pageCount) - 1) * Self.perPage).prefix(Self.perPage)
        let total = rows.reduce(Int64(0)) { $0 + $1.renewal.arrBefore }
        let (from, to) = window.range(asOf: asOf)
        let caption = "\(rows.count) renewal\(rows.count == 1 ? "" : "s") due \(from) to \(to.adding(days: -1)), "
            + "ARR \(Display.money(total, currency)) in all"
        // A closed quarter's renewals are decided: the outcome takes the likelihood's place.
        var columns: [DataTable.Column] = [
            .init(title: "Account"), .init(title: "Product"), .init(title: "Due"), .init(title: "ARR", numeric: true),
            .init(title: "Health"), .init(title: "Owner"),
        ]
        columns += window.isClosed
            ? [.init(title: "Forecast"), .init(title: "ARR after", numeric: true), .init(title: "Outcome"), .init(title: "Came true")]
            : [.init(title: "Likelihood"), .init(title: "Forecast")]
        let body = shown.map { row -> [DataTable.Cell] in
            let r = row.renewal
            let call = calls[row.key]?.call
            var cells: [DataTable.Cell] = [
                .init(text: row.accountName, raw: row.accountID.rawValue, link: "/accounts/" + URLQuery.escape(row.accountID.rawValue)),
                .init(text: r.product),
                .init(text: r.dueAt.date.description),
                .init(text: Display.money(r.arrBefore, currency), raw: Money.decimalString(r.arrBefore, exponent: currency.minorUnitExponent)),
                .init(text: row.band?.rawValue ?? "not scored", data: [("band", row.band?.rawValue ?? "")]),
                .init(text: row.owner ?? "-"),
            ]
            if !window.isClosed {
                cells.append(.init(text: row.likelihood.map { ReportTable.format(.number($0), unit: .rate, currency: currency) } ?? "not calibrated"))
            }
            cells.append(.init(
                text: call?.title ?? "-", raw: call?.rawValue ?? "", data: [("forecast", call?.rawValue ?? "")],
                markup: all || window.isClosed ? nil : form(row.key, call)))
            if window.isClosed {
                cells += [
                    .init(text: r.arrAfter.map { Display.money($0, currency) } ?? "-"),
                    .init(text: r.outcome.rawValue, data: [("outcome", r.outcome.rawValue)]),
                    .init(text: call.flatMap { $0.cameTrue(r.outcome) }.map { $0 ? "yes" : "no" } ?? "-"),
                ]
            }
            return cells
        }
        return DataTable(name: "renewals", caption: caption, columns: columns, rows: Array(body))
    }

    /// The forecast call's form: a select of the four calls and a Save button, posted with the CSRF token.
    func form(_ key: String, _ call: ForecastCall?) -> HTML {
        let options = ([nil] + ForecastCall.allCases.map(Optional.some)).map { c -> HTML in
            let selected: HTML = c == call ? " selected" : ""
            return "<option value=\"\(c?.rawValue ?? "")\"\(selected)>\(c?.title ?? "No call")</option>"
        }
        return """
            <form method="post" action="/renewals/forecast" class="inline" data-renewal="\(key)">\
            <input type="hidden" name="csrf" value="\(csrfToken)"><input type="hidden" name="key" value="\(key)">\
            <input type="hidden" name="back" value="\(window.parameter)&page=\(String(page))">\
            <select name="call" aria-label="Forecast call">\(options)</select> <button type="submit">Save</button></form>
            """
    }

    /// Whether any renewal has a likelihood: the health model could be calibrated on this workspace's churn.
    var calibrated: Bool { listing.rows.contains { $0.likelihood != nil } }

    var likelihoodNote: String {
        calibrated
            ? "Likelihood: the chance the account is still paying 90 days on, from the health model calibrated on this workspace's own churn (docs/health.md)."
            : "Likelihood needs a health model calibrated on this workspace's churn, which its history cannot give yet (too short, or no churn): the health band stands in for it."
    }

    var bookLine: HTML {
        if let owner {
            return "<p data-owner=\"\(owner)\">\(owner == me ? "Your accounts' renewals" : "Renewals of \(owner)'s accounts") · <a href=\"/renewals?\(window.parameter)&everyone=1\">Everyone's</a></p>"
        }
        if let me { return "<p data-owner=\"\">Everyone's renewals · <a href=\"/renewals?\(window.parameter)\">Yours (CSM \(me))</a></p>" }
        return ""
    }

    func render() -> HTML {
        let links: [(Window, String)] = [
            (.days(30), "Next 30 days"), (.days(60), "Next 60 days"), (.days(90), "Next 90 days"),
            (.thisQuarter, "This quarter"), (.closed(Grain.quarter.start(containing: asOf).adding(months: -3)), "Last closed quarter"),
        ]
        let selector = links.map { w, label -> HTML in
            w == window ? "<strong>\(label)</strong> " : "<a href=\"/renewals?\(w.parameter)\(whose)\">\(label)</a> "
        }
        let table = self.table(all: false)
        let pager = DataTable.pager(page: min(page, pageCount), pageCount: pageCount) { "/renewals?\(window.parameter)\(whose)&page=\($0)" }
        let closedNote: HTML = window.isClosed
            ? "<p class=\"muted\">A closed quarter: each renewal's forecast call against its outcome (commit and likely come true when ARR is kept, at risk and lost when it churns).</p>"
            : ""
        return """
            <h1>Renewals</h1><p class="muted">Subscription items with a term of a quarter or longer, as of \(asOf.description). \
            Outcomes and definitions: docs/metrics.md, renewals. \(likelihoodNote)</p>
            \(bookLine)<p class="filters" data-window="\(window.parameter)">\(selector)</p>\(closedNote)
            \(table.html(downloadQuery: window.parameter + whose, path: "/renewals"))\(pager)
            """
    }
}
