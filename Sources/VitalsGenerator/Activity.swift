import VitalsCore

/// Writes what an account does while it uses the product: usage events, survey answers, support tickets and its
/// CSM's pulse ratings. Healthier accounts use more, answer more kindly, and open fewer tickets; an account on its way
/// out (`Engagement`) uses less, opens more tickets that take longer, and answers and is rated worse.
struct Activity {
    let window: Window
    let eventsPerMonth: Double
    let surveysPerYear: Double
    let ticketsPerYear: Double
    private var eventIDs = SequentialID("evt_", width: 9)
    private var responseIDs = SequentialID("resp_", width: 7)
    private var ticketIDs = SequentialID("tkt_", width: 7)
    private var users = UserIDs()
    private var instants: [Int64] = []
    private let eventThresholds = Activity.cumulative(Catalog.eventWeights)

    init(window: Window, options: GeneratorOptions) {
        self.window = window
        eventsPerMonth = max(0, options.usageEventsPerAccountMonth)
        surveysPerYear = max(0, options.surveysPerAccountYear)
        ticketsPerYear = max(0, options.ticketsPerAccountYear)
    }

    private static let chunk: Int64 = 30 * 86_400
    /// The declines (`Engagement`) take about 4.5 % of the events the months of use would otherwise have: the usual
    /// rate is that much higher, so that `usageEventsPerAccountMonth` stays the mean.
    static let declineAllowance = 1.045

    /// Writes the account's activity over each span of use, a month-long chunk at a time, following its health and
    /// its engagement (`Engagement`: usage falls, tickets rise and answers sour on the path to a churn).
    mutating func generate(
        _ plan: AccountPlan, life: AccountLife, engagement: Engagement, usage: inout SeededRandom,
        feedback: inout SeededRandom, dataset: inout Dataset
    ) {
        users.reset(accountID: plan.id, count: plan.users)
        for span in life.spans {
            var from = span.from
            while from < span.to {
                let to = min(from + Activity.chunk, span.to)
                let health = life.health[window.month(ofDay: Int(from / 86_400))]
                let strain = engagement.strain(Int((from + to) / 2 / 86_400))
                let share = Double(to - from) / Double(Activity.chunk)
                let usual = eventsPerMonth * share * (0.4 + 1.2 * health) * Activity.declineAllowance
                events(from: from, to: to, mean: usual, account: life.index, engagement: engagement, rng: &usage,
                       into: &dataset.usageEvents)
                surveys(from: from, to: to, mean: surveysPerYear / 12 * share, health: health - strain,
                        account: life.index, rng: &feedback, into: &dataset.surveyResponses)
                tickets(from: from, to: to, mean: ticketsPerYear / 12 * share * (1.5 - health + 1.5 * strain),
                        health: health - strain, account: life.index, rng: &feedback, into: &dataset.tickets)
                from = to
            }
        }
        if Double(life.peakMonthly) * PriceBook.roughUSD(plan.currency) >= 50_000 {
            pulses(life: life, engagement: engagement, rng: &feedback, into: &dataset.csmPulses)
        }
    }

    /// Usage events: on a day the account is below its usual self (`Engagement.level`), an event happens only with
    /// that chance, fewer of its people use the product, sessions are shorter and the advanced features are
    /// dropped first.
    private mutating func events(
        from: Int64, to: Int64, mean: Double, account: AccountIndex, engagement: Engagement, rng: inout SeededRandom,
        into events: inout UsageLog
    ) {
        let count = rng.poisson(mean)
        guard count > 0 else { return }
        randomInstants(count, from: from, to: to, rng: &rng)
        let userCount = users.ids.count
        for at in instants {
            var kind = Activity.index(eventThresholds, rng.unit())
            let u = rng.unit()
            var level = 1.0
            var active = userCount
            if !engagement.declines.isEmpty {
                level = engagement.level(Int(at / 86_400))
                if level < 1 {
                    guard rng.chance(level) else { continue }
                    active = max(1, Int((Double(userCount) * (0.3 + 0.7 * level)).rounded(.up)))
                    if kind >= 2 && rng.chance(0.3 * (1 - level)) { kind = 0 }
                }
            }
            let user = users.ids[min(active - 1, Int(Double(active) * u * u))]
            let duration: Double? =
                kind == 0 ? Double(30 + min(14_400, Int(rng.exponential(mean: 600 * (0.4 + 0.6 * level))))) : nil
            events.append(
                UsageEvent(id: UsageEventID(eventIDs.next()), account: account, user: user,
                           event: Catalog.events[kind], occurredAt: Timestamp(seconds: at), durationSeconds: duration))
        }
    }

