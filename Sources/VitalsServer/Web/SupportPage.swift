import VitalsCore

/// The support page: the tickets opened in the shown periods, by priority, with filters for priority, state and
/// channel beside the period and segment; the figures per priority on top, then every ticket, paged on the page and
/// whole in the CSV.
struct SupportPage {
    var query: DashboardQuery
    var filter: TicketQueue.Filter
    var queue: TicketQueue
    var tickets: [Ticket]
    var accounts: [Account]
    var page: Int
    var pageSize = 100

    init(query: DashboardQuery, parameters: [String: String], dataset: Dataset, asOf: Timestamp) {
        self.query = query
        let span = (query.periods.first?.start).flatMap { start in
            query.periods.last.map { start..<max(start, $0.end) }
        }
        filter = TicketQueue.Filter(
            priority: parameters["priority"].flatMap(TicketQueue.PriorityChoice.init),
            state: parameters["state"].flatMap(TicketQueue.State.init(rawValue:)),
            channel: parameters["channel"].flatMap { $0.isEmpty ? nil : $0 }, opened: span)
        let segment = query.segment
        let accounts = dataset.accounts
        queue = TicketQueue(tickets: dataset.tickets, filter: filter, asOf: asOf) { a in
            segment?.matches(accounts[a.int]) ?? true
        }
        tickets = dataset.tickets
        self.accounts = accounts
        page = max(1, Int(parameters["page"] ?? "") ?? 1)
    }

    var pageCount: Int { max(1, (queue.tickets.count + pageSize - 1) / pageSize) }

    static func priorityName(_ p: TicketPriority?) -> String { p?.rawValue ?? "not set" }

    static func hours(_ h: Double?) -> String {
        guard let h else { return "" }
        return h < 48 ? "\(Display.compact((h * 10).rounded() / 10)) h" : "\(Display.compact((h / 2.4).rounded() / 10)) d"
    }

    /// `2026-11-30 20:39` (UTC), as a person reads a ticket's times.
    static func when(_ t: Timestamp) -> String {
        let minutes = Int((t.seconds - Int64(t.date.daysSinceEpoch) * 86_400) / 60)
        let hh = minutes / 60, mm = minutes % 60
        return "\(t.date) \(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }

    static func percent(_ x: Double?) -> String { x.map { "\(Display.compact(($0 * 1000).rounded() / 10)) %" } ?? "" }

    /// The figures per priority.
    var summary: DataTable {
        let rows = (queue.lines + [queue.total]).enumerated().map { k, line -> [DataTable.Cell] in
            let isTotal = k == queue.lines.count
            return [
                .init(text: isTotal ? "All shown" : Self.priorityName(line.priority)),
                .init(text: Display.integer(line.tickets)), .init(text: Display.integer(line.open)), .init(text: Display.integer(line.resolved)),
                .init(text: Self.percent(line.fcrRate), raw: line.fcrRate.map { String($0) } ?? ""),
                .init(text: Self.hours(line.medianResolutionHours), raw: line.medianResolutionHours.map { String($0) } ?? ""),
            ]
        }
        return DataTable(
            name: "priorities", caption: "By priority",
            columns: [
                .init(title: "Priority"), .init(title: "Tickets", numeric: true), .init(title: "Open now", numeric: true),
                .init(title: "Resolved", numeric: true), .init(title: "First contact resolution", numeric: true),
                .init(title: "Median time to resolve", numeric: true),
            ],
            rows: rows)
    }

    /// The tickets shown: one page, or all of them for the CSV.
    func list(all: Bool) -> DataTable {
        let shown = all ? queue.tickets[...] : queue.tickets.dropFirst((min(page, pageCount) - 1) * pageSize).prefix(pageSize)
        return DataTable(
            name: "tickets", caption: "\(Display.integer(queue.tickets.count)) tickets",
            columns: [
                .init(title: "Ticket"), .init(title: "Account"), .init(title: "Priority"), .init(title: "Channel"),
                .init(title: "Opened (UTC)"), .init(title: "Resolved (UTC)"), .init(title: "Time to resolve", numeric: true),
                .init(title: "Replies", numeric: true), .init(title: "Reopens", numeric: true),
            ],
            rows: shown.map { i in
                let t = tickets[i]
                let account = accounts[t.account.int]
                let hours = t.resolvedAt.map { Double($0.seconds - t.openedAt.seconds) / 3600 }
                return [
                    .init(text: t.id.rawValue),
                    .init(text: account.name, raw: account.id.rawValue, link: "/accounts/\(URLQuery.escape(account.id.rawValue))"),
                    .init(text: Self.priorityName(t.priority), raw: t.priority?.rawValue ?? ""),
                    .init(text: t.channel ?? ""), .init(text: Self.when(t.openedAt), raw: t.openedAt.description),
                    .init(text: t.resolvedAt.map(Self.when) ?? "open", raw: t.resolvedAt?.description ?? ""),
                    .init(text: Self.hours(hours), raw: hours.map { String($0) } ?? ""),
                    .init(text: t.agentReplies.map(String.init) ?? ""), .init(text: t.reopens.map(String.init) ?? ""),
                ]
            })
    }

    func link(_ changes: [String: String?]) -> String {
        var pairs: [(String, String?)] = [
            ("grain", query.grain == .month ? nil : query.grain.rawValue), ("from", query.from?.description),
            ("to", query.to?.description), ("segment", query.segmentText), ("priority", filter.priority?.text),
            ("state", filter.state?.rawValue), ("channel", filter.channel), ("page", nil),
        ]
        for (k, v) in changes {
            if let i = pairs.firstIndex(where: { $0.0 == k }) { pairs[i].1 = v } else { pairs.append((k, v)) }
        }
        return "/support?" + URLQuery.encode(pairs)
    }

    private func options(_ choices: [(String, String)], selected: String) -> HTML {
        HTML(raw: choices.map { value, label in
            let v = HTML.escape(value), l = HTML.escape(label)
            return value == selected ? "<option value=\"\(v)\" selected>\(l)</option>" : "<option value=\"\(v)\">\(l)</option>"
        }.joined())
    }

    func render() -> HTML {
        let priorities = [("", "any priority")] + TicketPriority.allCases.reversed().map { ($0.rawValue, $0.rawValue) }
            + [("none", "not set")]
        let states = [("", "open or resolved"), ("open", "open now"), ("resolved", "resolved")]
        let channels = [("", "any channel")] + queue.channels.map { ($0, $0) }
        let download = String(link([:]).dropFirst("/support?".count))
        let pager = DataTable.pager(page: page, pageCount: pageCount) { link(["page": String($0)]) }
        let period = query.periods.first.map { first in
            let last = Timestamp(query.periods.last?.endDate ?? first.endDate).adding(days: -1).date
            return "Tickets opened \(first.startDate) to \(last); open and resolved as of the last complete day."
        } ?? ""
        return """
            <h1>Support</h1>
            \(query.form(action: "/support", controls: """
                <label>Priority<select name="priority">\(options(priorities, selected: filter.priority?.text ?? ""))</select></label>
                <label>State<select name="state">\(options(states, selected: filter.state?.rawValue ?? ""))</select></label>
                <label>Channel<select name="channel">\(options(channels, selected: filter.channel ?? ""))</select></label>
                """))
            <p class="note">\(period) First contact resolution and time to resolve are over the tickets resolved; see \
            <a href="/kpis/fcr_rate">first contact resolution</a>.</p>
            \(summary.html(downloadQuery: download, path: "/support"))
            \(list(all: false).html(downloadQuery: download, path: "/support"))\(pager)
            """
    }
}
