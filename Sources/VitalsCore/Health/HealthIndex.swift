/// The records health reads, indexed per account (compressed sparse rows, each account's slice in time order), so
/// that the components of one account as of any instant cost a few binary searches and short scans.
///
/// Built once per dataset; `measure(_:at:into:)` is then pure and cheap, for 100,000 accounts or 24 monthly
/// snapshots of them.
public struct HealthIndex: Sendable {
    public let settings: HealthSettings
    public let accountCount: Int
    public let timeline: RevenueTimeline
    let usage: UsageTable
    /// Whether any usage event has a duration (else the usage trend reads active users only).
    let hasDurations: Bool
    /// Per event name index: the key-feature slot (0..<64), or -1.
    let keySlot: [Int8]
    /// The number of key features (the denominator of adoption).
    public let keyFeatureCount: Int
    /// The key features, by slot.
    public let keyFeatures: [String]

    let surveys: Slices
    let surveyTimes: [Int64]
    /// 0 = NPS, 1 = CSAT; CES answers are not read.
    let surveyKinds: [UInt8]
    /// NPS: the score on 0-10; CSAT: 1 when satisfied (top two boxes), else 0.
    let surveyScores: [Float]

    let hasTickets: Bool
    let tickets: Slices
    let ticketOpened: [Int64]
    /// `Int64.max` when unresolved.
    let ticketResolved: [Int64]
    let ticketFirstContact: [Bool]

    let milestones: Slices
    /// When the milestone comes into view: its start, else its due date, else the epoch.
    let milestoneFrom: [Int64]
    /// `Int64.max` when not required, without a due date, or never done.
    let milestoneDue: [Int64]
    let milestoneDone: [Int64]

    let versions: Slices
    let versionFrom: [Int64]
    let versionTo: [Int64]
    /// Where the run of past_due versions this one belongs to began; `Int64.min` when not past due.
    let versionPastDueSince: [Int64]
    /// The billing term in months when it is a year or more (a contract that renews), else 0.
    let versionTermMonths: [Int32]
    /// The start of the uninterrupted run of versions of this subscription item (the contract start).
    let versionTermStart: [Int64]

    let pulses: Slices
    let pulseTimes: [Int64]
    let pulseRatings: [Int8]

    /// Renewal dates from the account attribute `settings.renewalAttribute`, `Int64.min` when absent.
    let renewalAttribute: [Int64]

    /// Builds the index, computing the revenue timeline and usage table itself.
    public init(dataset: Dataset, settings: HealthSettings) {
        let fx = FxTable(reportingCurrency: settings.report.reportingCurrency, rates: dataset.fxRates)
        let (usage, timeline) = Concurrently.run(
            { UsageTable(log: dataset.usageEvents, accountCount: dataset.accounts.count) },
            { RevenueTimeline(dataset: dataset, settings: settings.report, fx: fx) })
        self.init(dataset: dataset, settings: settings, usage: usage, timeline: timeline)
    }

    /// Builds the index over a calculator's dataset, sharing its usage table and revenue timeline.
    public init(calculator: KPICalculator, settings: HealthSettings) {
        self.init(dataset: calculator.dataset, settings: settings, usage: calculator.usage, timeline: calculator.timeline)
    }

