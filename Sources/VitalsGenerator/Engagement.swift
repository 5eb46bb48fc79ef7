/// How engaged an account is, day by day, against its usual self: the path to a churn or a downgrade that usage,
/// support and surveys show before the revenue does, as in real SaaS data (docs/health.md, "The demo company").
///
/// Drawn after the subscription history (so the revenue a seed gives does not change) from the account's own stream:
/// - most churns (90 %) are preceded by a decline that starts 60 to 210 days before and deepens until the account
///   leaves (a quarter to a half of its use lost every month); the rest come without warning (a budget cut, an
///   acquisition);
/// - most plan downgrades (70 %) are preceded by a milder sag (10-25 % a month) over 30 to 90 days, which recovers
///   after;
/// - any paying month, a 2 % chance of a dip that recovers (a holiday, a reorganisation): the false alarms.
///
/// `level` scales how much the account uses the product (1 = usual); `strain` (0 ... 1) is how far below its usual
/// self it is, which raises tickets and lowers survey answers and CSM ratings. One instance is reused for every
/// account (its array keeps its storage).
struct Engagement {
    /// A fall in engagement: from `from` to `bottom` the account loses `monthlyLoss` of its use every 30 days (so
    /// each period looks worse than the one before, as the usage trend sees it), never below 5 %; then it climbs back
    /// linearly to its usual self at `until` (`until == bottom` when the account leaves at the bottom).
    struct Decline {
        var from: Int
        var bottom: Int
        var until: Int
        var monthlyLoss: Double

        /// The share of its usual use the account keeps on `day` (1 outside the decline).
        @inline(__always)
        func level(_ day: Int) -> Double {
            guard day >= from && day < until else { return 1 }
            let low = max(0.05, power(1 - monthlyLoss, Double(min(day, bottom) - from) / 30))
            guard day > bottom else { return low }
            return low + (1 - low) * Double(day - bottom) / Double(until - bottom)
        }
    }

    private(set) var declines: [Decline] = []

    static let warnedChurn = 0.9
    static let warnedDowngrade = 0.7
    static let dipPerMonth = 0.02

    /// Draws the declines of the account whose history `life` holds.
    mutating func draw(life: AccountLife, window: Window, rng: inout SeededRandom) {
        declines.removeAll(keepingCapacity: true)
        guard let paid = life.firstPaidDay else { return }
        for span in life.spans {
            let start = max(paid, Int(span.from / 86_400))
            let end = Int(span.to / 86_400)
            guard end > start else { continue }
            // Dips that recover, over the paying months.
            var month = start + 30
            while month < end {
                if rng.chance(Engagement.dipPerMonth) {
                    let bottom = month + rng.int(in: 10...40)
                    let until = bottom + rng.int(in: 15...60)
                    declines.append(
                        Decline(from: month, bottom: bottom, until: until, monthlyLoss: rng.double(in: 0.3...0.6)))
                }
                month += 30
            }
            // The path to a churn (the span ended before the window did).
            if span.to < window.endSeconds, rng.chance(Engagement.warnedChurn) {
                let from = max(start, end - rng.int(in: 60...210))
                if end - from >= 14 {
                    declines.append(Decline(from: from, bottom: end, until: end, monthlyLoss: rng.double(in: 0.25...0.5)))
                }
            }
        }
        for day in life.downgrades where rng.chance(Engagement.warnedDowngrade) {
            let from = max(paid, day - rng.int(in: 30...90))
            guard day - from >= 14 else { continue }
            declines.append(
                Decline(from: from, bottom: day, until: day + rng.int(in: 30...90), monthlyLoss: rng.double(in: 0.1...0.25)))
        }
    }

    /// How much the account uses the product on `day` against its usual self (1 when no decline touches it).
    @inline(__always)
    func level(_ day: Int) -> Double {
        var level = 1.0
        for d in declines { level *= d.level(day) }
        return level
    }

    /// How far below its usual self the account is on `day`: 0 (as usual) ... 1.
    @inline(__always)
    func strain(_ day: Int) -> Double { declines.isEmpty ? 0 : 1 - level(day) }
}

/// `x` to the power `y` (x > 0), by the generator's own logarithm and exponential.
@inline(__always)
private func power(_ x: Double, _ y: Double) -> Double { Maths.e(y * Maths.ln(x)) }
