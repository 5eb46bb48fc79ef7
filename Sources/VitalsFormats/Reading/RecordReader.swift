import Foundation
import VitalsCore

/// Decodes the canonical files into a `Dataset`, checking each value and every reference between files.
struct RecordReader {
    /// Where problems go; the loader points it elsewhere for files it reads ahead of their turn.
    var log: IssueLog
    let reportingCurrency: CurrencyCode
    var dataset = Dataset()
    /// Whether accounts.csv was given; if not, accounts are implied by the ids other files use.
    var accountsDeclared = false
    /// Whether records are numbered as the elements of a request body (from 0) rather than by their lines.
    var elementNumbered = false
    private var ratedCurrencies: Set<CurrencyCode> = []
    /// The line of each subscription version, and the account (and first line) of each subscription id; the fast
    /// path for subscriptions.csv (`SubscriptionsFastCSV.swift`) keeps them too.
    var subscriptionLines: [Int] = []
    var subscriptionOwner: Owners = [:]
    typealias Owners = [SubscriptionID: (account: AccountIndex, line: Int)]
    /// The ids seen so far in the file being read, with the line of each.
    private var fileIDs = IDRegistry()
    /// The ids of the file being read, checked for repeats once it is read (all files but accounts.csv).
    private var pendingIDs = PendingIDs()
    /// Account ids by `AccountIndex`, looked up from raw CSV bytes.
    var accountKeys = StringInterner(expected: 1024)
    /// Called by accounts.csv's fast path with `accountKeys` once they hold every account of the file, before the
    /// dataset has the accounts themselves: usage events can be read from then on.
    var whenAccountsKnown: ((StringInterner) -> Void)?
    /// Where each usage event came from, for messages about duplicates found after the files are read.
    var usageSources: [(file: String, lines: LineMap)] = []
    /// When usage_events.csv was read without its ids: what stands for them, and how to read the file again with
    /// them should two ids hash alike.
    var usageIDDigest: (digest: UsageIDDigest, reread: () -> UsageLog?)?
    /// Positions of the usage columns in the file being read.
    private var usageColumns: UsageColumns?
    /// Positions of the columns of the kind being read, in the order of its fields (`readFields`).
    var fieldPositions: [Int?] = []
    /// Contacts stored already, with their accounts: activities may name them.
    var knownContacts: [ContactID: AccountID] = [:]
    /// The account of every contact known, built when a record first names a contact.
    var contactOwners: [ContactID: AccountID] = [:]

    /// - Parameter knownAccounts: accounts that exist already (in the store an import writes to): rows may refer to
    ///   them, and accounts.csv may update them.
    /// - Parameter ratedCurrencies: currencies the store already has rates for.
    init(
        log: IssueLog, reportingCurrency: CurrencyCode, knownAccounts: [Account] = [],
        ratedCurrencies: Set<CurrencyCode> = []
    ) {
        self.log = log
        self.reportingCurrency = reportingCurrency
        self.ratedCurrencies = ratedCurrencies
        for account in knownAccounts { _ = add(account) }
        accountsDeclared = !knownAccounts.isEmpty
    }

    /// Reads the canonical CSV file `file` from `bytes`.
    mutating func read(file: String, bytes: [UInt8]) {
        guard let kind = RecordKind.named(file),
            var table = CSVTable(file: file, bytes: bytes, required: kind.requiredColumns, known: kind.columns.map(\.name), log: log)
        else { return }
        reserve(kind.id, rows: Self.estimatedRows(bytes))
        read(&table, kind: kind)
    }

