import VitalsCore

/// The fixed vocabularies the generator draws from: names, places, people and phrases.
enum Catalog {
    static let csms = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gustav", "Hana"]

    static let industries = ["Retail", "Media", "Software", "Healthcare", "Finance", "Education", "Manufacturing"]
    static let industryWeights = [0.14, 0.10, 0.26, 0.12, 0.14, 0.10, 0.14]

    /// Countries with their share of accounts and the local currency some of their accounts pay in.
    static let countries: [(code: String, weight: Double, currency: CurrencyChoice)] = [
        ("US", 0.52, .usd), ("GB", 0.10, .gbp), ("DE", 0.08, .eur), ("FR", 0.06, .eur), ("CA", 0.06, .usd),
        ("AU", 0.05, .usd), ("NL", 0.04, .eur), ("IN", 0.03, .usd), ("ES", 0.02, .eur), ("SE", 0.02, .usd),
        ("BR", 0.02, .usd),
    ]
    static let countryWeights = countries.map(\.weight)

    enum CurrencyChoice { case usd, eur, gbp }

    static let nameFirst = [
        "Blue", "Northern", "Bright", "Silver", "Green", "Rapid", "Quiet", "Golden", "Red", "Summit", "Iron", "Clear",
        "Swift", "Open", "True", "Bold", "Lunar", "Solar", "Urban", "Prime", "Coastal", "Alpine", "Crystal", "Velvet",
    ]
    static let nameSecond = [
        "Harbor", "Peak", "Leaf", "River", "Forge", "Pixel", "Orbit", "Maple", "Cedar", "Falcon", "Anchor", "Beacon",
        "Signal", "Vertex", "Meadow", "Canyon", "Lantern", "Compass", "Quarry", "Willow", "Atlas", "Harvest", "Ember",
        "Tide",
    ]
    static let nameSuffix = [
        " Labs", " Systems", " Group", " Media", " Health", " Capital", " Works", " Analytics", " Retail", " Co.",
        ", Inc.", " GmbH", " Ltd", " & Sons", " Partners", "",
    ]

    static let events = [
        "login", "report_viewed", "dashboard_created", "export", "integration_connected", "invite_sent",
    ]
    static let eventWeights = [0.38, 0.30, 0.10, 0.12, 0.04, 0.06]

    /// NPS, CSAT, CES.
    static let surveyWeights = [0.5, 0.35, 0.15]
    /// Odds of 0...6 agent replies on a ticket.
    static let agentReplyWeights = [0.08, 0.35, 0.25, 0.15, 0.09, 0.05, 0.03]

    static let ticketChannels = ["email", "chat", "phone"]
    static let ticketChannelWeights = [0.5, 0.35, 0.15]

    static let acquisitionChannels = ["ads", "events", "content"]
    static let acquisitionShares = [0.5, 0.2, 0.3]

    static let milestones: [(name: String, required: Bool, dueDays: Int, workDays: Int)] = [
        ("kickoff", true, 7, 3), ("data_connected", true, 21, 10), ("first_dashboard", true, 35, 10),
        ("training_done", false, 45, 12),
    ]

    static let goals = [
        "Reduce churn by 10%", "Launch an executive dashboard", "Connect the CRM", "Automate weekly reporting",
        "Onboard every team lead", "Cut reporting time in half", "Track renewals in one place",
        "Replace spreadsheets, finally",
    ]

    static let happyComments = [
        "Love the dashboards", "Support was quick and helpful", "Saves us hours every week",
        "Great product, easy to roll out",
    ]
    static let unhappyComments = [
        "Reports are slow", "Too expensive for what we use", "Missing the \"export to PDF\" option",
        "Setup was confusing, and support took days",
    ]

    static let pulseNotes = [
        "Champion left the company", "Expanding to a second team", "Renewal at risk", "Exec sponsor engaged",
        "Asked about the Scale plan", "Quiet, needs a check-in",
    ]
}
