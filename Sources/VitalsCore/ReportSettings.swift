/// The choices that change how KPIs are computed, as configured (vitals.toml, environment, flags).
public struct ReportSettings: Sendable, Equatable {
    /// The currency every money KPI is reported in.
    public var reportingCurrency: CurrencyCode
    /// Gross margin as a fraction (0.8 = 80 %), used by LTV and CAC payback.
    public var grossMargin: Double
    /// Days a `past_due` subscription keeps counting as MRR before it churns.
    public var delinquencyDays: Int
    /// The onboarding horizon: a required milestone counts as overdue only while its due date is at most this many
    /// days in the past (`onboarding_overdue` and the health component `onboarding`, docs/metrics.md). Older open
    /// milestones are onboarding that was abandoned or never recorded as done, not onboarding still to finish.
    public var onboardingOverdueDays: Int
    /// Days after a renewal's due date during which a late renewal still counts: its ARR after is the account's ARR
    /// of the product at the due date plus this window (docs/metrics.md, renewals).
    public var renewalGraceDays: Int

    public init(
        reportingCurrency: CurrencyCode = .usd, grossMargin: Double = 1, delinquencyDays: Int = 30,
        onboardingOverdueDays: Int = 90, renewalGraceDays: Int = 30
    ) {
        self.reportingCurrency = reportingCurrency
        self.grossMargin = grossMargin
        self.delinquencyDays = delinquencyDays
        self.onboardingOverdueDays = onboardingOverdueDays
        self.renewalGraceDays = renewalGraceDays
    }

    /// `onboardingOverdueDays` in seconds (at least 0; the setting is checked to 1...36500 days where it is read).
    public var onboardingHorizonSeconds: Int64 { Int64(max(0, min(onboardingOverdueDays, 36_500))) * 86_400 }
}
