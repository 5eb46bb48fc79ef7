import VitalsCore

/// The fast paths for onboarding.csv, leads.csv and csm_pulse.csv (a million rows between them on the benchmark,
/// where the general reader spent 0.4 s looking columns up by name and making strings for every field): the rows are
/// read by `FastCSVRows` and become records with the checks of `readOnboarding`, `readLead` and `readCsmPulse`. Each
/// applies when accounts.csv was given and the file has no problem at all; otherwise nothing is kept and the general
/// reader reads the file, reporting every problem as ever.
extension RecordReader {
    /// Reads onboarding.csv from `bytes`; false (having added nothing) when the general reader must.
    /// A milestone may appear once per account: the fast path takes files that list each account's milestones
    /// together, and checks the milestones of one account against each other.
    mutating func readOnboardingFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let accountCount = dataset.accounts.count
        return readFast("onboarding.csv", bytes, into: \.onboarding) { rows, expected throws(FastCSVRows.GiveUp) in
            let c = rows.columns
            let (account, milestone, required) = (c["account_id"], c["milestone"], c["required"])
            let (startedAt, dueAt, completedAt) = (c["started_at"], c["due_at"], c["completed_at"])
            var flags = KnownValues<Bool>()
            var milestones: [OnboardingMilestone] = []
            milestones.reserveCapacity(expected)
            // Accounts whose milestones were listed, and where the current account's begin in `milestones`.
            var listed = [Bool](repeating: false, count: accountCount)
            var runStart = 0
            while try rows.next() {
                let account = try rows.account(account)
                let name = try rows.required(milestone)
                if milestones.last?.account != account {
                    guard !listed[account.int] else { throw FastCSVRows.GiveUp() }
                    listed[account.int] = true
                    runStart = milestones.count
                }
                // (An account with hundreds of milestones goes to the general reader, whose check is not quadratic.)
                guard milestones.count - runStart < 256,
                    !milestones[runStart...].contains(where: { $0.milestone == name })
                else { throw FastCSVRows.GiveUp() }
                let isRequired = try rows.known(required, in: &flags, FastCSVRows.boolean)
                let started = try rows.timestamp(startedAt)
                let completed = try rows.timestamp(completedAt)
                if let started, let completed, completed < started { throw FastCSVRows.GiveUp() }
                milestones.append(
                    OnboardingMilestone(
                        account: account, milestone: name, required: isRequired ?? true, startedAt: started,
                        dueAt: try rows.timestamp(dueAt), completedAt: completed))
            }
            return milestones
        }
    }

    /// Reads leads.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readLeadsFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let convertible = convertibleCurrencies
        return readFast("leads.csv", bytes, into: \.leads) { rows, expected throws(FastCSVRows.GiveUp) in
            let c = rows.columns
            let (id, account, source, createdAt) = (c["lead_id"], c["account_id"], c["source"], c["created_at"])
            let (status, closedAt, amount, currencyColumn) = (c["status"], c["closed_at"], c["amount"], c["currency"])
            var sources = KnownValues<LeadSource>()
            var statuses = KnownValues<LeadStatus>()
            var currencies = KnownValues<CurrencyCode>()
            var leads: [Lead] = []
            leads.reserveCapacity(expected)
            while try rows.next() {
                let id = LeadID(try rows.ascendingID(id))
                let account = rows.has(account) ? try rows.account(account) : nil
                let source = try rows.requiredKnown(source, in: &sources, FastCSVRows.choice)
                let status = try rows.requiredKnown(status, in: &statuses, FastCSVRows.choice)
                guard let created = try rows.timestamp(createdAt) else { throw FastCSVRows.GiveUp() }
                let closed = try rows.timestamp(closedAt)
                if let closed, closed < created { throw FastCSVRows.GiveUp() }
                // A currency is read only for an amount, as `readLead` does.
                var price: Money?
                if rows.has(amount) {
                    let currency = try rows.requiredKnown(currencyColumn, in: &currencies) {
                        CurrencyCode($0).flatMap { convertible($0) ? $0 : nil }
                    }
                    price = try rows.money(amount, currency: currency)
                }
                leads.append(
                    Lead(id: id, account: account, source: source, createdAt: created, status: status, closedAt: closed,
                         amount: price))
            }
            return leads
        }
    }

    /// Reads csm_pulse.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readCsmPulseFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        readFast("csm_pulse.csv", bytes, into: \.csmPulses) { rows, expected throws(FastCSVRows.GiveUp) in
            let c = rows.columns
            let (account, recordedAt, rating, note) = (c["account_id"], c["recorded_at"], c["rating"], c["note"])
            var pulses: [CsmPulse] = []
            pulses.reserveCapacity(expected)
            while try rows.next() {
                let account = try rows.account(account)
                guard let at = try rows.timestamp(recordedAt), let rating = try rows.integer(rating, range: 1...5) else {
                    throw FastCSVRows.GiveUp()
                }
                pulses.append(CsmPulse(account: account, recordedAt: at, rating: rating, note: rows.text(note)))
            }
            return pulses
        }
    }
}
