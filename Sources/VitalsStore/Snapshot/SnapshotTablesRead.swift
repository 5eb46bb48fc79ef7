import Foundation
import VitalsCore

extension SnapshotTables {
    /// What one job of the decode gives: a record section, one usage column, or the rest of the usage section.
    enum Part {
        case accounts(Dataset)
        case fxRates([FxRate])
        case subscriptions([SubscriptionVersion])
        case revenue([Order], [Trial], [AcquisitionCost])
        case surveys([SurveyResponse])
        case tickets([Ticket])
        case success([OnboardingMilestone], [Lead], [SuccessGoal], [CsmPulse])
        /// An index column of the usage events, with its least and greatest value (checked once all is read).
        case indices([Int32], min: Int32, max: Int32)
        case times([Int64])
        case durations([Double])
        case usageRest(UsageLayout.Rest)
    }

    /// The sections, in the order `DatasetSnapshot.encode` writes them.
    enum Section: Int, CaseIterable {
        case head, accounts, fxRates, subscriptions, revenue, surveys, tickets, usage, success
    }

    /// The pieces a snapshot decodes in, each on whichever core is free, longest first (so that two cores end at about
    /// the same time): the record sections, each usage column, and the usage section's rest.
    enum Job: CaseIterable {
        case tickets, surveys, accounts, usageRest, usageTimes, usageDurations, usageAccounts, subscriptions, usageUsers
        case success, usageNames, revenue, fxRates
    }

    /// Decodes the sections that start at `start` of `storage`: the head (currencies and code tables) first, then
    /// every other section and usage column at the same time. Record sections are read through a window of `window`
    /// bytes (unless the storage lies in memory); the usage columns straight into their arrays.
    static func decode(_ storage: some SnapshotStorage, from start: Int, window: Int) throws(Damaged) -> Dataset {
        var sections: [Range<Int>] = []
        var at = start
        for _ in Section.allCases {
            let length = try storage.fixed(UInt64.self, at: at)
            guard length <= UInt64(storage.count - at - 8) else {
                throw Damaged(description: "a section is longer than the snapshot")
            }
            sections.append((at + 8)..<(at + 8 + Int(length)))
            at += 8 + Int(length)
        }
        guard at == storage.count else { throw Damaged(description: "bytes after the last section") }
        let frozen = sections
        @Sendable func range(_ section: Section) -> Range<Int> { frozen[section.rawValue] }

        var head = try SnapshotReader(storage, range: range(.head), window: 4096)
        var currencies: [CurrencyCode] = []
        for _ in 0..<(try head.count()) {
            let code = try head.string()
            guard let currency = CurrencyCode(code) else { throw Damaged(description: "unknown currency '\(code)'") }
            currencies.append(currency)
        }
        var tables: [[String]] = []
        for _ in 0..<(try head.count()) {
            var table: [String] = []
            for _ in 0..<(try head.count()) { table.append(try head.string()) }
            tables.append(table)
        }
        guard tables == codeTables, head.isAtEnd else {
            throw Damaged(description: "the snapshot's codes are not this build's")
        }
        var peek = try SnapshotReader(storage, range: range(.accounts), window: 16)
        let context = Context(currencies: currencies, accountCount: try peek.count())
        let usage = try UsageLayout(storage, range: range(.usage), accountCount: context.accountCount)

        let jobs = Job.allCases
        let slots = UnsafeMutableBufferPointer<Result<Part, Damaged>?>.allocate(capacity: jobs.count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let output = slots  // each job writes only its own slot; all are done when the loop returns
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            output[j] = Result { () throws(Damaged) -> Part in
                func records(_ section: Section) throws(Damaged) -> Part {
                    var r = try SnapshotReader(storage, range: range(section), window: window)
                    let part = try context.part(section, &r)
                    guard r.isAtEnd else { throw Damaged(description: "bytes after the \(section) section") }
                    return part
                }
                switch jobs[j] {
                case .accounts: return try records(.accounts)
                case .fxRates: return try records(.fxRates)
                case .subscriptions: return try records(.subscriptions)
                case .revenue: return try records(.revenue)
                case .surveys: return try records(.surveys)
                case .tickets: return try records(.tickets)
                case .success: return try records(.success)
                case .usageAccounts: return try usage.accounts(storage)
                case .usageUsers: return try usage.users(storage)
                case .usageNames: return try usage.names(storage)
                case .usageTimes: return try usage.times(storage)
                case .usageDurations: return try usage.durations(storage)
                case .usageRest: return .usageRest(try usage.rest(storage, window: window))
                }
            }
        }

        var dataset = Dataset()
        var accounts: [Int32] = []
        var users: [Int32] = []
        var names: [Int32] = []
        // Each index column's least and greatest value (Int32.max and Int32.min for no events).
        typealias Bounds = (least: Int32, greatest: Int32)
        var bounds: (accounts: Bounds, users: Bounds, names: Bounds) = ((0, 0), (0, 0), (0, 0))
        var times: [Int64] = []
        var durations: [Double] = []
        var rest: UsageLayout.Rest?
        // The accounts first: the dataset the other parts are put into.
        for (j, job) in jobs.enumerated() where job == .accounts {
            guard case .accounts(let d) = try slots[j]!.get() else { continue }
            dataset = d
        }
        for (j, job) in jobs.enumerated() {
            switch try slots[j]!.get() {
            case .accounts: break
            case .fxRates(let rates): dataset.fxRates = rates
            case .subscriptions(let versions): dataset.subscriptions = versions
            case .revenue(let orders, let trials, let costs):
                dataset.orders = orders
                dataset.trials = trials
                dataset.acquisitionCosts = costs
            case .surveys(let responses): dataset.surveyResponses = responses
            case .tickets(let tickets): dataset.tickets = tickets
            case .success(let milestones, let leads, let goals, let pulses):
                dataset.onboarding = milestones
                dataset.leads = leads
                dataset.successGoals = goals
                dataset.csmPulses = pulses
            case .indices(let column, let least, let greatest):
                switch job {
                case .usageAccounts: (accounts, bounds.accounts) = (column, (least, greatest))
                case .usageUsers: (users, bounds.users) = (column, (least, greatest))
                default: (names, bounds.names) = (column, (least, greatest))
                }
            case .times(let column): times = column
            case .durations(let column): durations = column
            case .usageRest(let r): rest = r
            }
        }
        guard let rest, usage.count == 0 || (
            bounds.accounts.least >= 0 && Int(bounds.accounts.greatest) < context.accountCount
                && bounds.users.least >= 0 && Int(bounds.users.greatest) < rest.users.count
                && bounds.names.least >= 0 && Int(bounds.names.greatest) < rest.names.count)
        else { throw Damaged(description: "the usage columns do not fit together") }
        dataset.usageEvents = UsageLog(
            accounts: accounts, users: users, nameIndices: names, times: times, durations: durations,
            properties: rest.properties, userInterner: rest.users, nameInterner: rest.names)
        return dataset
    }

