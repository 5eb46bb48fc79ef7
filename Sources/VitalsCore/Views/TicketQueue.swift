/// The support queue as a support lead reads it: the tickets opened in a span, filtered by priority, state, channel
/// and account, newest first, with the support figures of the tickets shown for each priority (docs/metrics.md,
/// "Support"): opened, still open at the as-of instant, resolved, first contact resolution and median resolution time.
public struct TicketQueue: Sendable {
    /// Whether a ticket was still open at the as-of instant, or resolved by then.
    public enum State: String, Sendable, CaseIterable {
        case open, resolved
    }

    public struct Filter: Sendable {
        /// `nil`: any priority.
        public var priority: PriorityChoice?
        public var state: State?
        /// Compared without regard to case; `nil`: any channel.
        public var channel: String?
        /// Tickets opened in this span (start inclusive, end exclusive); `nil`: any time.
        public var opened: Range<Timestamp>?

        public init(priority: PriorityChoice? = nil, state: State? = nil, channel: String? = nil, opened: Range<Timestamp>? = nil) {
            self.priority = priority
            self.state = state
            self.channel = channel
            self.opened = opened
        }
    }

    /// One priority, or tickets without one.
    public enum PriorityChoice: Sendable, Hashable {
        case level(TicketPriority)
        case unset

        public init?(_ text: String) {
            if text == "none" { self = .unset } else if let level = TicketPriority(rawValue: text) { self = .level(level) } else { return nil }
        }

        public var text: String {
            switch self {
            case .level(let level): level.rawValue
            case .unset: "none"
            }
        }
    }

    /// The figures of the tickets shown with one priority (`nil`: without one), or of all of them.
    public struct Line: Sendable, Equatable {
        public var priority: TicketPriority?
        public var tickets = 0
        /// Opened at or before the as-of instant and not resolved by then.
        public var open = 0
        /// Resolved at or before the as-of instant.
        public var resolved = 0
        /// Of `resolved`, those resolved on first contact (`SupportKPIs.isFirstContactResolution`).
        public var resolvedOnFirstContact = 0
        /// The median of the resolved tickets' hours from opened to resolved; `nil` with none resolved.
        public var medianResolutionHours: Double?

        /// First contact resolution rate: resolved on first contact / resolved; `nil` with none resolved.
        public var fcrRate: Double? { resolved == 0 ? nil : Double(resolvedOnFirstContact) / Double(resolved) }
    }

    /// The positions in the dataset's `tickets` of the tickets shown, newest opened first (ties by id).
    public let tickets: [Int]
    /// One line per priority with tickets shown, most urgent first, then tickets without a priority.
    public let lines: [Line]
    /// All tickets shown.
    public let total: Line
    /// Every channel of the dataset's tickets, sorted (for a filter's choices).
    public let channels: [String]

    /// - Parameter includes: whether an account's tickets are shown (its segment).
    public init(tickets all: [Ticket], filter: Filter, asOf: Timestamp, includes: (AccountIndex) -> Bool) {
        let channel = filter.channel?.lowercased()
        func isOpen(_ t: Ticket) -> Bool { t.openedAt <= asOf && (t.resolvedAt.map { $0 > asOf } ?? true) }
        func isResolved(_ t: Ticket) -> Bool { t.resolvedAt.map { $0 <= asOf } ?? false }
        var shown: [Int] = []
        var channels: Set<String> = []
        for (i, t) in all.enumerated() {
            if let c = t.channel { channels.insert(c) }
            if let span = filter.opened, !span.contains(t.openedAt) { continue }
            switch filter.priority {
            case .level(let level)?: if t.priority != level { continue }
            case .unset?: if t.priority != nil { continue }
            case nil: break
            }
            switch filter.state {
            case .open?: if !isOpen(t) { continue }
            case .resolved?: if !isResolved(t) { continue }
            case nil: break
            }
            if let channel, t.channel?.lowercased() != channel { continue }
            guard includes(t.account) else { continue }
            shown.append(i)
        }
        shown.sort { all[$0].openedAt != all[$1].openedAt ? all[$0].openedAt > all[$1].openedAt : all[$0].id < all[$1].id }

        func line(_ priority: TicketPriority?, _ indices: [Int]) -> Line {
            var line = Line(priority: priority, tickets: indices.count)
            var hours: [Double] = []
            for i in indices {
                let t = all[i]
                if isOpen(t) { line.open += 1 }
                guard isResolved(t), let resolvedAt = t.resolvedAt else { continue }
                line.resolved += 1
                if SupportKPIs.isFirstContactResolution(
                    flag: t.firstContactResolution, agentReplies: t.agentReplies, reopens: t.reopens)
                {
                    line.resolvedOnFirstContact += 1
                }
                hours.append(Double(resolvedAt.seconds - t.openedAt.seconds) / 3600)
            }
            line.medianResolutionHours = hours.withUnsafeMutableBufferPointer { Median.of($0) }
            return line
        }
        var byPriority: [TicketPriority?: [Int]] = [:]
        for i in shown { byPriority[all[i].priority, default: []].append(i) }
        let order: [TicketPriority?] = TicketPriority.allCases.reversed().map { $0 } + [nil]
        lines = order.compactMap { p in byPriority[p].map { line(p, $0) } }
        total = line(nil, shown)
        tickets = shown
        self.channels = channels.sorted()
    }
}
