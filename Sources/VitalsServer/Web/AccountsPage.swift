import VitalsApp
import VitalsCore
import VitalsFormats

/// The accounts table: sortable, filterable by segment, status and name, paged on the page and whole in the CSV.
struct AccountsPage {
    enum SortKey: String, CaseIterable {
        case name, status, plan, csm, mrr, health, nps, activity, renewal
    }

    var query: DashboardQuery
    var currency: CurrencyCode
    var search: String
    var status: AccountSummary.Status?
    var sort: SortKey
    var descending: Bool
    var page: Int
    var pageSize = 100
    /// The filtered and sorted accounts (all pages).
    var rows: [AccountSummary]
    /// Health score and band per account index, when health scores exist.
    var health: [Int: (score: Double, band: String)]
    /// Only the accounts of this CSM (`accounts.csm`): the person signed in's own by default, when linked to a name.
    var owner: String?
    /// The CSM name of the person signed in.
    var me: String?
    /// Every CSM's accounts, though the person signed in has their own (`everyone=1`).
    var everyone: Bool { owner == nil && me != nil }

    init(
        query: DashboardQuery, currency: CurrencyCode, parameters: [String: String], summaries: [AccountSummary],
        accounts: [Account], health: [Int: (score: Double, band: String)], me: String? = nil
    ) {
        self.me = me
        let owner = parameters["everyone"] == "1" ? nil : parameters["csm"].flatMap { $0.isEmpty ? nil : $0 } ?? me
        self.owner = owner
        self.query = query
        self.currency = currency
        self.health = health
        let search = parameters["q"] ?? ""
        let status = parameters["status"].flatMap(AccountSummary.Status.init(rawValue:))
        self.search = search
        self.status = status
        let sort = parameters["sort"].flatMap(SortKey.init(rawValue:)) ?? .mrr
        let descending = parameters["dir"].map { $0 != "asc" } ?? (sort == .mrr || sort == .health || sort == .activity)
        self.sort = sort
        self.descending = descending
        page = max(1, Int(parameters["page"] ?? "") ?? 1)
        let needle = search.lowercased()
        var kept = summaries.filter { s in
            (query.segment?.matches(accounts[s.index.int]) ?? true)
                && (status == nil || s.status == status) && (owner == nil || s.csm == owner)
                && (needle.isEmpty || s.name.lowercased().contains(needle) || s.id.rawValue.lowercased().contains(needle))
        }
        func key(_ s: AccountSummary) -> (Double?, String?) {
            switch sort {
            case .name: (nil, s.name.lowercased())
            case .status: (nil, s.status.rawValue)
            case .plan: (nil, s.plan)
            case .csm: (nil, s.csm)
            case .mrr: (Double(s.mrr), nil)
            case .health: (health[s.index.int]?.score, nil)
            case .nps: (s.latestNPS, nil)
            case .activity: (s.lastActivity.map { Double($0.seconds) }, nil)
            case .renewal: (s.renewal.map { Double($0.daysSinceEpoch) }, nil)
            }
        }
        // Missing values sort last either way; ties by name, so the order is stable between requests.
        kept.sort { a, b in
            let (ka, kb) = (key(a), key(b))
            if let x = ka.0 ?? nil, let y = kb.0 ?? nil, x != y { return descending ? x > y : x < y }
            if let x = ka.1, let y = kb.1, x != y { return descending ? x > y : x < y }
            let aMissing = ka.0 == nil && ka.1 == nil, bMissing = kb.0 == nil && kb.1 == nil
            if aMissing != bMissing { return bMissing }
            return a.name < b.name || a.name == b.name && a.id.rawValue < b.id.rawValue
        }
        rows = kept
    }

    var pageCount: Int { max(1, (rows.count + pageSize - 1) / pageSize) }

