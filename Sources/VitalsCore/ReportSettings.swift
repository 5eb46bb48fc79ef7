/// The choices that change how KPIs are computed, as configured (vitals.toml, environment, flags).
public struct ReportSettings: Sendable, Equatable {
    /// The currency every money KPI is reported in.
    public var reportingCurrency: CurrencyCode
    /// Gross margin as a fraction (0.8 = 80 %), used by LTV and CAC payback.
    public var grossMargin: Double
    /// Days a `past_due` subscription keeps counting as MRR before it churns.
    public var delinquencyDays: Int

    public init(reportingCurrency: CurrencyCode = .usd, grossMargin: Double = 1, delinquencyDays: Int = 30) {
        self.reportingCurrency = reportingCurrency
        self.grossMargin = grossMargin
        self.delinquencyDays = delinquencyDays
    }
}
