/// One account's stored score for one day.
public struct HealthRecord: Sendable, Equatable {
    public var account: AccountID
    public var day: CivilDate
    public var score: Double
    public var band: HealthBand
    public var model: String
    /// Component scores (0-100) of the components with data.
    public var components: [HealthComponent: Double]
    public var mrr: Int64

    public init(
        account: AccountID, day: CivilDate, score: Double, band: HealthBand, model: String,
        components: [HealthComponent: Double], mrr: Int64
    ) {
        self.account = account
        self.day = day
        self.score = score
        self.band = band
        self.model = model
        self.components = components
        self.mrr = mrr
    }
}