    /// Reads every record of `rows` as a record of `kind`.
    mutating func read<Row: RecordRow>(_ rows: inout Row, kind: RecordKind) {
        if kind.id == .accounts { accountsDeclared = true }
        fileIDs = IDRegistry()
        pendingIDs = PendingIDs()
        if kind.id == .usageEvents {
            usageColumns = UsageColumns(rows)
            usageSources.append((rows.file, LineMap()))
        }
        fieldPositions = kind.columns.map { rows.position(of: $0.name) }
        // The kind is matched once, not on each of its (millions of) rows.
        while rows.next() {
            switch kind.id {
            case .fxRates: readFxRate(&rows)
            case .accounts: readAccount(&rows)
            case .subscriptions: readSubscription(&rows)
            case .orders: readOrder(&rows)
            case .trials: readTrial(&rows)
            case .acquisitionCosts: readAcquisitionCost(&rows)
            case .surveyResponses: readSurveyResponse(&rows)
            case .tickets: readTicket(&rows)
            case .usageEvents: readUsageEvent(&rows)
            case .onboarding: readOnboarding(&rows)
            case .leads: readLead(&rows)
            case .successGoals: readSuccessGoal(&rows)
            case .csmPulse: readCsmPulse(&rows)
            case .contacts: readContact(&rows)
            case .activities: readActivity(&rows)
            case .surveyInvitations: readSurveyInvitation(&rows)
            }
        }
        if kind.id == .accounts { checkReferrals() }
        for (line, column, id, first) in pendingIDs.repeats() {
            log.add(rows.file, line, column, "duplicate \(column) '\(id)' (first on \(place(first)))")
        }
    }

    /// Where a record is, in messages that point at another one: "line 3", or "element 1" of a request body.
    func place(_ line: Int) -> String { elementNumbered ? "element \(line)" : "line \(line)" }

    /// About how many rows `bytes` holds, from the length of the lines of its first 64 KB.
    static func estimatedRows(_ bytes: [UInt8]) -> Int {
        let sample = bytes.prefix(1 << 16)
        let lines = sample.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard lines > 0 else { return 1 }
        return bytes.count / max(1, sample.count / lines) + 16
    }

    /// Reserves room for a file's rows: growing by doubling would copy millions of records a few times over and
    /// fault in fresh memory for each copy.
    private mutating func reserve(_ kind: RecordKind.ID, rows: Int) {
        switch kind {
        case .subscriptions:
            dataset.subscriptions.reserveCapacity(dataset.subscriptions.count + rows)
            subscriptionLines.reserveCapacity(subscriptionLines.count + rows)
            subscriptionOwner.reserveCapacity(subscriptionOwner.count + rows)
        case .orders: dataset.orders.reserveCapacity(dataset.orders.count + rows)
        case .trials: dataset.trials.reserveCapacity(dataset.trials.count + rows)
        case .surveyResponses: dataset.surveyResponses.reserveCapacity(dataset.surveyResponses.count + rows)
        case .tickets: dataset.tickets.reserveCapacity(dataset.tickets.count + rows)
        case .onboarding: dataset.onboarding.reserveCapacity(dataset.onboarding.count + rows)
        case .leads: dataset.leads.reserveCapacity(dataset.leads.count + rows)
        case .successGoals: dataset.successGoals.reserveCapacity(dataset.successGoals.count + rows)
        case .csmPulse: dataset.csmPulses.reserveCapacity(dataset.csmPulses.count + rows)
        case .contacts: dataset.contacts.reserveCapacity(dataset.contacts.count + rows)
        case .activities: dataset.activities.reserveCapacity(dataset.activities.count + rows)
        case .surveyInvitations: dataset.surveyInvitations.reserveCapacity(dataset.surveyInvitations.count + rows)
        case .accounts:
            dataset.reserveAccounts(rows)
            return
        case .fxRates, .acquisitionCosts, .usageEvents: return
        }
        pendingIDs.reserveCapacity(rows)
    }

    // MARK: - Shared checks

    /// `unique` for a record's own id, which may also not hold a control character.
    mutating func uniqueID<Row: RecordRow>(_ id: String, column: String, _ table: inout Row) {
        // A NUL or another control character in an id would be cut or misread by the tools ids go on to.
        if hasControlCharacter(id) {
            table.fail(column, "must not contain control characters")
            return
        }
        unique(id, column: column, &table)
    }

