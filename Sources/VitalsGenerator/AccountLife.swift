import VitalsCore

/// What an account's subscription history tells the rest of the generator: when it used the product, how healthy
/// it was, and when it bought more. One instance is reused for every account (its arrays keep their storage).
struct AccountLife {
    /// A stretch of time (seconds, `[from, to)`) during which the account used the product (trial or subscription).
    struct Span {
        var from: Int64
        var to: Int64
    }

    /// An expansion the sales team can take credit for.
    struct Expansion {
        var day: Int
        var source: LeadSource
        /// The increase of monthly revenue, in the account currency's minor units.
        var monthlyDelta: Int64
    }

    var index = AccountIndex(0)
    /// Health by month of the window (index `Window.month(ofDay:)`).
    var health: [Double] = []
    var spans: [Span] = []
    var expansions: [Expansion] = []
    /// The days the account moved to a lower plan.
    var downgrades: [Int] = []
    var trialStartDay: Int?
    var firstPaidDay: Int?
    /// The highest monthly revenue reached, in the account currency's minor units.
    var peakMonthly: Int64 = 0

    private var filledMonth = -1
    private var lastHealth = 0.5

    /// Clears everything for the next account.
    mutating func reset(index: AccountIndex, months: Int, health: Double) {
        self.index = index
        self.health.removeAll(keepingCapacity: true)
        self.health.append(contentsOf: repeatElement(health, count: months + 1))
        spans.removeAll(keepingCapacity: true)
        expansions.removeAll(keepingCapacity: true)
        downgrades.removeAll(keepingCapacity: true)
        trialStartDay = nil
        firstPaidDay = nil
        peakMonthly = 0
        filledMonth = -1
        lastHealth = health
    }

    /// Records the health measured in `month`: months since the previous record keep the previous value.
    mutating func recordHealth(_ value: Double, month: Int) {
        guard month > filledMonth else {
            health[month] = value
            lastHealth = value
            return
        }
        var m = filledMonth + 1
        while m < month {
            health[m] = lastHealth
            m += 1
        }
        health[month] = value
        filledMonth = month
        lastHealth = value
    }

    /// Carries the last recorded health to the end of the window.
    mutating func finishHealth() {
        var m = filledMonth + 1
        while m < health.count {
            health[m] = lastHealth
            m += 1
        }
        filledMonth = health.count - 1
    }

    /// Starts a span of use at `seconds`.
    mutating func beginUse(_ seconds: Int64) { spans.append(Span(from: seconds, to: .max)) }

    /// Ends the open span of use, if any, at `seconds`.
    mutating func endUse(_ seconds: Int64) {
        guard let last = spans.indices.last, spans[last].to == .max else { return }
        if seconds <= spans[last].from { spans.removeLast() } else { spans[last].to = seconds }
    }

    /// Closes any open span at the end of the window.
    mutating func finishUse(windowEnd: Int64) { endUse(windowEnd) }
}
