import Testing

@testable import VitalsCore

/// The support queue, on five tickets worked by hand (as of 2025-02-01, tickets opened in January 2025).
@Suite struct TicketQueueTests {
    static func at(_ text: String) -> Timestamp { try! Timestamp.parse(text) }

    static let tickets: [Ticket] = [
        // urgent, 2 h, one reply: first contact.
        Ticket(id: "T1", account: AccountIndex(0), openedAt: at("2025-01-10T00:00:00Z"), resolvedAt: at("2025-01-10T02:00:00Z"),
               agentReplies: 1, reopens: 0, channel: "email", priority: .urgent),
        // urgent, 24 h, three replies: not first contact.
        Ticket(id: "T2", account: AccountIndex(0), openedAt: at("2025-01-12T00:00:00Z"), resolvedAt: at("2025-01-13T00:00:00Z"),
               agentReplies: 3, channel: "chat", priority: .urgent),
        // high, still open.
        Ticket(id: "T3", account: AccountIndex(1), openedAt: at("2025-01-20T00:00:00Z"), channel: "Email", priority: .high),
        // no priority, resolved only after the as-of day: open as of it.
        Ticket(id: "T4", account: AccountIndex(1), openedAt: at("2025-01-25T00:00:00Z"), resolvedAt: at("2025-02-05T00:00:00Z"),
               channel: "phone"),
        // opened in December: outside the span.
        Ticket(id: "T5", account: AccountIndex(0), openedAt: at("2024-12-01T00:00:00Z"), resolvedAt: at("2024-12-02T00:00:00Z"),
               priority: .low),
    ]
    static let january = at("2025-01-01T00:00:00Z")..<at("2025-02-01T00:00:00Z")
    static let asOf = at("2025-02-01T00:00:00Z")

    func queue(_ filter: TicketQueue.Filter, includes: (AccountIndex) -> Bool = { _ in true }) -> TicketQueue {
        TicketQueue(tickets: Self.tickets, filter: filter, asOf: Self.asOf, includes: includes)
    }

    @Test func theSpansTicketsNewestFirstWithTheirFiguresByPriority() {
        let q = queue(.init(opened: Self.january))
        #expect(q.tickets == [3, 2, 1, 0])
        #expect(q.lines.map(\.priority) == [.urgent, .high, nil])
        let urgent = q.lines[0]
        #expect(urgent.tickets == 2 && urgent.open == 0 && urgent.resolved == 2 && urgent.resolvedOnFirstContact == 1)
        #expect(urgent.fcrRate == 0.5)
        #expect(urgent.medianResolutionHours == 13)  // (2 + 24) / 2
        #expect(q.lines[1] == TicketQueue.Line(priority: .high, tickets: 1, open: 1))
        #expect(q.lines[2] == TicketQueue.Line(priority: nil, tickets: 1, open: 1))
        #expect(q.total.tickets == 4 && q.total.open == 2 && q.total.resolved == 2 && q.total.medianResolutionHours == 13)
        #expect(q.channels == ["Email", "chat", "email", "phone"])
    }

    @Test func filtersNarrowTheQueue() {
        #expect(queue(.init(priority: .level(.urgent), state: .resolved, opened: Self.january)).tickets == [1, 0])
        #expect(queue(.init(priority: .unset, opened: Self.january)).tickets == [3])
        #expect(queue(.init(state: .open, opened: Self.january)).tickets == [3, 2])
        // Channels match without regard to case.
        #expect(queue(.init(channel: "EMAIL", opened: Self.january)).tickets == [2, 0])
        #expect(queue(.init(opened: Self.january)) { $0 == AccountIndex(1) }.tickets == [3, 2])
        // Without a span, December's ticket is in.
        #expect(queue(.init(priority: .level(.low))).tickets == [4])
    }
}