    /// Checks that `id` is not repeated in the file; a repeated id is an error naming the first one's line. Accounts
    /// are checked at once (a repeated account must not take an index); other files' ids are checked together once the
    /// file is read, which is much faster for millions.
    mutating func unique<Row: RecordRow>(_ id: String, column: String, _ table: inout Row) {
        guard !id.isEmpty else { return }
        guard table.file == "accounts.csv" else {
            pendingIDs.add(id, column: column, line: table.line)
            return
        }
        if let first = fileIDs.firstLine(of: id, line: table.line) {
            table.fail(column, "duplicate \(column) '\(id)' (first on \(place(first)))")
        }
    }

    /// The account a row belongs to: it must be in accounts.csv when that file is given.
    mutating func account<Row: RecordRow>(_ table: inout Row, column: String = "account_id", required: Bool = true) -> AccountIndex? {
        account(&table, at: table.position(of: column), column: column, required: required)
    }

    mutating func account<Row: RecordRow>(_ table: inout Row, at position: Int?, column: String, required: Bool = true)
        -> AccountIndex?
    {
        let found = table.withField(at: position) { bytes in bytes.map { find(account: $0) } }
        switch found {
        case .some(.some(let index)): return AccountIndex(Int(index))
        case .none:
            if required { table.fail(column, "a value is required") }
            return nil
        case .some(.none):
            let raw = table.text(at: position) ?? ""
            if accountsDeclared {
                table.fail(column, "unknown account '\(raw)' (" + (elementNumbered ? "not in this workspace)" : "not in accounts.csv)"))
                return nil
            }
            return add(Account(id: AccountID(raw), name: raw))
        }
    }

    /// The index of the account whose id is `bytes`, if known. Files list an account's rows together, so the last
    /// one found is remembered (by its id's bytes, for ids of up to 16): the lookup table is a cache miss on a large
    /// file, and this runs for every row of millions.
    private mutating func find(account bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let key = LastAccount.key(bytes)
        if let key, key == lastAccount.key { return lastAccount.index }
        let found = accountKeys.find(bytes)
        if let key, let found { lastAccount = LastAccount(key: key, index: found) }
        return found
    }

    private var lastAccount = LastAccount(key: LastAccount.Key(w0: 0, w1: 0, count: -1), index: -1)

    /// An account id of up to 16 bytes, in three words, with its index.
    private struct LastAccount {
        struct Key: Equatable {
            var w0: UInt64
            var w1: UInt64
            var count: Int
        }

        var key: Key
        var index: Int32

