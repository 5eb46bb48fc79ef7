import Foundation
import GRDB
import VitalsCore

/// A forecast call as stored: the call, who set it and when.
public struct StoredForecastCall: Sendable, Equatable {
    public var key: String
    public var call: ForecastCall
    public var setBy: String
    public var setAt: Timestamp

    public init(key: String, call: ForecastCall, setBy: String, setAt: Timestamp) {
        self.key = key
        self.call = call
        self.setBy = setBy
        self.setAt = setAt
    }
}

extension Store {
    public func forecastCalls(workspace: Int64) throws(StoreError) -> [String: StoredForecastCall] {
        try read("reading forecast calls") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT renewal_key, call, set_by, set_at FROM renewal_forecast WHERE workspace_id = ?",
                arguments: [workspace])
            var calls: [String: StoredForecastCall] = [:]
            for row in rows {
                let key: String = row[0]
                guard let call = ForecastCall(rawValue: row[1]) else { continue }
                calls[key] = StoredForecastCall(key: key, call: call, setBy: row[2], setAt: Timestamp(seconds: row[3]))
            }
            return calls
        }
    }

    public func setForecastCall(
        workspace: Int64, key: String, call: ForecastCall, by: String, at now: Timestamp
    ) throws(StoreError) -> StoredForecastCall {
        try write("setting a forecast call") { db in
            try db.execute(
                sql: """
                    INSERT INTO renewal_forecast (workspace_id, renewal_key, call, set_by, set_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, renewal_key) DO UPDATE SET call = excluded.call, set_by = excluded.set_by,
                    set_at = excluded.set_at
                    """,
                arguments: [workspace, key, call.rawValue, by, now.seconds])
            return StoredForecastCall(key: key, call: call, setBy: by, setAt: now)
        }
    }
}
