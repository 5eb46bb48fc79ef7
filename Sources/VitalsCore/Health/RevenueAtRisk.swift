/// Revenue at risk as of an instant (`docs/metrics.md`, `revenue_at_risk`): the MRR of the paying accounts in the red
/// band, plus the MRR of those below green (yellow) whose next renewal falls within the renewal window.
///
/// Each account counts once, under one reason: `red` (red, renewing or not) or `renewal` (yellow, renewing within the
/// window). Green accounts are never at risk.
public struct RevenueAtRisk: Sendable, Equatable {
    public enum Reason: String, Sendable, CaseIterable, Codable {
        /// In the red band.
        case red
        /// Yellow, with a renewal within the window.
        case renewal
    }

    public struct Entry: Sendable, Equatable {
        public var account: AccountIndex
        public var mrr: Int64
        public var score: Double
        public var band: HealthBand
        public var reason: Reason
        public var renewal: Timestamp?
        /// The account's value of the breakdown attribute ("(none)" when it has none).
        public var segment: String
    }

    public var at: Timestamp
    /// The attribute the breakdown by segment uses (the touch tier by default).
    public var attribute: String
    public var renewalWindowDays: Int
    /// Total MRR at risk, reporting-currency minor units.
    public var total: Int64
    /// MRR of all paying accounts scored, for the share at risk.
    public var scoredMRR: Int64
    public var byReason: [Reason: Int64]
    public var bySegment: [String: Int64]
    /// The accounts at risk, largest MRR first.
    public var entries: [Entry]

    /// Computes revenue at risk from the scores of `health` (as `HealthEngine.assessAll(at:)` gives them).
    public static func compute(
        _ health: [AccountHealth], engine: HealthEngine, at t: Timestamp, by attribute: String? = nil
    ) -> RevenueAtRisk {
        let attribute = attribute ?? engine.settings.touch.attribute
        let window = engine.settings.renewalWindowDays
        let horizon = t.adding(days: window)
        var entries: [Entry] = []
        var scored: Int64 = 0
        for h in health {
            scored += h.mrr
            guard h.band != .green else { continue }
            let renewal = engine.index.nextRenewal(of: h.account, after: t)
            let reason: Reason
            if h.band == .red {
                reason = .red
            } else if let renewal, renewal < horizon {
                reason = .renewal
            } else {
                continue
            }
            entries.append(Entry(
                account: h.account, mrr: h.mrr, score: h.score, band: h.band, reason: reason, renewal: renewal,
                segment: engine.accounts[h.account.int].attribute(attribute) ?? "(none)"))
        }
        entries.sort { ($0.mrr, $1.account) > ($1.mrr, $0.account) }
        var byReason: [Reason: Int64] = [.red: 0, .renewal: 0]
        var bySegment: [String: Int64] = [:]
        for e in entries {
            byReason[e.reason, default: 0] += e.mrr
            bySegment[e.segment, default: 0] += e.mrr
        }
        return RevenueAtRisk(
            at: t, attribute: attribute, renewalWindowDays: window, total: entries.reduce(0) { $0 + $1.mrr },
            scoredMRR: scored, byReason: byReason, bySegment: bySegment, entries: entries)
    }
}
