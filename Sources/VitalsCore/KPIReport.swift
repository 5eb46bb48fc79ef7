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

    public init(periods: [Period], segment: SegmentFilter? = nil) {
        self.periods = periods
        self.segment = segment
    }
}
