import GRDB
import VitalsCore

extension Store {
    /// Everything `workspace` holds, read from its rows: the same dataset `DatasetLoader` reads from the folder the
    /// records were imported from.
    ///
    /// Each table is read in row-id order (the order records were first stored), which keeps results identical to
    /// the folder's. The queries say `+workspace_id` so that SQLite scans the table in that order instead of using the
    /// (workspace_id, external_id) index and then sorting millions of rows in a temporary B-tree.
    static func rowDataset(_ db: Database, workspace: Int64) throws -> Dataset {
        var dataset = Dataset()
        var index: [Int64: AccountIndex] = [:]
        let w: StatementArguments = [workspace]
        func at(_ seconds: Int64?) -> Timestamp? { seconds.map { Timestamp(seconds: $0) } }
        func money(_ minor: Int64, _ code: String) throws -> Money {
            guard let currency = CurrencyCode(code) else {
                throw StoreError.failed("reading money", reason: "unknown currency '\(code)' in the store")
            }
            return Money(minorUnits: minor, currency: currency)
        }
        func account(_ row: Row, _ column: Int) throws -> AccountIndex {
            let id: Int64 = row[column]
            guard let found = index[id] else {
                throw StoreError.failed("reading records", reason: "row refers to a missing account \(id)")
            }
            return found
        }

        let accounts = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, external_id, name, created_at, csm, industry, country, referred_by, attributes
                FROM account WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try accounts.next() {
            let referredBy: String? = r[7]
            index[r[0]] = dataset.upsert(
                Account(
                    id: AccountID(r[1] as String), name: r[2], createdAt: at(r[3]), csm: r[4], industry: r[5],
                    country: r[6], referredBy: referredBy.map { AccountID($0) }, attributes: Store.map(json: r[8])))
        }
        let rates = try Row.fetchCursor(
            db, sql: "SELECT date, currency, rate FROM fx_rate WHERE +workspace_id = ? ORDER BY id", arguments: w)
        while let r = try rates.next() {
            guard let currency = CurrencyCode(r[1] as String) else { continue }
            dataset.fxRates.append(FxRate(date: Timestamp(seconds: r[0]), currency: currency, rate: r[2]))
        }
        let versions = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, subscription_id, product, plan, amount_minor, currency, interval, interval_count,
                       quantity, discount_percent, discount_amount_minor, status, valid_from, valid_to
                FROM subscription_version WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try versions.next() {
            dataset.subscriptions.append(
                SubscriptionVersion(
                    subscriptionID: SubscriptionID(r[1] as String), account: try account(r, 0), product: r[2],
                    plan: r[3], amount: try money(r[4], r[5]), interval: BillingInterval(rawValue: r[6]) ?? .month,
                    intervalCount: r[7], quantity: r[8], discountPercent: r[9], discountAmount: r[10],
                    status: SubscriptionStatus(rawValue: r[11]) ?? .active, validFrom: Timestamp(seconds: r[12]),
                    validTo: at(r[13])))
        }
        let orders = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, ordered_at, amount_minor, currency
                FROM purchase_order WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try orders.next() {
            dataset.orders.append(
                Order(id: OrderID(r[1] as String), account: try account(r, 0), orderedAt: Timestamp(seconds: r[2]),
                      amount: try money(r[3], r[4])))
        }
        let trials = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, started_at, ends_at, converted_at, canceled_at
                FROM trial WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try trials.next() {
            dataset.trials.append(
                Trial(id: TrialID(r[1] as String), account: try account(r, 0), startedAt: Timestamp(seconds: r[2]),
                      endsAt: Timestamp(seconds: r[3]), convertedAt: at(r[4]), canceledAt: at(r[5])))
        }
        let costs = try Row.fetchCursor(
            db,
            sql: """
                SELECT period_start, period_end, amount_minor, currency, channel
                FROM acquisition_cost WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try costs.next() {
            let channel: String = r[4]
            dataset.acquisitionCosts.append(
                AcquisitionCost(periodStart: Timestamp(seconds: r[0]), periodEnd: Timestamp(seconds: r[1]),
                                amount: try money(r[2], r[3]), channel: channel.isEmpty ? nil : channel))
        }
        let responses = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, survey, score, scale_min, scale_max, responded_at, contact, comment
                FROM survey_response WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try responses.next() {
            dataset.surveyResponses.append(
                SurveyResponse(
                    id: SurveyResponseID(r[1] as String), account: try account(r, 0),
                    survey: SurveyKind(rawValue: r[2]) ?? .nps, score: r[3], scaleMin: r[4], scaleMax: r[5],
                    respondedAt: Timestamp(seconds: r[6]), contact: r[7], comment: r[8]))
        }
        let tickets = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, opened_at, resolved_at, agent_replies, reopens,
                       first_contact_resolution, channel
                FROM ticket WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try tickets.next() {
            dataset.tickets.append(
                Ticket(id: TicketID(r[1] as String), account: try account(r, 0), openedAt: Timestamp(seconds: r[2]),
                       resolvedAt: at(r[3]), agentReplies: r[4], reopens: r[5], firstContactResolution: r[6],
                       channel: r[7]))
        }
        try Store.readUsageEvents(db, workspace: workspace, accountIndex: { index[$0] }, into: &dataset.usageEvents)
        // As from the snapshot, which keeps no usage event ids: a dataset read from the store is for computing, and
        // nothing computed reads them (they stay in the rows).
        dataset.usageEvents.dropIDs()
        let milestones = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, milestone, required, started_at, due_at, completed_at
                FROM onboarding_milestone WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try milestones.next() {
            dataset.onboarding.append(
                OnboardingMilestone(account: try account(r, 0), milestone: r[1], required: r[2], startedAt: at(r[3]),
                                    dueAt: at(r[4]), completedAt: at(r[5])))
        }
        let leads = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, source, created_at, status, closed_at, amount_minor, currency
                FROM lead WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try leads.next() {
            let accountRow: Int64? = r[0]
            let amount: Int64? = r[6]
            let currency: String? = r[7]
            dataset.leads.append(
                Lead(id: LeadID(r[1] as String), account: try accountRow.map { _ in try account(r, 0) },
                     source: LeadSource(rawValue: r[2]) ?? .other, createdAt: Timestamp(seconds: r[3]),
                     status: LeadStatus(rawValue: r[4]) ?? .open, closedAt: at(r[5]),
                     amount: try amount.flatMap { a in try currency.map { try money(a, $0) } }))
        }
        let goals = try Row.fetchCursor(
            db,
            sql: """
                SELECT account_id, external_id, name, target_date, achieved_at
                FROM success_goal WHERE +workspace_id = ? ORDER BY id
                """, arguments: w)
        while let r = try goals.next() {
            dataset.successGoals.append(
                SuccessGoal(id: SuccessGoalID(r[1] as String), account: try account(r, 0), name: r[2],
                            targetDate: at(r[3]), achievedAt: at(r[4])))
        }
        let pulses = try Row.fetchCursor(
            db,
            sql: "SELECT account_id, recorded_at, rating, note FROM csm_pulse WHERE +workspace_id = ? ORDER BY id",
            arguments: w)
        while let r = try pulses.next() {
            dataset.csmPulses.append(
                CsmPulse(account: try account(r, 0), recordedAt: Timestamp(seconds: r[1]), rating: r[2], note: r[3]))
        }
        return dataset
    }
}

extension Store {
    /// The accounts of `workspace`, in the order they were first stored.
    public func accounts(workspace: Int64) throws(StoreError) -> [Account] {
        try read("reading the accounts") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT external_id, name, created_at, csm, industry, country, referred_by, attributes
                    FROM account WHERE +workspace_id = ? ORDER BY id
                    """, arguments: [workspace]
            ).map { r in
                let created: Int64? = r[2]
                let referredBy: String? = r[6]
                return Account(
                    id: AccountID(r[0] as String), name: r[1], createdAt: created.map { Timestamp(seconds: $0) },
                    csm: r[3], industry: r[4], country: r[5], referredBy: referredBy.map { AccountID($0) },
                    attributes: Store.map(json: r[7]))
            }
        }
    }
}

extension Store {
    /// The row ids of `workspace`'s accounts, in the order `accounts(workspace:)` lists them.
    public func accountRowIDs(workspace: Int64) throws(StoreError) -> [Int64] {
        try read("reading the accounts") { db in try Store.accountRowIDs(db, workspace: workspace) }
    }

    static func accountRowIDs(_ db: Database, workspace: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE +workspace_id = ? ORDER BY id", arguments: [workspace])
    }

    /// The currencies `workspace` has exchange rates for.
    public func ratedCurrencies(workspace: Int64) throws(StoreError) -> Set<CurrencyCode> {
        try read("reading the rates") { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT currency FROM fx_rate WHERE workspace_id = ?", arguments: [workspace])
                .compactMap(CurrencyCode.init))
        }
    }
}