    func table(all: Bool) -> DataTable {
        let shown = all ? rows[...] : rows.dropFirst((min(page, pageCount) - 1) * pageSize).prefix(pageSize)
        var columns: [DataTable.Column] = [
            .init(title: "Account ID", inHTML: false), .init(title: "Account", sortKey: "name"), .init(title: "Status", sortKey: "status"),
            .init(title: "Plan", sortKey: "plan"),
            .init(title: "CSM", sortKey: "csm"), .init(title: "MRR (\(currency))", numeric: true, sortKey: "mrr"),
        ]
        if !health.isEmpty { columns.append(.init(title: "Health", numeric: true, sortKey: "health")) }
        columns += [
            .init(title: "NPS", numeric: true, sortKey: "nps"), .init(title: "Last activity", sortKey: "activity"),
            .init(title: "Renewal", sortKey: "renewal"),
        ]
        return DataTable(
            name: "accounts", caption: rows.count == 1 ? "1 account" : "\(Display.integer(rows.count)) accounts",
            columns: columns,
            rows: shown.map { s in
                var cells: [DataTable.Cell] = [
                    .init(text: s.id.rawValue),
                    .init(text: s.name, link: "/accounts/\(URLQuery.escape(s.id.rawValue))", data: [("account", s.id.rawValue)]),
                    .init(text: s.status.rawValue), .init(text: s.plan ?? ""), .init(text: s.csm ?? ""),
                    .init(
                        text: Display.money(s.mrr, currency), raw: Money.decimalString(s.mrr, exponent: currency.minorUnitExponent),
                        data: [("value", Money.decimalString(s.mrr, exponent: currency.minorUnitExponent))]),
                ]
                if !health.isEmpty {
                    let h = health[s.index.int]
                    cells.append(.init(text: h.map { "\(Int($0.score.rounded())) \($0.band)" } ?? "", raw: h.map { String(format: "%.1f", $0.score) } ?? ""))
                }
                cells += [
                    .init(text: s.latestNPS.map { KPIDrivers.formatScore($0) } ?? ""),
                    .init(text: s.lastActivity?.date.description ?? ""), .init(text: s.renewal?.description ?? ""),
                ]
                return cells
            })
    }

    func link(_ changes: [String: String?]) -> String {
        var pairs: [(String, String?)] = [
            ("grain", query.grain == .month ? nil : query.grain.rawValue), ("from", query.from?.description),
            ("to", query.to?.description), ("segment", query.segmentText), ("q", search), ("status", status?.rawValue),
            ("sort", sort.rawValue), ("dir", descending ? "desc" : "asc"), ("page", nil),
            ("csm", owner == me ? nil : owner), ("everyone", everyone ? "1" : nil),
        ]
        for (k, v) in changes {
            if let i = pairs.firstIndex(where: { $0.0 == k }) { pairs[i].1 = v } else { pairs.append((k, v)) }
        }
        return "/accounts?" + URLQuery.encode(pairs)
    }

    func render() -> HTML {
        let statuses = [("", "any status")] + [AccountSummary.Status.paying, .trial, .churned, .prospect].map { ($0.rawValue, $0.rawValue) }
        let statusOptions = statuses.map { v, label -> HTML in
            v == (status?.rawValue ?? "") ? "<option value=\"\(v)\" selected>\(label)</option>" : "<option value=\"\(v)\">\(label)</option>"
        }
        let table = table(all: false)
        let sortLink: (String) -> String? = { key in
            let flip = key == sort.rawValue ? (descending ? "asc" : "desc") : (["mrr", "health", "activity"].contains(key) ? "desc" : "asc")
            return link(["sort": key, "dir": flip])
        }
        let downloadQuery = String(link([:]).dropFirst("/accounts?".count))
        let pager = DataTable.pager(page: page, pageCount: pageCount) { link(["page": String($0)]) }
        let whose: HTML =
            if let owner {
                "<p data-owner=\"\(owner)\">\(owner == me ? "Your accounts" : "Accounts of \(owner)") (CSM \(owner)) · <a href=\"\(link(["csm": nil, "everyone": "1"]))\">Everyone's accounts</a></p>"
            } else if let me {
                "<p data-owner=\"\">Everyone's accounts · <a href=\"\(link(["csm": nil, "everyone": nil]))\">Your accounts (CSM \(me))</a></p>"
            } else { "" }
        return """
            <h1>Accounts</h1>\(whose)
            <form class="filters" method="get" action="/accounts">
            <label>Search<input type="search" name="q" value="\(search)" placeholder="name or id"></label>
            <label>Status<select name="status">\(statusOptions)</select></label>
            <label>Segment<input type="text" name="segment" value="\(query.segmentText)" placeholder="e.g. plan=pro" size="24"></label>\(query.picker?.controls)\(query.savedControls)
            <input type="hidden" name="sort" value="\(sort.rawValue)"><input type="hidden" name="dir" value="\(descending ? "desc" : "asc")">\
            \(owner.flatMap { $0 == me ? nil : HTML("<input type=\"hidden\" name=\"csm\" value=\"\($0)\">") })\
            \(everyone ? HTML("<input type=\"hidden\" name=\"everyone\" value=\"1\">") : nil)
            <button type="submit">Filter</button></form>\(query.saveForm(action: "/accounts"))
            \(query.problem.map { p -> HTML in "<p class=\"error\">\(p)</p>" })
            \(table.html(downloadQuery: downloadQuery, path: "/accounts", sortLinks: sortLink))\(pager)
            """
    }
}
