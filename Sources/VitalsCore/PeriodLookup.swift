/// Finds the reporting period that contains an instant, for contiguous ascending periods.
///
/// Periods are half-open `[start, end)` in UTC, so a record stamped exactly at a period's end belongs to the next one.
/// Every period starts and ends at midnight UTC, so the period of an instant follows from its day through a table (a
/// binary search per record costs more in mispredicted branches than the rest of a tally).
struct PeriodLookup {
    let count: Int
    /// Start of the first period and end of the last, in seconds.
    let start: Int64
    let end: Int64
    /// The first day of the first period, and the period of each day from it on.
    let firstDay: Int64
    let periodOfDay: [Int32]

    init(_ periods: [Period]) {
        count = periods.count
        start = periods.first?.start.seconds ?? 0
        end = periods.last?.end.seconds ?? 0
        firstDay = Int64(periods.first?.startDate.daysSinceEpoch ?? 0)
        var periodOfDay: [Int32] = []
        for (p, period) in periods.enumerated() {
            let days = period.endDate.daysSinceEpoch - period.startDate.daysSinceEpoch
            periodOfDay.append(contentsOf: repeatElement(Int32(p), count: days))
        }
        self.periodOfDay = periodOfDay
    }

    /// The index of the period containing `t`, or `nil` when `t` lies outside every period.
    @inline(__always)
    func index(_ t: Timestamp) -> Int? {
        let s = t.seconds
        guard s >= start, s < end else { return nil }
        return Int(periodOfDay[Int(floorDiv(s, 86_400) - firstDay)])
    }

    /// How many periods end at or before `seconds` (0...count): the first period whose end is after that instant.
    ///
    /// A state that starts at `t` holds at the end of periods `ended(by: t)...`; one that stops at `t` (exclusive)
    /// holds at the end of periods `..<ended(by: t)`.
    @inline(__always)
    func ended(by seconds: Int64) -> Int {
        if seconds < start { return 0 }
        if seconds >= end { return count }
        // The period containing the instant has not ended; every period before it has.
        return Int(periodOfDay[Int(floorDiv(seconds, 86_400) - firstDay)])
    }
}

/// The median of a set of values, in linear expected time (quickselect); the mean of the two middle values for an
/// even count.
enum Median {
    /// The median of `values` (reordered in place), or `nil` when it is empty.
    static func of(_ values: UnsafeMutableBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n > 0 else { return nil }
        let upper = n / 2
        select(upper, in: values)
        if n % 2 == 1 { return values[upper] }
        // After selecting index `upper`, everything before it is <= values[upper]: the lower middle is their maximum.
        var lower = values[0]
        for i in 1..<upper where values[i] > lower { lower = values[i] }
        return (lower + values[upper]) / 2
    }

    /// The median of `values`, or `nil` when it is empty.
    static func of(_ values: [Double]) -> Double? {
        var copy = values
        return copy.withUnsafeMutableBufferPointer { of($0) }
    }

    /// Reorders `a` so that `a[k]` is the value a full sort would put there, with no larger value before it and no
    /// smaller one after it (Hoare's selection with a median-of-three pivot).
    static func select(_ k: Int, in a: UnsafeMutableBufferPointer<Double>) {
        var low = 0
        var high = a.count - 1
        while high > low {
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { a.swapAt(mid, low) }
            if a[high] < a[low] { a.swapAt(high, low) }
            if a[high] < a[mid] { a.swapAt(high, mid) }
            let pivot = a[mid]
            var i = low
            var j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now a[low...j] <= pivot <= a[i...high], and every element strictly between j and i equals the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return
            }
        }
    }
}