    struct Context: Sendable {
        let currencies: [CurrencyCode]
        let accountCount: Int

        func part(_ section: Section, _ r: inout SnapshotReader) throws(Damaged) -> Part {
            switch section {
            case .accounts:
                guard let dataset = Dataset(accounts: try accounts(&r)) else {
                    throw Damaged(description: "an account id repeats")
                }
                return .accounts(dataset)
            case .fxRates: return .fxRates(try records(&r) { r throws(Damaged) in
                let date = Timestamp(seconds: try r.get())
                let code = try r.string()
                guard let currency = CurrencyCode(code) else { throw Damaged(description: "unknown currency '\(code)'") }
                return FxRate(date: date, currency: currency, rate: try r.double())
            })
            case .subscriptions: return .subscriptions(try subscriptions(&r))
            case .revenue: return try revenue(&r)
            case .surveys: return .surveys(try surveys(&r))
            case .tickets: return .tickets(try tickets(&r))
            case .success: return try success(&r)
            case .head, .usage: preconditionFailure("read apart")
            }
        }

        private func records<T>(
            _ r: inout SnapshotReader, _ one: (inout SnapshotReader) throws(Damaged) -> T
        ) throws(Damaged) -> [T] {
            let n = try r.count()
            var out: [T] = []
            out.reserveCapacity(min(n, 1 << 24))
            for _ in 0..<n { out.append(try one(&r)) }
            return out
        }

        private func account(_ r: inout SnapshotReader) throws(Damaged) -> AccountIndex {
            let value = try r.get(Int32.self)
            guard value >= 0, Int(value) < accountCount else { throw Damaged(description: "account \(value) out of range") }
            return AccountIndex(Int(value))
        }

        private func money(_ r: inout SnapshotReader) throws(Damaged) -> Money {
            let minor = try r.get(Int64.self)
            let k = Int(try r.get(UInt8.self))
            guard k < currencies.count else { throw Damaged(description: "currency \(k) out of range") }
            return Money(minorUnits: minor, currency: currencies[k])
        }

        private func time(_ r: inout SnapshotReader) throws(Damaged) -> Timestamp { Timestamp(seconds: try r.get()) }

        private func optionalTime(_ r: inout SnapshotReader) throws(Damaged) -> Timestamp? {
            try r.optionalInt64().map { Timestamp(seconds: $0) }
        }