    init(dataset: Dataset, settings: HealthSettings, usage: UsageTable, timeline: RevenueTimeline) {
        self.settings = settings
        let n = dataset.accounts.count
        accountCount = n
        self.timeline = timeline
        self.usage = usage
        hasDurations = usage.records.contains { $0.seconds > 0 }

        // Key features: the configured names, else the 64 most used event names.
        var names = settings.keyFeatures
        if names.isEmpty {
            var uses = [Int](repeating: 0, count: usage.names.count)
            for r in usage.records { uses[Int(r.name)] += 1 }
            names = usage.names.indices.sorted { (uses[$0], -$0) > (uses[$1], -$1) }.prefix(64).map { usage.names[$0] }
        }
        names = Array(names.prefix(64))
        var slot = [Int8](repeating: -1, count: usage.names.count)
        let nameIndex = Dictionary(usage.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for (k, name) in names.enumerated() { if let i = nameIndex[name] { slot[i] = Int8(k) } }
        keySlot = slot
        keyFeatureCount = names.count
        keyFeatures = names

        // Surveys (NPS and CSAT only).
        let responses = dataset.surveyResponses.filter { $0.survey != .ces && $0.scaleMax > $0.scaleMin }
        surveys = Slices(accounts: responses.map(\.account.int), count: n, time: responses.map(\.respondedAt.seconds))
        surveyTimes = surveys.order.map { responses[$0].respondedAt.seconds }
        surveyKinds = surveys.order.map { responses[$0].survey == .nps ? 0 : 1 }
        surveyScores = surveys.order.map { i in
            let r = responses[i]
            let unit = (r.score - r.scaleMin) / (r.scaleMax - r.scaleMin)
            if r.survey == .nps { return Float(unit * 10) }
            // Top two boxes on 1-5 (4 and 5); the top 20 % of any other scale (docs/metrics.md, csat).
            let satisfied = r.scaleMin == 1 && r.scaleMax == 5 ? r.score >= 4 : r.score >= r.scaleMax - 0.2 * (r.scaleMax - r.scaleMin)
            return satisfied ? 1 : 0
        }

        let allTickets = dataset.tickets
        hasTickets = !allTickets.isEmpty
        tickets = Slices(accounts: allTickets.map(\.account.int), count: n, time: allTickets.map(\.openedAt.seconds))
        ticketOpened = tickets.order.map { allTickets[$0].openedAt.seconds }
        ticketResolved = tickets.order.map { allTickets[$0].resolvedAt?.seconds ?? .max }
        ticketFirstContact = tickets.order.map {
            let t = allTickets[$0]
            return SupportKPIs.isFirstContactResolution(
                flag: t.firstContactResolution, agentReplies: t.agentReplies, reopens: t.reopens)
        }

        let ms = dataset.onboarding
        let from = ms.map { ($0.startedAt ?? $0.dueAt)?.seconds ?? 0 }
        milestones = Slices(accounts: ms.map(\.account.int), count: n, time: from)
        milestoneFrom = milestones.order.map { from[$0] }
        milestoneDue = milestones.order.map { ms[$0].required ? ms[$0].dueAt?.seconds ?? .max : .max }
        milestoneDone = milestones.order.map { ms[$0].completedAt?.seconds ?? .max }

        let (pastDueSince, termStart) = HealthIndex.subscriptionRuns(dataset.subscriptions)
        let subs = dataset.subscriptions
        versions = Slices(accounts: subs.map(\.account.int), count: n, time: subs.map(\.validFrom.seconds))
        versionFrom = versions.order.map { subs[$0].validFrom.seconds }
        versionTo = versions.order.map { subs[$0].validTo?.seconds ?? .max }
        versionPastDueSince = versions.order.map { pastDueSince[$0] }
        versionTermStart = versions.order.map { termStart[$0] }
        versionTermMonths = versions.order.map { i in
            let months = subs[i].interval.months * Double(max(1, subs[i].intervalCount))
            return months >= 11.99 ? Int32(months.rounded()) : 0
        }

        let ps = dataset.csmPulses
        pulses = Slices(accounts: ps.map(\.account.int), count: n, time: ps.map(\.recordedAt.seconds))
        pulseTimes = pulses.order.map { ps[$0].recordedAt.seconds }
        pulseRatings = pulses.order.map { Int8(clamping: ps[$0].rating) }

        renewalAttribute = dataset.accounts.map { account in
            guard let text = account.attributes[settings.renewalAttribute],
                let date = try? CivilDate.parseBound(text).first, text.count == 10
            else { return .min }
            return Timestamp(date).seconds
        }
    }

    /// Per version: where its run of consecutive past_due versions of the same item began (`Int64.min` when not past
    /// due), and where its uninterrupted run of versions of the item began.
    static func subscriptionRuns(_ versions: [SubscriptionVersion]) -> (pastDueSince: [Int64], termStart: [Int64]) {
        let order = versions.indices.sorted {
            let a = versions[$0]
            let b = versions[$1]
            if a.subscriptionID != b.subscriptionID { return a.subscriptionID < b.subscriptionID }
            if a.product != b.product { return a.product < b.product }
            return a.validFrom < b.validFrom
        }
        var pastDue = [Int64](repeating: .min, count: versions.count)
        var start = [Int64](repeating: 0, count: versions.count)
        var previous: Int?
        for i in order {
            let v = versions[i]
            let continues = previous.map {
                versions[$0].subscriptionID == v.subscriptionID && versions[$0].product == v.product
                    && versions[$0].validTo == v.validFrom
            } ?? false
            start[i] = continues ? start[previous!] : v.validFrom.seconds
            if v.status == .pastDue {
                pastDue[i] = continues && pastDue[previous!] != .min ? pastDue[previous!] : v.validFrom.seconds
            }
            previous = i
        }
        return (pastDue, start)
    }
}

/// Positions of records grouped by account: the records of account `a` are `order[offsets[a] ..< offsets[a + 1]]`,
/// in time order.
struct Slices: Sendable {
    let offsets: [Int]
    /// Record positions (in the source array), grouped by account and sorted by time within each account.
    let order: [Int]

    init(accounts: [Int], count: Int, time: [Int64]) {
        var offsets = [Int](repeating: 0, count: count + 1)
        for a in accounts { offsets[a + 1] += 1 }
        for a in 0..<count { offsets[a + 1] += offsets[a] }
        var next = offsets
        var order = [Int](repeating: 0, count: accounts.count)
        for (i, a) in accounts.enumerated() {
            order[next[a]] = i
            next[a] += 1
        }
        for a in 0..<count where offsets[a + 1] - offsets[a] > 1 {
            order[offsets[a]..<offsets[a + 1]].sort { (time[$0], $0) < (time[$1], $1) }
        }
        self.offsets = offsets
        self.order = order
    }

    @inline(__always) func range(_ a: Int) -> Range<Int> { offsets[a]..<offsets[a + 1] }
}
