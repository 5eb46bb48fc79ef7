import VitalsCore

/// The fast path for accounts.csv (100,000 accounts on the benchmark, where the general reader took 0.3 s, alone:
/// the usage events cannot be read before the accounts are known). The rows are read by `FastCSVRows` and become
/// accounts with the checks of `readAccount`. It applies to a first load (no accounts known yet) of a file with no
/// problem at all, whose ids ascend (so none repeats) and whose referrers and parents are all in the file (parents
/// without a loop); otherwise nothing is
/// kept and the general reader reads the file, reporting every problem as ever.
extension RecordReader {
    /// Reads accounts.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readAccountsFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard dataset.accounts.isEmpty else { return false }
        let spec = RecordKind.accounts
        let expected = Self.estimatedRows(bytes)
        let known = Set(spec.columns.map(\.name))
        let read = FastCSVRows.read(bytes, kind: spec, accounts: accountKeys) {
            rows throws(FastCSVRows.GiveUp) -> [Account] in
            let c = rows.columns
            let (id, name, createdAt, csm) = (c["account_id"], c["name"], c["created_at"], c["csm"])
            let (industry, country, referredBy) = (c["industry"], c["country"], c["referred_by"])
            let parentColumn = c["parent_account_id"]
            // Custom attributes in header order, as `CSVTable.extraColumns`.
            let extras = c.positions.filter { !known.contains($0.key) && !$0.key.isEmpty }.sorted { $0.value < $1.value }
            var accounts: [Account] = []
            accounts.reserveCapacity(expected)
            var referrers: [AccountID] = []
            var hasParents = false
            while try rows.next() {
                let id = AccountID(try rows.ascendingID(id))
                var attributes: [String: String] = [:]
                for (column, position) in extras {
                    if let value = rows.untrimmedText(position) { attributes[column] = value }
                }
                let referrer = rows.text(referredBy).map { AccountID($0) }
                if let referrer {
                    guard referrer != id else { throw FastCSVRows.GiveUp() }
                    referrers.append(referrer)
                }
                let parent = rows.text(parentColumn).map { AccountID($0) }
                if let parent {
                    guard parent != id else { throw FastCSVRows.GiveUp() }
                    referrers.append(parent)
                    hasParents = true
                }
                accounts.append(
                    Account(
                        id: id, name: try rows.required(name), createdAt: try rows.timestamp(createdAt),
                        csm: rows.text(csm), industry: rows.text(industry), country: rows.text(country),
                        referredBy: referrer, parent: parent, attributes: attributes))
            }
            // A referrer not in the file: the general reader names its line.
            if !referrers.isEmpty {
                let ids = Set(accounts.lazy.map(\.id))
                guard referrers.allSatisfy(ids.contains) else { throw FastCSVRows.GiveUp() }
            }
            // A loop of parents: the general reader names it.
            if hasParents, !AccountHierarchy.loops(accounts).isEmpty { throw FastCSVRows.GiveUp() }
            return accounts
        }
        guard let read else { return false }
        accountsDeclared = true
        // The ids first, in file order (the indices the dataset gives them), so that the usage events can start;
        // then the accounts themselves.
        accountKeys = StringInterner(expected: read.count)
        for account in read { _ = accountKeys.index(of: account.id.rawValue) }
        whenAccountsKnown?(accountKeys)
        dataset.reserveAccounts(read.count)
        for account in read { _ = dataset.upsert(account) }
        assert(dataset.accounts.count == accountKeys.count, "account lookup out of step with the dataset")
        return true
    }
}