        private func accounts(_ r: inout SnapshotReader) throws(Damaged) -> [Account] {
            try records(&r) { r throws(Damaged) in
                Account(
                    id: AccountID(try r.string()), name: try r.string(), createdAt: try optionalTime(&r),
                    csm: try r.optionalString(), industry: try r.optionalString(), country: try r.optionalString(),
                    referredBy: try r.optionalString().map { AccountID($0) }, attributes: try r.map())
            }
        }

        private func subscriptions(_ r: inout SnapshotReader) throws(Damaged) -> [SubscriptionVersion] {
            try records(&r) { r throws(Damaged) in
                SubscriptionVersion(
                    subscriptionID: SubscriptionID(try r.string()), account: try account(&r), product: try r.string(),
                    plan: try r.optionalString(), amount: try money(&r), interval: try r.code(in: intervals),
                    intervalCount: Int(try r.get(Int64.self)), quantity: Int(try r.get(Int64.self)),
                    discountPercent: try r.double(), discountAmount: try r.get(),
                    status: try r.code(in: statuses), validFrom: try time(&r), validTo: try optionalTime(&r))
            }
        }

        private func revenue(_ r: inout SnapshotReader) throws(Damaged) -> Part {
            let orders = try records(&r) { r throws(Damaged) in
                Order(id: OrderID(try r.string()), account: try account(&r), orderedAt: try time(&r), amount: try money(&r))
            }
            let trials = try records(&r) { r throws(Damaged) in
                Trial(
                    id: TrialID(try r.string()), account: try account(&r), startedAt: try time(&r), endsAt: try time(&r),
                    convertedAt: try optionalTime(&r), canceledAt: try optionalTime(&r))
            }
            let costs = try records(&r) { r throws(Damaged) in
                AcquisitionCost(
                    periodStart: try time(&r), periodEnd: try time(&r), amount: try money(&r), channel: try r.optionalString())
            }
            return .revenue(orders, trials, costs)
        }

        private func surveys(_ r: inout SnapshotReader) throws(Damaged) -> [SurveyResponse] {
            try records(&r) { r throws(Damaged) in
                SurveyResponse(
                    id: SurveyResponseID(try r.string()), account: try account(&r), survey: try r.code(in: surveyKinds),
                    score: try r.double(), scaleMin: try r.double(), scaleMax: try r.double(), respondedAt: try time(&r),
                    contact: try r.optionalString(), comment: try r.optionalString())
            }
        }

        private func tickets(_ r: inout SnapshotReader) throws(Damaged) -> [Ticket] {
            try records(&r) { r throws(Damaged) in
                let id = TicketID(try r.string())
                let account = try account(&r)
                let openedAt = try time(&r)
                let resolvedAt = try optionalTime(&r)
                let replies = try r.optionalInt64().map { Int($0) }
                let reopens = try r.optionalInt64().map { Int($0) }
                let fcr: Bool? =
                    switch try r.get(UInt8.self) {
                    case 0: false
                    case 1: true
                    case 2: nil
                    default: throw Damaged(description: "a first-contact flag is not 0, 1 or 2")
                    }
                return Ticket(
                    id: id, account: account, openedAt: openedAt, resolvedAt: resolvedAt, agentReplies: replies,
                    reopens: reopens, firstContactResolution: fcr, channel: try r.optionalString())
            }
        }

        private func success(_ r: inout SnapshotReader) throws(Damaged) -> Part {
            let milestones = try records(&r) { r throws(Damaged) in
                OnboardingMilestone(
                    account: try account(&r), milestone: try r.string(), required: try r.bool(),
                    startedAt: try optionalTime(&r), dueAt: try optionalTime(&r), completedAt: try optionalTime(&r))
            }
            let leads = try records(&r) { r throws(Damaged) in
                let id = LeadID(try r.string())
                let row = try r.get(Int32.self)
                guard row >= -1, Int(row) < accountCount else { throw Damaged(description: "account \(row) out of range") }
                return Lead(
                    id: id, account: row < 0 ? nil : AccountIndex(Int(row)), source: try r.code(in: leadSources),
                    createdAt: try time(&r), status: try r.code(in: leadStatuses), closedAt: try optionalTime(&r),
                    amount: try r.bool() ? try money(&r) : nil)
            }
            let goals = try records(&r) { r throws(Damaged) in
                SuccessGoal(
                    id: SuccessGoalID(try r.string()), account: try account(&r), name: try r.string(),
                    targetDate: try optionalTime(&r), achievedAt: try optionalTime(&r))
            }
            let pulses = try records(&r) { r throws(Damaged) in
                CsmPulse(account: try account(&r), recordedAt: try time(&r), rating: Int(try r.get(Int64.self)),
                         note: try r.optionalString())
            }
            return .success(milestones, leads, goals, pulses)
        }
    }
}