        /// The bytes as words (the second overlapping the first for 8 to 16 bytes), `nil` beyond 16 bytes.
        static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> Key? {
            let n = bytes.count
            guard n <= 16 else { return nil }
            guard n >= 8 else {
                var word: UInt64 = 0
                for k in 0..<n { word |= UInt64(bytes[k]) << (8 * k) }
                return Key(w0: word, w1: 0, count: n)
            }
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            return Key(
                w0: raw.loadUnaligned(as: UInt64.self), w1: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self),
                count: n)
        }
    }

    /// Adds a new account to the dataset and to the byte-keyed lookup (both give it the next index).
    mutating func add(_ account: Account) -> AccountIndex {
        let index = dataset.upsert(account)
        let key = accountKeys.index(of: account.id.rawValue)
        assert(Int(key) == index.int, "account lookup out of step with the dataset")
        return index
    }

    /// A currency is usable if it is the reporting currency or fx_rates.csv has a rate for it.
    mutating func convertible<Row: RecordRow>(_ currency: CurrencyCode?, _ table: inout Row, column: String = "currency") -> CurrencyCode? {
        guard let currency else { return nil }
        guard isConvertible(currency) else {
            table.fail(
                column,
                elementNumbered
                    ? "no rate for \(currency) in this workspace (the reporting currency is \(reportingCurrency); send its rates to /api/v1/fx_rates)"
                    : "no rate for \(currency) in fx_rates.csv (the reporting currency is \(reportingCurrency))")
            return nil
        }
        return currency
    }

    func isConvertible(_ currency: CurrencyCode) -> Bool {
        currency == reportingCurrency || ratedCurrencies.contains(currency)
    }

    /// `isConvertible` as a value: for a fast path's body, which runs while the reader is being added to.
    var convertibleCurrencies: (CurrencyCode) -> Bool {
        let (reporting, rated) = (reportingCurrency, ratedCurrencies)
        return { $0 == reporting || rated.contains($0) }
    }

    mutating func ordered<Row: RecordRow>(_ first: Timestamp?, _ then: Timestamp?, _ column: String, _ reason: String, _ table: inout Row) {
        if let first, let then, then < first { table.fail(column, reason) }
    }

    // MARK: - Files

    mutating func readFxRate<Row: RecordRow>(_ t: inout Row) {
        let date = t.timestamp("date", required: true)
        let currency = t.currency()
        let rate = t.decimal("rate", required: true)
        if let rate, rate <= 0 { t.fail("rate", "must be greater than 0") }
        if let date, let currency { unique("\(date) \(currency)", column: "date", &t) }
        guard !t.rowFailed, let date, let currency, let rate else { return }
        ratedCurrencies.insert(currency)
        dataset.fxRates.append(FxRate(date: date, currency: currency, rate: rate))
    }

    mutating func readAccount<Row: RecordRow>(_ t: inout Row) {
        let id = t.required("account_id")
        uniqueID(id, column: "account_id", &t)
        let name = t.required("name")
        let createdAt = t.timestamp("created_at")
        guard !t.rowFailed else { return }
        var account = Account(
            id: AccountID(id), name: name, createdAt: createdAt, csm: t.text("csm"), industry: t.text("industry"),
            country: t.text("country"), referredBy: t.text("referred_by").map { AccountID($0) },
            parent: t.text("parent_account_id").map { AccountID($0) }, attributes: t.extras())
        if account.referredBy?.rawValue == id {
            t.fail("referred_by", "an account cannot refer itself")
            account.referredBy = nil
        }
        if account.parent?.rawValue == id {
            t.fail("parent_account_id", "an account cannot be its own parent")
            account.parent = nil
        }
        referralLines[account.id] = t.line
        _ = add(account)
    }

    private var referralLines: [AccountID: Int] = [:]

    /// referred_by and parent_account_id must name a known account (it may appear later in the file), and parents
    /// must not loop.
    mutating func checkReferrals() {
        for account in dataset.accounts {
            if let referrer = account.referredBy, dataset.index(of: referrer) == nil {
                log.add("accounts.csv", referralLines[account.id] ?? 0, "referred_by", "unknown account '\(referrer)'")
            }
            if let parent = account.parent, dataset.index(of: parent) == nil {
                log.add("accounts.csv", referralLines[account.id] ?? 0, "parent_account_id", "unknown account '\(parent)'")
            }
        }
        for loop in AccountHierarchy.loops(dataset.accounts) {
            let first = loop[0]
            log.add(
                "accounts.csv", referralLines[first] ?? 0, "parent_account_id",
                "parents loop: " + (loop + [first]).map(\.rawValue).joined(separator: " -> "))
        }
    }

    mutating func readSubscription<Row: RecordRow>(_ t: inout Row) {
        let (version, failed) = readFieldsChecked(SubscriptionVersion.layout, of: .subscriptions, at: fieldPositions, &t)
        // The checks between columns run on the columns that were read, as every problem of a row is reported.
        if failed.isDisjoint(with: ["amount", "quantity", "currency"]),
            RecordLimits.itemTotal(amount: version.amount.minorUnits, quantity: version.quantity) == nil
        {
            t.fail("amount", RecordLimits.itemTotalMessage(currency: version.amount.currency))
        }
        if failed.isDisjoint(with: ["valid_from", "valid_to"]), let to = version.validTo, to <= version.validFrom {
            t.fail("valid_to", "must be after valid_from (\(version.validFrom))")
        }
        if failed.isDisjoint(with: ["valid_from", "renews_at"]), let renews = version.renewsAt, renews <= version.validFrom {
            t.fail("renews_at", "must be after valid_from (\(version.validFrom))")
        }
        if let reason = version.cancelReason, reason.count > RecordLimits.cancelReasonLength {
            t.fail("cancel_reason", "is \(reason.count) characters; at most \(RecordLimits.cancelReasonLength)")
        }
        let id = version.subscriptionID
        if failed.isDisjoint(with: ["account_id", "subscription_id"]), !id.rawValue.isEmpty {
            if let owner = subscriptionOwner[id], owner.account != version.account {
                t.fail(
                    "account_id",
                    "subscription '\(id)' belongs to account '\(dataset[owner.account].id)' (\(place(owner.line)))")
            } else if subscriptionOwner[id] == nil {
                subscriptionOwner[id] = (version.account, t.line)
            }
        }
        guard !t.rowFailed else { return }
        dataset.subscriptions.append(version)
        subscriptionLines.append(t.line)
    }

    /// Versions of one subscription item (subscription_id, product) must not overlap in time.
    mutating func checkSubscriptionOverlaps() {
        let versions = dataset.subscriptions
        let order = SubscriptionMRR.itemOrder(versions)
        for (previous, current) in zip(order, order.dropFirst()) {
            let a = versions[previous]
            let b = versions[current]
            guard a.subscriptionID == b.subscriptionID, a.product == b.product else { continue }
            if a.validTo == nil || a.validTo! > b.validFrom {
                log.add(
                    "subscriptions.csv", subscriptionLines[current], "valid_from",
                    "version of '\(b.subscriptionID)' / '\(b.product)' starting \(b.validFrom) overlaps the one on "
                        + "\(place(subscriptionLines[previous])) (valid \(a.validFrom) to \(a.validTo?.description ?? "open"))")
            }
        }
    }

    mutating func readOrder<Row: RecordRow>(_ t: inout Row) {
        guard let order = readFields(Order.layout, of: .orders, at: fieldPositions, &t) else { return }
        dataset.orders.append(order)
    }

    mutating func readTrial<Row: RecordRow>(_ t: inout Row) {
        guard let trial = readFields(Trial.layout, of: .trials, at: fieldPositions, &t) else { return }
        ordered(trial.startedAt, trial.endsAt, "ends_at", "must not be before started_at", &t)
        ordered(trial.startedAt, trial.convertedAt, "converted_at", "must not be before started_at", &t)
        ordered(trial.startedAt, trial.canceledAt, "canceled_at", "must not be before started_at", &t)
        guard !t.rowFailed else { return }
        dataset.trials.append(trial)
    }

    mutating func readAcquisitionCost<Row: RecordRow>(_ t: inout Row) {
        let start = t.timestamp("period_start", required: true)
        let end = t.timestamp("period_end", required: true)
        ordered(start, end, "period_end", "must not be before period_start", &t)
        let amount = t.money("amount", currency: convertible(t.currency(), &t))
        guard !t.rowFailed, let start, let end, let amount else { return }
        dataset.acquisitionCosts.append(AcquisitionCost(periodStart: start, periodEnd: end, amount: amount, channel: t.text("channel")))
    }

    mutating func readSurveyResponse<Row: RecordRow>(_ t: inout Row) {
        var (response, failed) = readFieldsChecked(SurveyResponse.layout, of: .surveyResponses, at: fieldPositions, &t)
        // An end of the scale not given is the survey's own (docs/data-format.md).
        if !t.hasValue(at: t.position(of: "scale_min")) { response.scaleMin = response.survey.defaultScale.lowerBound }
        if !t.hasValue(at: t.position(of: "scale_max")) { response.scaleMax = response.survey.defaultScale.upperBound }
        let (low, high, score) = (response.scaleMin, response.scaleMax, response.score)
        let scaleRead = failed.isDisjoint(with: ["survey", "scale_min", "scale_max"])
        if scaleRead, low >= high {
            t.fail("scale_max", "must be greater than scale_min (\(low.compact))")
        } else if scaleRead, !failed.contains("score"), !(low...high).contains(score) {
            // Only a scale whose ends are in order is a range (`low...high` would trap on a reversed one).
            t.fail("score", "\(score.compact) is outside the scale \(low.compact)-\(high.compact)")
        }
        guard !t.rowFailed else { return }
        dataset.surveyResponses.append(response)
    }

    mutating func readTicket<Row: RecordRow>(_ t: inout Row) {
        let ticket = readFields(Ticket.layout, of: .tickets, at: fieldPositions, &t)
        guard let ticket else { return }
        ordered(ticket.openedAt, ticket.resolvedAt, "resolved_at", "must not be before opened_at", &t)
        if let contact = ticket.contact { checkContact(contact, of: ticket.account, &t) }
        guard !t.rowFailed else { return }
        dataset.tickets.append(ticket)
    }

    /// Usage events are the bulk of most datasets (tens of millions of rows), so they take a fast path: fields are
    /// read as bytes, users and event names are interned from them, and ids are checked for repeats once the files
    /// are read (`checkUsageEventIDs`), not row by row.
    mutating func readUsageEvent<Row: RecordRow>(_ t: inout Row) {
        let c = usageColumns!
        let account = account(&t, at: c.account, column: "account_id")
        t.require(at: c.occurredAt, "occurred_at")
        let at = t.timestamp(at: c.occurredAt, column: "occurred_at")
        let duration = t.withField(at: c.duration) { bytes in bytes.map(FastNumber.parse) }
        if case .some(.none) = duration {
            t.fail("duration_seconds", "'\(t.text(at: c.duration) ?? "")' is not a number")
        } else if let seconds = duration ?? nil, seconds < 0 {
            t.fail("duration_seconds", "must not be negative")
        }
        t.require(at: c.id, "event_id")
        if t.withField(at: c.id, { $0.map(hasControlCharacter) ?? false }) {
            t.fail("event_id", "must not contain control characters")
        }
        t.require(at: c.user, "user_id")
        t.require(at: c.event, "event")
        guard !t.rowFailed, let account, let at else { return }
        let properties = t.extraColumns.isEmpty ? [:] : t.extras()
        t.withField(at: c.id) { id in
            t.withField(at: c.user) { user in
                t.withField(at: c.event) { event in
                    dataset.usageEvents.append(
                        id: id!, account: account, user: user!, event: event!, occurredAt: at,
                        durationSeconds: duration ?? nil, properties: properties)
                }
            }
        }
        usageSources[usageSources.count - 1].lines.append(line: t.line)
    }

    /// Reports every usage event whose id repeats an earlier one's (in either usage file).
    mutating func checkUsageEventIDs() {
        let parallelism = ProcessInfo.processInfo.activeProcessorCount
        var events = dataset.usageEvents
        if !events.hasIDs {
            guard let (digest, reread) = usageIDDigest, digest.mayRepeat(parallelism: parallelism) else { return }
            guard let withIDs = reread(), withIDs.count == events.count else {
                log.add("usage_events.csv", 0, nil, "changed while it was read")
                return
            }
            events = withIDs
        }
        let duplicates = events.duplicateIDs(parallelism: parallelism)
        guard !duplicates.isEmpty else { return }
        var ends: [Int] = []
        for source in usageSources { ends.append((ends.last ?? 0) + source.lines.count) }
        func locate(_ event: Int) -> (file: String, line: Int) {
            let s = ends.firstIndex { event < $0 }!
            let start = s == 0 ? 0 : ends[s - 1]
            return (usageSources[s].file, usageSources[s].lines.line(of: event - start))
        }
        for (duplicate, first) in duplicates {
            let at = locate(duplicate)
            let was = locate(first)
            let place = was.file == at.file ? place(was.line) : "\(was.file) \(place(was.line))"
            log.add(
                at.file, at.line, "event_id",
                "duplicate event_id '\(events.id(at: duplicate))' (first on \(place))")
        }
    }

    mutating func readOnboarding<Row: RecordRow>(_ t: inout Row) {
        let milestone = readFields(OnboardingMilestone.layout, of: .onboarding, at: fieldPositions, &t)
        guard let milestone else { return }
        // One milestone of a name per account.
        unique("\(dataset[milestone.account].id)\u{1F}\(milestone.milestone)", column: "milestone", &t)
        ordered(milestone.startedAt, milestone.completedAt, "completed_at", "must not be before started_at", &t)
        guard !t.rowFailed else { return }
        dataset.onboarding.append(milestone)
    }

    mutating func readLead<Row: RecordRow>(_ t: inout Row) {
        let (lead, failed) = readFieldsChecked(Lead.layout, of: .leads, at: fieldPositions, &t)
        if failed.isDisjoint(with: ["created_at", "closed_at"]) {
            ordered(lead.createdAt, lead.closedAt, "closed_at", "must not be before created_at", &t)
        }
        guard !t.rowFailed else { return }
        dataset.leads.append(lead)
    }

    mutating func readSuccessGoal<Row: RecordRow>(_ t: inout Row) {
        guard let goal = readFields(SuccessGoal.layout, of: .successGoals, at: fieldPositions, &t) else { return }
        dataset.successGoals.append(goal)
    }

    mutating func readCsmPulse<Row: RecordRow>(_ t: inout Row) {
        guard let pulse = readFields(CsmPulse.layout, of: .csmPulse, at: fieldPositions, &t) else { return }
        dataset.csmPulses.append(pulse)
    }
}