    private mutating func surveys(
        from: Int64, to: Int64, mean: Double, health: Double, account: AccountIndex, rng: inout SeededRandom,
        into responses: inout [SurveyResponse]
    ) {
        let count = rng.poisson(mean)
        guard count > 0 else { return }
        randomInstants(count, from: from, to: to, rng: &rng)
        for at in instants {
            let kind = rng.weighted(Catalog.surveyWeights)
            let noise = rng.normal()
            let survey: SurveyKind
            let score: Double
            let positive: Bool
            switch kind {
            case 0:
                survey = .nps
                score = Activity.clamp(2.5 + 9 * health + 1.6 * noise, 0, 10)
                positive = score >= 9
            case 1:
                survey = .csat
                score = Activity.clamp(1.5 + 4 * health + 0.8 * noise, 1, 5)
                positive = score >= 4
            default:
                survey = .ces
                score = Activity.clamp(2 + 5 * health + noise, 1, 7)
                positive = score >= 5
            }
            let contact = rng.chance(0.6) ? users.ids[rng.int(users.ids.count)].rawValue : nil
            let comment = rng.chance(0.1) ? rng.pick(positive ? Catalog.happyComments : Catalog.unhappyComments) : nil
            responses.append(
                SurveyResponse(id: SurveyResponseID(responseIDs.next()), account: account, survey: survey,
                               score: score, respondedAt: Timestamp(seconds: at), contact: contact, comment: comment))
        }
    }

    private mutating func tickets(
        from: Int64, to: Int64, mean: Double, health: Double, account: AccountIndex, rng: inout SeededRandom,
        into tickets: inout [Ticket]
    ) {
        let count = rng.poisson(mean)
        guard count > 0 else { return }
        randomInstants(count, from: from, to: to, rng: &rng)
        for at in instants {
            let hours = 0.5 + rng.exponential(mean: 8 + 30 * max(0, 1 - health))
            var resolved: Timestamp? = Timestamp(seconds: at + Int64(hours * 3600))
            if resolved!.seconds >= window.endSeconds || rng.chance(0.02) { resolved = nil }
            let replies = rng.weighted(Catalog.agentReplyWeights)
            var reopens = 0
            if rng.chance(0.08 + 0.15 * max(0, 1 - health)) { reopens = rng.chance(0.2) ? 2 : 1 }
            let explicit: Bool? = rng.chance(0.04) ? (replies <= 1 && reopens == 0) : nil
            let id = TicketID(ticketIDs.next())
            tickets.append(
                Ticket(id: id, account: account, openedAt: Timestamp(seconds: at),
                       resolvedAt: resolved, agentReplies: replies, reopens: reopens,
                       firstContactResolution: explicit,
                       channel: Catalog.ticketChannels[rng.weighted(Catalog.ticketChannelWeights)],
                       priority: Activity.priority(of: id)))
        }
    }

    /// A ticket's priority, drawn from its id rather than from the generator's stream (which it would shift,
    /// changing every later value of a seeded dataset): 15 % low, 60 % normal, 20 % high, 5 % urgent.
    static func priority(of id: TicketID) -> TicketPriority {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in id.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var mix = SplitMix64(state: hash)
        return switch mix.next() % 100 {
        case ..<15: .low
        case ..<75: .normal
        case ..<95: .high
        default: .urgent
        }
    }

    /// Monthly-ish CSM ratings over each span of use (for high-value accounts).
    private func pulses(
        life: AccountLife, engagement: Engagement, rng: inout SeededRandom, into pulses: inout [CsmPulse]
    ) {
        for span in life.spans {
            var day = Int(span.from / 86_400) + rng.int(in: 10...30)
            while Int64(day) * 86_400 < span.to {
                let health = life.health[window.month(ofDay: day)] - 0.8 * engagement.strain(day)
                let rating = Int(Activity.clamp(1 + 4 * health + 0.7 * rng.normal(), 1, 5))
                let note = rng.chance(0.1) ? rng.pick(Catalog.pulseNotes) : nil
                pulses.append(CsmPulse(account: life.index, recordedAt: Window.timestamp(day: day), rating: rating,
                                       note: note))
                day += rng.int(in: 25...40)
            }
        }
    }

    /// Fills `instants` with `count` sorted random seconds in `[from, to)`.
    private mutating func randomInstants(_ count: Int, from: Int64, to: Int64, rng: inout SeededRandom) {
        instants.removeAll(keepingCapacity: true)
        let span = Int(to - from)
        for _ in 0..<count { instants.append(from + Int64(rng.int(span))) }
        if count > 1 { instants.sort() }
    }

    private static func clamp(_ x: Double, _ low: Double, _ high: Double) -> Double {
        min(high, max(low, x.rounded()))
    }

    private static func cumulative(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var sum = 0.0
        return weights.map {
            sum += $0
            return sum / total
        }
    }

    @inline(__always)
    private static func index(_ thresholds: [Double], _ u: Double) -> Int {
        var i = 0
        while i < thresholds.count - 1 && u >= thresholds[i] { i += 1 }
        return i
    }
}
