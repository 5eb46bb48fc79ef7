import Foundation
import VitalsCore

extension SnapshotTables {
    /// What one section decodes to.
    enum Part {
        case accounts([Account])
        case fxRates([FxRate])
        case subscriptions([SubscriptionVersion])
        case revenue([Order], [Trial], [AcquisitionCost])
        case surveys([SurveyResponse])
        case tickets([Ticket])
        case usage(UsageLog)
        case success([OnboardingMilestone], [Lead], [SuccessGoal], [CsmPulse])
    }

    /// Reads the sections in order. Each record section is copied into a buffer and decoded on another thread while
    /// the next ones are read; the usage columns are copied straight into their arrays.
    static func decode(_ source: inout some SnapshotSource) throws(Damaged) -> Dataset {
        func section() throws(Damaged) -> UnsafeMutableRawBufferPointer {
            try source.block(Int(clamping: try source.fixed(UInt64.self)))
        }
        let currencyBytes = try section()
        defer { currencyBytes.deallocate() }
        var r = SnapshotReader(UnsafeRawBufferPointer(currencyBytes))
        var currencies: [CurrencyCode] = []
        for _ in 0..<(try r.count()) {
            let code = try r.string()
            guard let currency = CurrencyCode(code) else { throw Damaged(description: "unknown currency '\(code)'") }
            currencies.append(currency)
        }

        let group = DispatchGroup()
        let slots = UnsafeMutableBufferPointer<Result<Part, Damaged>?>.allocate(capacity: 8)
        slots.initialize(repeating: nil)
        defer {
            group.wait()  // no decode may outlive the slots, even when reading failed half-way
            _ = slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let output = slots  // each decode writes only its own slot
        var context: Context?
        for k in 0..<8 {
            let length = Int(clamping: try source.fixed(UInt64.self))
            if k == 6 {
                guard let context else { throw Damaged(description: "no accounts section") }
                slots[k] = .success(.usage(try context.usage(&source, length: length)))
                continue
            }
            let bytes = try source.block(length)
            if k == 0 {
                var peek = SnapshotReader(UnsafeRawBufferPointer(bytes))
                do {
                    context = Context(currencies: currencies, accountCount: try peek.count())
                } catch {
                    bytes.deallocate()
                    throw error
                }
            }
            let decoder = context!
            nonisolated(unsafe) let handedOver = bytes  // only the decode below touches it, then frees it
            DispatchQueue.global().async(group: group) {
                defer { handedOver.deallocate() }
                var r = SnapshotReader(UnsafeRawBufferPointer(handedOver))
                output[k] = Result { () throws(Damaged) -> Part in
                    let part = try decoder.part(k, &r)
                    guard r.isAtEnd else { throw Damaged(description: "bytes after section \(k)") }
                    return part
                }
            }
        }
        group.wait()
        var dataset = Dataset()
        for slot in slots {
            switch try slot!.get() {
            case .accounts(let accounts): for a in accounts { dataset.upsert(a) }
            case .fxRates(let rates): dataset.fxRates = rates
            case .subscriptions(let versions): dataset.subscriptions = versions
            case .revenue(let orders, let trials, let costs):
                dataset.orders = orders
                dataset.trials = trials
                dataset.acquisitionCosts = costs
            case .surveys(let responses): dataset.surveyResponses = responses
            case .tickets(let tickets): dataset.tickets = tickets
            case .usage(let log): dataset.usageEvents = log
            case .success(let milestones, let leads, let goals, let pulses):
                dataset.onboarding = milestones
                dataset.leads = leads
                dataset.successGoals = goals
                dataset.csmPulses = pulses
            }
        }
        guard dataset.accounts.count == context?.accountCount else { throw Damaged(description: "an account id repeats") }
        return dataset
    }

    struct Context: Sendable {
        let currencies: [CurrencyCode]
        let accountCount: Int

        func part(_ k: Int, _ r: inout SnapshotReader) throws(Damaged) -> Part {
            switch k {
            case 0: .accounts(try accounts(&r))
            case 1: .fxRates(try records(&r) { r throws(Damaged) in
                let date = Timestamp(seconds: try r.get())
                let code = try r.string()
                guard let currency = CurrencyCode(code) else { throw Damaged(description: "unknown currency '\(code)'") }
                return FxRate(date: date, currency: currency, rate: try r.double())
            })
            case 2: .subscriptions(try subscriptions(&r))
            case 3: try revenue(&r)
            case 4: .surveys(try surveys(&r))
            case 5: .tickets(try tickets(&r))
            default: try success(&r)
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

        private func value<E: RawRepresentable<String>>(_: E.Type, _ r: inout SnapshotReader) throws(Damaged) -> E {
            let raw = try r.string()
            guard let value = E(rawValue: raw) else { throw Damaged(description: "unknown value '\(raw)'") }
            return value
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
                    plan: try r.optionalString(), amount: try money(&r), interval: try value(BillingInterval.self, &r),
                    intervalCount: Int(try r.get(Int64.self)), quantity: Int(try r.get(Int64.self)),
                    discountPercent: try r.double(), discountAmount: try r.get(),
                    status: try value(SubscriptionStatus.self, &r), validFrom: try time(&r), validTo: try optionalTime(&r))
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
                    id: SurveyResponseID(try r.string()), account: try account(&r), survey: try value(SurveyKind.self, &r),
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

        /// The usage section (`writeUsage`), `length` bytes of `source`.
        func usage(_ source: inout some SnapshotSource, length: Int) throws(Damaged) -> UsageLog {
            let before = source.remaining
            let n = Int(clamping: try source.fixed(UInt64.self))
            let idByteCount = Int(clamping: try source.fixed(UInt64.self))
            let width = try source.fixed(UInt8.self)
            let nameWidth = try source.fixed(UInt8.self)
            let timeWidth = try source.fixed(UInt8.self)
            let earliest = try source.fixed(Int64.self)
            let durationWidth = try source.fixed(UInt8.self)
            // Id width 0: no ids (what `writeUsage` writes); 1 or 8: id lengths in bytes or ends, then the ids.
            guard width == 0 || width == 1 || width == 8, nameWidth == 1 || nameWidth == 4, timeWidth == 4 || timeWidth == 8,
                durationWidth == 4 || durationWidth == 8
            else { throw Damaged(description: "usage columns of unknown widths") }
            let accounts = try source.array(Int32.self, count: n)
            let users = try source.array(Int32.self, count: n)
            let names =
                nameWidth == 1
                ? try source.array(UInt8.self, count: n, widenedTo: Int32.self) { Int32($0) }
                : try source.array(Int32.self, count: n)
            let times =
                timeWidth == 4
                ? try source.array(UInt32.self, count: n, widenedTo: Int64.self) { earliest &+ Int64($0) }
                : try source.array(Int64.self, count: n)
            let durations =
                durationWidth == 4
                ? try source.array(Float.self, count: n, widenedTo: Double.self) { Double($0) }
                : try source.array(Double.self, count: n)
            let idEnds: [Int]
            if width == 0 {
                guard idByteCount == 0 else { throw Damaged(description: "usage ids without their lengths") }
                idEnds = []
            } else if width == 1 {
                let lengths = try source.array(UInt8.self, count: n)
                var end = 0
                idEnds = lengths.map { length in
                    end += Int(length)
                    return end
                }
            } else {
                idEnds = try source.array(Int64.self, count: n).map { Int($0) }
            }
            let idBytes = try source.array(UInt8.self, count: idByteCount)
            let rest = try source.block(length - (before - source.remaining))
            defer { rest.deallocate() }
            var r = SnapshotReader(UnsafeRawBufferPointer(rest))
            var properties: [Int: [String: String]] = [:]
            for _ in 0..<(try r.count()) {
                let position = try r.count()
                properties[position] = try r.map()
            }
            var userIDs: [String] = []
            for _ in 0..<(try r.count()) { userIDs.append(try r.string()) }
            let userAccounts = try r.array(Int32.self)
            var nameTexts: [String] = []
            for _ in 0..<(try r.count()) { nameTexts.append(try r.string()) }
            guard r.isAtEnd, userIDs.count == userAccounts.count,
                !accounts.contains(where: { $0 < 0 || Int($0) >= accountCount }),
                !users.contains(where: { $0 < 0 || Int($0) >= userIDs.count }),
                !names.contains(where: { $0 < 0 || Int($0) >= nameTexts.count }),
                idEnds.allSatisfy({ $0 >= 0 }), zip(idEnds, idEnds.dropFirst()).allSatisfy({ $0 <= $1 }),
                (idEnds.last ?? 0) == idBytes.count, properties.keys.allSatisfy({ $0 < n }),
                n > 0 ? width == 0 || idEnds.count == n : true
            else { throw Damaged(description: "the usage columns do not fit together") }
            return UsageLog(
                columns: UsageLog.Columns(
                    accounts: accounts, users: users, nameIndices: names, times: times, durations: durations,
                    idBytes: idBytes, idEnds: idEnds, properties: properties, userIDs: userIDs,
                    userAccounts: userAccounts, names: nameTexts, hasIDs: width != 0))
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
                    id: id, account: row < 0 ? nil : AccountIndex(Int(row)), source: try value(LeadSource.self, &r),
                    createdAt: try time(&r), status: try value(LeadStatus.self, &r), closedAt: try optionalTime(&r),
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