extension Double {
    /// `7` rather than `7.0`, for messages.
    var compact: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

/// The ids seen in one file, with the line each was first seen on.
struct IDRegistry {
    private var ids = StringInterner(expected: 1024)
    private var lines: [Int] = []

    /// The first line of `id` if it was seen before; otherwise records it on `line` and returns `nil`.
    mutating func firstLine(of id: String, line: Int) -> Int? {
        let index = Int(ids.index(of: id))
        if index < lines.count { return lines[index] }
        lines.append(line)
        return nil
    }
}

/// The canonical file a table holds, so that its rows dispatch on an enum rather than on the file name.
/// Ids waiting to be checked for repeats when their file is read.
struct PendingIDs {
    private var ids: [String] = []
    private var lines: [Int32] = []
    private var column = ""

    mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        lines.reserveCapacity(count)
    }

    mutating func add(_ id: String, column: String, line: Int) {
        ids.append(id)
        lines.append(Int32(clamping: line))
        self.column = column
    }

    /// Each repeated id with its line, column and the line it first appeared on, in file order.
    func repeats() -> [(line: Int, column: String, id: String, first: Int)] {
        let found = ids.withUnsafeBufferPointer { ids in
            DuplicateFinder.find(
                count: ids.count, parallelism: ProcessInfo.processInfo.activeProcessorCount,
                hash: { i in
                    var id = ids[i]
                    return id.withUTF8(StringInterner.hash)
                },
                same: { ids[$0].utf8.elementsEqual(ids[$1].utf8) },
                // String order (much faster than comparing UTF-8 views): strictly ascending strings are pairwise
                // not canonically equivalent, so their bytes differ too.
                precedes: { ids[$0] < ids[$1] })
        }
        return found.map { (Int(lines[$0.duplicate]), column, ids[$0.duplicate], Int(lines[$0.first])) }
    }
}
