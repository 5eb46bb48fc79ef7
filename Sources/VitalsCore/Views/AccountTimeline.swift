/// One account's history on one line (docs/workspace.md, "Timeline"): what the CS team logged, how its MRR moved,
/// its tickets, survey answers, alerts, tasks, onboarding milestones and goals, newest first.
public struct AccountTimeline: Sendable {
    /// What an entry is, for filtering: an activity's own kind, or the kind of record it comes from.
    public enum Kind: String, Sendable, CaseIterable {
        case note, call, meeting, email, qbr
        case mrr, ticket, survey, alert, task, onboarding, goal

        public init(_ activity: ActivityKind) { self = Kind(rawValue: activity.rawValue)! }

        public var label: String {
            switch self {
            case .note, .call, .meeting, .email, .qbr: ActivityKind(rawValue: rawValue)!.label
            case .mrr: "MRR"
            case .ticket: "Ticket"
            case .survey: "Survey"
            case .alert: "Alert"
            case .task: "Task"
            case .onboarding: "Onboarding"
            case .goal: "Goal"
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        public var at: Timestamp
        public var kind: Kind
        public var title: String
        public var detail: String
        /// Who did it or wrote it, when known.
        public var who: String?
        public var tone: Sentiment?

        public init(at: Timestamp, kind: Kind, title: String, detail: String = "", who: String? = nil, tone: Sentiment? = nil) {
            self.at = at
            self.kind = kind
            self.title = title
            self.detail = detail
            self.who = who
            self.tone = tone
        }
    }

    public let entries: [Entry]

    /// - Parameters:
    ///   - mrr: the account's MRR after each change, in minor units of `currency` (`RevenueTimeline.history`).
    ///   - formatMoney: how money is written in the entries.
    public init(
        dataset: Dataset, account: AccountIndex, mrr: [(at: Timestamp, mrr: Int64)], alerts: [StoredAlert],
        tasks: [StoredTask], formatMoney: (Int64) -> String
    ) {
        var out: [Entry] = []
        let contacts = Dictionary(
            dataset.contacts.lazy.filter { $0.account == account }.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        for a in dataset.activities where a.account == account {
            var detail = a.body ?? ""
            if let c = a.contact { detail = "with \(contacts[c] ?? c.rawValue)" + (detail.isEmpty ? "" : ": " + detail) }
            out.append(Entry(at: a.occurredAt, kind: Kind(a.kind), title: a.subject ?? a.kind.label, detail: detail, who: a.author, tone: a.sentiment))
        }
        var before: Int64 = 0
        for step in mrr {
            let change = step.mrr &- before
            defer { before = step.mrr }
            guard change != 0 else { continue }
            let what =
                before == 0 ? "New MRR" : step.mrr == 0 ? "Churned" : change > 0 ? "Expansion" : "Contraction"
            out.append(
                Entry(
                    at: step.at, kind: .mrr, title: "\(what) \(change > 0 ? "+" : "−")\(formatMoney(Int64(clamping: change.magnitude)))",
                    detail: "MRR \(formatMoney(before)) → \(formatMoney(step.mrr))", tone: change > 0 ? .positive : .negative))
        }
        for t in dataset.tickets where t.account == account {
            let priority = t.priority.map { " (\($0.rawValue))" } ?? ""
            out.append(Entry(at: t.openedAt, kind: .ticket, title: "Ticket \(t.id) opened\(priority)", detail: t.channel.map { "by \($0)" } ?? ""))
            if let resolved = t.resolvedAt {
                out.append(Entry(at: resolved, kind: .ticket, title: "Ticket \(t.id) resolved"))
            }
        }
        for r in dataset.surveyResponses where r.account == account {
            let score = r.score == r.score.rounded() ? String(Int(r.score)) : String(r.score)
            out.append(
                Entry(
                    at: r.respondedAt, kind: .survey, title: "\(r.survey.rawValue.uppercased()) \(score) of \(Int(r.scaleMax))",
                    detail: r.comment ?? "", who: r.contact.map { contacts[ContactID($0)] ?? $0 }, tone: Self.tone(r)))
        }
        for a in alerts {
            out.append(Entry(at: a.firedAt, kind: .alert, title: a.title, detail: a.reason, tone: .negative))
            if let cleared = a.clearedAt { out.append(Entry(at: cleared, kind: .alert, title: "Cleared: \(a.title)")) }
        }
        for t in tasks {
            out.append(Entry(at: t.createdAt, kind: .task, title: "Task: \(t.title)", detail: "for \(t.owner), due \(t.dueAt.date)"))
            if let closed = t.closedAt {
                out.append(
                    Entry(
                        at: closed, kind: .task, title: "Task \(t.status == .done ? "done" : "dismissed"): \(t.title)",
                        detail: t.note ?? "", who: t.closedBy))
            }
        }
        for m in dataset.onboarding where m.account == account {
            if let done = m.completedAt { out.append(Entry(at: done, kind: .onboarding, title: "Milestone \(m.milestone) completed", tone: .positive)) }
        }
        for g in dataset.successGoals where g.account == account {
            if let achieved = g.achievedAt { out.append(Entry(at: achieved, kind: .goal, title: "Goal achieved: \(g.name)", tone: .positive)) }
        }
        // Newest first; at the same instant, in the order above (stable).
        entries = out.enumerated().sorted { a, b in
            a.element.at != b.element.at ? a.element.at > b.element.at : a.offset < b.offset
        }.map(\.element)
    }

    /// The entries of `kinds` (all when empty).
    public func filtered(_ kinds: Set<Kind>) -> [Entry] {
        kinds.isEmpty ? entries : entries.filter { kinds.contains($0.kind) }
    }

    /// How an answer reads: an NPS promoter (9-10) or detractor (0-6) as NPS counts them (docs/metrics.md); for CSAT
    /// the top or bottom two points of the scale, for CES (lower is better) the reverse.
    static func tone(_ r: SurveyResponse) -> Sentiment {
        switch r.survey {
        case .nps: return r.score >= 9 ? .positive : r.score <= 6 ? .negative : .neutral
        case .csat: return r.score >= r.scaleMax - 1 ? .positive : r.score <= r.scaleMin + 1 ? .negative : .neutral
        case .ces: return r.score <= r.scaleMin + 1 ? .positive : r.score >= r.scaleMax - 1 ? .negative : .neutral
        }
    }
}
