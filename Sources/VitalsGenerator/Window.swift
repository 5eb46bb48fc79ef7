import VitalsCore

/// The span of days the generated data covers: `[startDay, endDay)` in days since 1970-01-01.
struct Window {
    let startDay: Int
    let endDay: Int
    let months: Int

    init(endDate: CivilDate, months: Int) {
        let months = max(1, months)
        self.months = months
        self.endDay = endDate.daysSinceEpoch
        self.startDay = endDate.adding(months: -months).daysSinceEpoch
    }

    var startSeconds: Int64 { Int64(startDay) * 86_400 }
    var endSeconds: Int64 { Int64(endDay) * 86_400 }
    var days: Int { endDay - startDay }

    /// The month of the window (0-based, clamped to `0...months`) a day falls in, approximately (30.44-day months).
    @inline(__always)
    func month(ofDay day: Int) -> Int {
        let m = (day - startDay) * 100 / 3044
        return m < 0 ? 0 : (m > months ? months : m)
    }

    /// Whether a day lies inside the window.
    @inline(__always)
    func contains(day: Int) -> Bool { day >= startDay && day < endDay }

    /// Midnight of a day.
    @inline(__always)
    static func timestamp(day: Int) -> Timestamp { Timestamp(seconds: Int64(day) * 86_400) }
}
