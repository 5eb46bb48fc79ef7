import VitalsCore

/// What to generate: how many accounts over how many months, from which seed, and how much activity.
public struct GeneratorOptions: Sendable, Equatable {
    /// Number of accounts (customers and prospects that trialled but never paid).
    public var accounts: Int
    /// Length of the covered window in months; the data runs from `endDate` minus this many months.
    public var months: Int
    /// The seed: the same options always give the same dataset.
    public var seed: UInt64
    /// The data runs up to (excluding) this date.
    public var endDate: CivilDate
    /// Mean usage events per account per month of use (healthy accounts use more, unhappy ones less).
    public var usageEventsPerAccountMonth: Double
    /// Mean survey answers (NPS, CSAT, CES) per account per year of use.
    public var surveysPerAccountYear: Double
    /// Mean support tickets per account per year of use (unhappy accounts open more).
    public var ticketsPerAccountYear: Double

    /// Options with defaults for a demo-sized company: 1,000 accounts over 36 months ending 2026-11-01.
    public init(
        accounts: Int = 1_000, months: Int = 36, seed: UInt64 = 42,
        endDate: CivilDate = CivilDate(year: 2026, month: 11, day: 1), usageEventsPerAccountMonth: Double = 6,
        surveysPerAccountYear: Double = 2, ticketsPerAccountYear: Double = 4
    ) {
        self.accounts = accounts
        self.months = months
        self.seed = seed
        self.endDate = endDate
        self.usageEventsPerAccountMonth = usageEventsPerAccountMonth
        self.surveysPerAccountYear = surveysPerAccountYear
        self.ticketsPerAccountYear = ticketsPerAccountYear
    }

    /// The first instant of the generated window (`endDate` minus `months`).
    public var startDate: CivilDate { endDate.adding(months: -max(1, months)) }
}
