import VitalsCore

/// Zendesk's ticket CSV export (a view exported as CSV: `Id`, `Organization`, `Status`, `Created at`, `Solved at`,
/// `Replies`, `Reopens`, `Via`, `Priority`, ...) as tickets.
///
/// First contact resolution follows Zendesk's one-touch rule: a ticket solved or closed with fewer than 2 agent
/// replies was resolved on first contact; one solved or closed with more was not; an unsolved one is not resolved.
enum ZendeskTickets {
    static func read(_ csv: VendorCSV, matcher: inout AccountMatcher, time: VendorTime, options: VendorImportOptions) -> VendorRecords? {
        let id = csv.required(["Id", "Ticket id"], "Id")
        let organization = csv.required(options.accountColumn.map { [$0] } ?? ["Organization", "Organization name"], options.accountColumn ?? "Organization")
        let created = csv.required(["Created at"], "Created at")
        let status = csv.column(["Status", "Ticket status"])
        let solved = csv.column(["Solved at"])
        let replies = csv.column(["Replies", "Agent replies"])
        let reopens = csv.column(["Reopens"])
        let via = csv.column(["Via", "Channel"])
        let priority = csv.column(["Priority"])
        guard let id, let organization, let created else { return nil }
        var tickets: [Ticket] = []
        var seen: [String: Int] = [:]
        for (line, row) in csv.rows {
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            guard let ticketID = csv.value(row, id) else {
                fail(id, "a ticket id is required")
                continue
            }
            if let first = seen[ticketID] { fail(id, "ticket '\(ticketID)' is also on line \(first)") }
            seen[ticketID] = line
            var account: AccountIndex?
            if let name = csv.value(row, organization) {
                switch matcher.account(name) {
                case .success(let a): account = a
                case .failure(let p): fail(organization, p.reason)
                }
            } else {
                fail(organization, "the ticket has no organization (every ticket must belong to an account)")
            }
            let openedAt = csv.value(row, created).flatMap(time.parse)
            if openedAt == nil { fail(created, "'\(csv.value(row, created) ?? "")' is not a date and time") }
            func count(_ column: Int?) -> Int? {
                guard let text = csv.value(row, column) else { return nil }
                guard let n = Int(text), (0...100_000).contains(n) else {
                    fail(column, "'\(text)' is not a whole number from 0 to 100000")
                    return nil
                }
                return n
            }
            let replyCount = count(replies)
            let reopenCount = count(reopens)
            let state = csv.value(row, status)?.lowercased()
            let isSolved = state == "solved" || state == "closed"
            var resolvedAt: Timestamp?
            if isSolved {
                if let text = csv.value(row, solved) {
                    resolvedAt = time.parse(text)
                    if resolvedAt == nil { fail(solved, "'\(text)' is not a date and time") }
                } else {
                    fail(solved, "a \(state!) ticket needs its Solved at time")
                }
            } else if status == nil, let text = csv.value(row, solved) {
                // Without a Status column, a Solved at time is what says the ticket was solved.
                resolvedAt = time.parse(text)
                if resolvedAt == nil { fail(solved, "'\(text)' is not a date and time") }
            }
            if let resolvedAt, let openedAt, resolvedAt < openedAt { fail(solved, "solved before it was created") }
            // Zendesk's four priorities are Vitals' own; a ticket without one has none.
            let level = csv.value(row, priority).map { $0.lowercased() }
            let urgency = level.flatMap(TicketPriority.init(rawValue:))
            if let level, urgency == nil {
                fail(priority, "'\(level)' is not one of \(TicketPriority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard ok, let account, let openedAt else { continue }
            let fcr: Bool? = resolvedAt == nil ? nil : replyCount.map { $0 < 2 }
            tickets.append(Ticket(
                id: TicketID(ticketID), account: account, openedAt: openedAt, resolvedAt: resolvedAt,
                agentReplies: replyCount, reopens: reopenCount, firstContactResolution: fcr,
                channel: csv.value(row, via)?.lowercased(), priority: urgency))
        }
        var dataset = matcher.dataset
        dataset.tickets = tickets
        return .dataset(dataset, newRecords: tickets.count)
    }
}
