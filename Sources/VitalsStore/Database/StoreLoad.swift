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
        for (row, account) in try storedAccounts(db, workspace: workspace) {
            index[row] = dataset.upsert(account)
        }
        func account(_ row: Int64) throws -> AccountIndex {
            guard let found = index[row] else {
                throw StoreError.failed("reading records", reason: "row refers to a missing account \(row)")
            }
            return found
        }
        for kind in RecordKind.all {
            try loadRecords(kind.layout, of: kind, db, workspace: workspace, account: account, into: &dataset)
        }
        try Store.readUsageEvents(db, workspace: workspace, accountIndex: { index[$0] }, into: &dataset.usageEvents)
        // As from the snapshot, which keeps no usage event ids: a dataset read from the store is for computing, and
        // nothing computed reads them (they stay in the rows).
        dataset.usageEvents.dropIDs()
        return dataset
    }

    /// The accounts of `workspace` with their row ids, in the order they were first stored.
    static func storedAccounts(_ db: Database, workspace: Int64) throws -> [(row: Int64, account: Account)] {
        let table = RecordTable(.accounts)
        let layout = Account.layout
        let storage = layout.fields.map(\.storage)
        var accounts: [(row: Int64, account: Account)] = []
        let rows = try Row.fetchCursor(
            db, sql: table.selectSQL(leading: ["id"], extra: ["attributes"]), arguments: [workspace])
        while let row = try rows.next() {
            let values = try table.values(row, offset: 1, storage: storage) { _ in AccountIndex(0) }
            guard case .success(var account) = layout.decode(values) else {
                throw StoreError.failed("reading accounts", reason: "a stored account does not fit its columns")
            }
            account.attributes = Store.map(json: row[storage.count + 1])
            accounts.append((row[0], account))
        }
        return accounts
    }
}

extension Store {
    /// The accounts of `workspace`, in the order they were first stored.
    public func accounts(workspace: Int64) throws(StoreError) -> [Account] {
        try read("reading the accounts") { db in try Store.storedAccounts(db, workspace: workspace).map(\.account) }
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

    public func contactOwners(workspace: Int64) throws(StoreError) -> [ContactID: AccountID] {
        try read("reading the contacts") { db in
            var owners: [ContactID: AccountID] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.external_id, a.external_id FROM contact c JOIN account a ON a.id = c.account_id
                    WHERE c.workspace_id = ?
                    """, arguments: [workspace])
            while let row = try rows.next() { owners[ContactID(row[0] as String)] = AccountID(row[1] as String) }
            return owners
        }
    }
}
