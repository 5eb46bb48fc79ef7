/// The length of a reporting period.
public enum Grain: String, CaseIterable, Sendable, Codable {
    case day, week, month, quarter, year

    /// The start of the period of this grain that contains `date` (weeks start on Monday, ISO 8601).
    public func start(containing date: CivilDate) -> CivilDate {
        switch self {
        case .day: date
        case .week: date.adding(days: 1 - date.isoWeekday)
        case .month: CivilDate(year: date.year, month: date.month, day: 1)
        case .quarter: CivilDate(year: date.year, month: (date.month - 1) / 3 * 3 + 1, day: 1)
        case .year: CivilDate(year: date.year, month: 1, day: 1)
        }
    }

    /// The start of the period after the one starting at `start`.
    public func next(after start: CivilDate) -> CivilDate {
        switch self {
        case .day: start.adding(days: 1)
        case .week: start.adding(days: 7)
        case .month: start.adding(months: 1)
        case .quarter: start.adding(months: 3)
        case .year: start.adding(months: 12)
        }
    }

    /// The label of the period starting at `start`: `2024-03-05`, `2024-W10`, `2024-03`, `2024-Q1`, `2024`.
    public func label(start: CivilDate) -> String {
        switch self {
        case .day: return start.description
        case .week:
            // The ISO week-numbering year is the year of the week's Thursday.
            let thursday = start.adding(days: 3)
            let week = (thursday.daysSinceEpoch - CivilDate(year: thursday.year, month: 1, day: 1).daysSinceEpoch) / 7 + 1
            return pad4(thursday.year) + "-W" + pad2(week)
        case .month: return pad4(start.year) + "-" + pad2(start.month)
        case .quarter: return pad4(start.year) + "-Q" + String((start.month - 1) / 3 + 1)
        case .year: return pad4(start.year)
        }
    }
}

/// A half-open reporting period `[start, end)` in UTC. A change at `start` belongs to this period; one at `end`
/// belongs to the next.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public let grain: Grain
    public let startDate: CivilDate
    public let endDate: CivilDate

    public init(grain: Grain, containing date: CivilDate) {
        self.grain = grain
        self.startDate = grain.start(containing: date)
        self.endDate = grain.next(after: startDate)
    }

    public var start: Timestamp { Timestamp(startDate) }
    public var end: Timestamp { Timestamp(endDate) }
    public var label: String { grain.label(start: startDate) }
    public var description: String { label }

    public func contains(_ t: Timestamp) -> Bool { t >= start && t < end }

    public var next: Period { Period(grain: grain, containing: endDate) }
    public var previous: Period { Period(grain: grain, containing: startDate.adding(days: -1)) }

    /// Every period of `grain` from the one containing `from` to the one containing `through`, both included.
    public static func range(from: CivilDate, through: CivilDate, grain: Grain) -> [Period] {
        var periods: [Period] = []
        var period = Period(grain: grain, containing: from)
        while period.startDate <= through {
            periods.append(period)
            period = period.next
        }
        return periods
    }
}

extension CivilDate {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self {
            case .malformed(let text):
                "'\(text)' is not a period bound (use 2024, 2024-Q1, 2024-03 or 2024-03-15)"
            }
        }
    }

    /// Parses a period bound as written on the command line: `2024`, `2024-Q2`, `2024-03`, `2024-03-15`.
    /// Returns the first and last day it covers, so that `--from 2024-01 --to 2024-12` spans the whole year.
    public static func parseBound(_ text: String) throws(ParseError) -> (first: CivilDate, last: CivilDate) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let year = Int(parts[0]), parts[0].count == 4 else { throw .malformed(text) }
        switch parts.count {
        case 1:
            return (CivilDate(year: year, month: 1, day: 1), CivilDate(year: year, month: 12, day: 31))
        case 2 where parts[1].uppercased().hasPrefix("Q"):
            guard let q = Int(parts[1].dropFirst()), (1...4).contains(q) else { throw .malformed(text) }
            let first = CivilDate(year: year, month: (q - 1) * 3 + 1, day: 1)
            return (first, first.adding(months: 3).adding(days: -1))
        case 2:
            guard let month = Int(parts[1]), parts[1].count == 2, (1...12).contains(month) else { throw .malformed(text) }
            let first = CivilDate(year: year, month: month, day: 1)
            return (first, first.adding(months: 1).adding(days: -1))
        case 3:
            guard let month = Int(parts[1]), let day = Int(parts[2]), parts[1].count == 2, parts[2].count == 2 else {
                throw .malformed(text)
            }
            let date = CivilDate(year: year, month: month, day: day)
            guard date.isValid else { throw .malformed(text) }
            return (date, date)
        default:
            throw .malformed(text)
        }
    }
}
