/// Every KPI for a run of periods, for one set of accounts.
public struct KPIReport: Sendable {
    public struct Row: Sendable {
        public var period: Period
        public var values: [KPI: KPIValue]
        /// The revenue facts behind the row (MRR movements for charts and breakdowns).
        public var revenue: RevenueTally

        public subscript(kpi: KPI) -> KPIValue { values[kpi] ?? .null }
    }

    public var currency: CurrencyCode
    public var grain: Grain
    /// The segment filter as written, or `nil` for all accounts.
    public var segment: String?
    public var rows: [Row]
}

/// What a report covers: its periods and which accounts count.
public struct ReportScope: Sendable {
    public var periods: [Period]
    /// The segment filter, or `nil` for all accounts.
    public var segment: SegmentFilter?
    /// The current instant, when the report is of the present: renewals are decided as of the end of the last period
    /// or this instant, whichever is earlier (docs/metrics.md, renewals). `nil`: as of the end of the last period.
    public var now: Timestamp?

    public init(periods: [Period], segment: SegmentFilter? = nil, now: Timestamp? = nil) {
        self.periods = periods
        self.segment = segment
        self.now = now
    }

    /// The instant renewals are decided as of: the end of the last period, or `now` when earlier.
    public var asOf: Timestamp {
        let end = periods.last?.end ?? Timestamp(seconds: 0)
        return now.map { min($0, end) } ?? end
    }
}
