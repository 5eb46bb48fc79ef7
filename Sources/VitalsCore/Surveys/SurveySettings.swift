/// The `[surveys]` section of vitals.toml (docs/surveys.md, "Settings"): which triggers send hosted surveys, when,
/// and how often one contact may be asked. Every trigger is off until turned on, so that upgrading never starts
/// writing to customers by itself.
public struct SurveySettings: Sendable, Equatable {
    /// The triggers that send invitations (`manual` is always allowed).
    public var triggers: Set<SurveyTrigger>
    /// How long after a ticket is resolved its CSAT invitation goes out.
    public var csatDelaySeconds: Int64
    /// Tickets resolved longer ago than this are not surveyed (so that turning CSAT on does not survey the past);
    /// the same bound applies to onboarding completed.
    public var lookbackSeconds: Int64
    /// An NPS round every this many days.
    public var npsEveryDays: Int
    /// The share (0 to 1) of each account's contacts asked in an NPS round.
    public var npsSample: Double
    /// No contact is asked more than once in this many days, whatever the survey.
    public var minDaysBetweenSurveys: Int
    /// How long an invitation's link stays valid.
    public var tokenDays: Int
    /// The name the emails and pages speak for; when not set they say "us" and name no one.
    public var company: String?

    public init(
        triggers: Set<SurveyTrigger> = [], csatDelaySeconds: Int64 = 3600, lookbackSeconds: Int64 = 7 * 86_400,
        npsEveryDays: Int = 90, npsSample: Double = 1, minDaysBetweenSurveys: Int = 30, tokenDays: Int = 30,
        company: String? = nil
    ) {
        self.triggers = triggers
        self.csatDelaySeconds = csatDelaySeconds
        self.lookbackSeconds = lookbackSeconds
        self.npsEveryDays = npsEveryDays
        self.npsSample = npsSample
        self.minDaysBetweenSurveys = minDaysBetweenSurveys
        self.tokenDays = tokenDays
        self.company = company
    }

    /// The bounds the loader checks.
    public static let delayRange: ClosedRange<Int64> = 0...(30 * 86_400)
    public static let lookbackRange: ClosedRange<Int64> = 3600...(365 * 86_400)
    public static let npsEveryDaysRange: ClosedRange<Int> = 7...730
    public static let minDaysRange: ClosedRange<Int> = 0...730
    public static let tokenDaysRange: ClosedRange<Int> = 1...365
}
