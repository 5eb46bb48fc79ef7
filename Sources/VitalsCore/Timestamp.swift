/// An instant in UTC, in whole seconds since 1970-01-01T00:00:00Z.
///
/// Vitals reads no clock: every "now" is passed in as a `Timestamp`.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// Midnight UTC at the start of a calendar day.
    public init(_ date: CivilDate) { self.seconds = Int64(date.daysSinceEpoch) * 86_400 }

    public init(year: Int, month: Int, day: Int) { self.init(CivilDate(year: year, month: month, day: day)) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

    /// The years a record's instants may fall in (docs/data-format.md, "Limits"): every period count, every span and
    /// every sum of seconds over them then fits, and no date typed as "forever" (9999-12-31) stretches a report.
    public static let supportedYears = 1900...2199
    /// `supportedYears` as instants: 1900-01-01T00:00:00Z up to, not including, 2200-01-01T00:00:00Z.
    public static let supported = Timestamp(year: 1900, month: 1, day: 1).seconds..<Timestamp(year: 2200, month: 1, day: 1).seconds

    /// The instant `seconds` after the epoch, or nil outside `supported` (for instants from other systems' integers).
    public init?(checkedSeconds seconds: Int64) {
        guard Timestamp.supported.contains(seconds) else { return nil }
        self.init(seconds: seconds)
    }

    public static let distantPast = Timestamp(seconds: Int64.min / 2)
    public static let distantFuture = Timestamp(seconds: Int64.max / 2)

    /// The UTC calendar day this instant falls on.
    public var date: CivilDate { CivilDate(daysSinceEpoch: Int(floorDiv(seconds, 86_400))) }

    public func adding(seconds delta: Int64) -> Timestamp { Timestamp(seconds: seconds + delta) }
    public func adding(days: Int) -> Timestamp { Timestamp(seconds: seconds + Int64(days) * 86_400) }

    /// ISO 8601 in UTC: `2024-03-01` at midnight, `2024-03-01T12:30:00Z` otherwise.
    public var description: String {
        let secondOfDay = Int(seconds - Int64(date.daysSinceEpoch) * 86_400)
        if secondOfDay == 0 { return date.description }
        return date.description + "T" + pad2(secondOfDay / 3600) + ":" + pad2(secondOfDay / 60 % 60) + ":"
            + pad2(secondOfDay % 60) + "Z"
    }
}

/// A proleptic Gregorian calendar date.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    public var isValid: Bool { month >= 1 && month <= 12 && day >= 1 && day <= CivilDate.daysIn(year: year, month: month) }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int { ((daysSinceEpoch % 7 + 7 + 3) % 7) + 1 }

    /// The same day `months` later, clamped to the end of a shorter month (Jan 31 + 1 month = Feb 28/29).
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = floorDiv(total, 12)
        let m = total - y * 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(year: y, month: m)))
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var description: String { pad4(year) + "-" + pad2(month) + "-" + pad2(day) }
}

@inline(__always) func floorDiv<T: BinaryInteger>(_ a: T, _ b: T) -> T {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

func pad2(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
func pad4(_ n: Int) -> String {
    let s = String(n)
    return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
}
