import GRDB
import VitalsCore

extension Store {
    /// Writes `events` into `workspace` by the path `LoadPath.choose` gives; returns the rows written and how many of
    /// them are new (not replacing a stored event).
    ///
    /// Usage events are most of a large import (20 million of 26 on the benchmark), so this loop binds every text
    /// from bytes that stay put for the whole loop (the log's id arena, the users' and names' UTF-8 laid out once)
    /// without a Swift string or a copy per row.
    static func saveUsageEvents(
        _ events: UsageLog, accountRows: [Int64], workspace: Int64, rebuildThreshold: Int, _ db: Database,
        progress: ((Int) -> Void)?
    ) throws -> (rows: Int, new: Int) {
        guard !events.isEmpty else { return (0, 0) }
        let path = try LoadPath.choose(
            db, table: "usage_event", workspace: workspace, rows: events.count, rebuildThreshold: rebuildThreshold)
        let columns = "workspace_id, account_id, external_id, user_id, event, occurred_at, duration_seconds, properties"
        var sql = "INSERT INTO usage_event (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        if path == .upsert {
            sql += """
                 ON CONFLICT (workspace_id, external_id) DO UPDATE SET account_id = excluded.account_id,
                    user_id = excluded.user_id, event = excluded.event, occurred_at = excluded.occurred_at,
                    duration_seconds = excluded.duration_seconds, properties = excluded.properties
                """
        }
        let statement = try db.makeStatement(sql: sql)
        let write = {
            try insert(events, accountRows: accountRows, workspace: workspace, RowBinder(statement, db, progress: progress))
        }
        // A new row takes the largest row id plus one; an upsert that updates keeps its row id. So the largest id
        // grows by exactly the number of new rows.
        func largestID() throws -> Int64 { try Int64.fetchOne(db, sql: "SELECT max(id) FROM usage_event") ?? 0 }
        let before = path == .upsert ? try largestID() : 0
        if path == .rebuild {
            try LoadPath.withIndexesRebuilt(db, table: "usage_event", write)
        } else {
            try write()
        }
        return (events.count, path == .upsert ? Int(try largestID() - before) : events.count)
    }

    private static func insert(
        _ events: UsageLog, accountRows: [Int64], workspace: Int64, _ binder: RowBinder
    ) throws {
        var binder = binder
        let users = UTF8Arena(events.userIDs)
        let names = UTF8Arena(events.names)
        let hasProperties = events.hasProperties
        let accounts = events.accounts, userIndices = events.users, nameIndices = events.nameIndices
        let times = events.times, durations = events.durations
        try events.withIDBytes { ids, idEnds in
            try users.withText { user in
                try names.withText { name in
                    for i in 0..<accounts.count {
                        binder.bind(workspace)
                        binder.bind(accountRows[Int(accounts[i])])
                        binder.bindUnretained(UnsafeBufferPointer(rebasing: ids[(i == 0 ? 0 : idEnds[i - 1])..<idEnds[i]]))
                        binder.bindUnretained(user(Int(userIndices[i])))
                        binder.bindUnretained(name(Int(nameIndices[i])))
                        binder.bind(times[i])
                        binder.bind(durations[i])  // NaN (no duration) binds NULL
                        let properties = hasProperties ? events.properties(at: i) : [:]
                        binder.bind(properties.isEmpty ? nil : Store.json(properties))
                        try binder.step()
                    }
                    binder.reportRest()
                }
            }
        }
    }
}

/// Strings laid out once as UTF-8 back to back, to be bound by pointer many times.
private struct UTF8Arena {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    init(_ texts: [String]) {
        ends.reserveCapacity(texts.count)
        for text in texts {
            bytes.append(contentsOf: text.utf8)
            ends.append(bytes.count)
        }
    }

    /// Calls `body` with a function giving text `i`'s bytes, valid until `body` returns.
    func withText<R>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { all in
            try ends.withUnsafeBufferPointer { ends in
                try body { i in UnsafeBufferPointer(rebasing: all[(i == 0 ? 0 : ends[i - 1])..<ends[i]]) }
            }
        }
    }
}
