import GRDB
import VitalsCore
import VitalsFormats

/// One section of a workspace's settings as an admin saved it in the dashboard: the section's text in the syntax of
/// `vitals.toml` (so the file's loader checks both), who saved it and when.
public struct StoredSetting: Sendable, Equatable {
    public var section: String
    public var value: String
    public var updatedBy: String
    public var updatedAt: Timestamp

    public init(section: String, value: String, updatedBy: String, updatedAt: Timestamp) {
        self.section = section
        self.value = value
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }
}

extension Store {
    public func settings(workspace: Int64) throws(StoreError) -> [StoredSetting] {
        try read("reading settings") { db in
            try Row.fetchAll(
                db, sql: "SELECT section, value, updated_by, updated_at FROM workspace_setting WHERE workspace_id = ? ORDER BY section",
                arguments: [workspace]
            ).map { StoredSetting(section: $0[0], value: $0[1], updatedBy: $0[2], updatedAt: Timestamp(seconds: $0[3])) }
        }
    }

    public func saveSetting(_ setting: StoredSetting, workspace: Int64) throws(StoreError) {
        try write("saving the \(setting.section) settings") { db in
            try db.execute(
                sql: """
                    INSERT INTO workspace_setting (workspace_id, section, value, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, section) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
                        updated_at = excluded.updated_at
                    """,
                arguments: [workspace, setting.section, setting.value, setting.updatedBy, setting.updatedAt.seconds])
        }
    }

    @discardableResult
    public func deleteSetting(section: String, workspace: Int64) throws(StoreError) -> Bool {
        try write("resetting the \(section) settings") { db in
            try db.execute(sql: "DELETE FROM workspace_setting WHERE workspace_id = ? AND section = ?", arguments: [workspace, section])
            return db.changesCount > 0
        }
    }

    public func serverSecret(_ name: String, at now: Timestamp) throws(StoreError) -> String {
        try write("reading the \(name) key") { db in
            if let value = try String.fetchOne(db, sql: "SELECT value FROM server_secret WHERE name = ?", arguments: [name]) {
                return value
            }
            let value = Secrets.randomHex(bytes: 32)
            try db.execute(
                sql: "INSERT INTO server_secret (name, value, created_at) VALUES (?, ?, ?)", arguments: [name, value, now.seconds])
            return value
        }
    }
}
