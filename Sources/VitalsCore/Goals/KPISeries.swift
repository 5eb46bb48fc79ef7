/// One KPI's value per period, in consecutive periods of one grain: what a target is evaluated on.
///
/// Values are in the unit targets are written in: money in major units of the reporting currency, rates as
/// fractions, plain numbers otherwise; `nil` where the KPI has no value (a zero denominator).
public struct KPISeries: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var period: Period
        public var value: Double?

        public init(period: Period, value: Double?) {
            self.period = period
            self.value = value
        }
    }

    public var points: [Point]

    public init(points: [Point]) { self.points = points }

    /// The series of `kpi` in `report`, money converted from minor to major units.
    public init(_ report: KPIReport, kpi: KPI) {
        let scale = kpi.unit == .money ? Money.powerOfTen(report.currency.minorUnitExponent) : 1
        points = report.rows.map { Point(period: $0.period, value: $0[kpi].double.map { $0 / scale }) }
    }

    /// A series of consecutive periods of `grain` starting with the one containing `first`, one per value.
    public init(grain: Grain, first: CivilDate, values: [Double?]) {
        var period = Period(grain: grain, containing: first)
        var points: [Point] = []
        for value in values {
            points.append(Point(period: period, value: value))
            period = period.next
        }
        self.points = points
    }
}

extension Period {
    /// How many periods of this grain `other` lies after this one (negative when before). Counted in calendar
    /// units for weeks, months, quarters and years; `other` must have the same grain.
    public func offset(to other: Period) -> Int {
        switch grain {
        case .day: return other.startDate.daysSinceEpoch - startDate.daysSinceEpoch
        case .week: return (other.startDate.daysSinceEpoch - startDate.daysSinceEpoch) / 7
        case .month, .quarter, .year:
            let months = (other.startDate.year - startDate.year) * 12 + other.startDate.month - startDate.month
            return months / (grain == .month ? 1 : grain == .quarter ? 3 : 12)
        }
    }
}
