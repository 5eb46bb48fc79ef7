import GRDB
import VitalsCore

/// A segment saved under a name, shared by everyone in the workspace.
public struct SavedSegment: Sendable, Equatable {
    public var name: String
    public var expression: String
    public var savedBy: String
    public var savedAt: Timestamp
}

extension Store {
    /// The workspace's saved segments, by name.
    public func savedSegments(workspace: Int64) throws(StoreError) -> [SavedSegment] {
        try read("reading saved segments") { db in
            try Row.fetchAll(
                db, sql: "SELECT name, expression, saved_by, saved_at FROM saved_segment WHERE workspace_id = ? ORDER BY name",
                arguments: [workspace]
            ).map { SavedSegment(name: $0[0], expression: $0[1], savedBy: $0[2], savedAt: Timestamp(seconds: $0[3])) }
        }
    }

    /// Saves `expression` under `name` (replacing a segment of that name).
    public func saveSegment(workspace: Int64, name: String, expression: String, by: String, at now: Timestamp) throws(StoreError) {
        try write("saving segment \(name)") { db in
            try db.execute(
                sql: """
                    INSERT INTO saved_segment (workspace_id, name, expression, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, name) DO UPDATE SET expression = excluded.expression,
                        saved_by = excluded.saved_by, saved_at = excluded.saved_at
                    """, arguments: [workspace, name, expression, by, now.seconds])
        }
    }

    /// Deletes the segment named `name`; false when there is none.
    @discardableResult
    public func deleteSegment(workspace: Int64, name: String) throws(StoreError) -> Bool {
        try write("deleting segment \(name)") { db in
            try db.execute(sql: "DELETE FROM saved_segment WHERE workspace_id = ? AND name = ?", arguments: [workspace, name])
            return db.changesCount > 0
        }
    }
}
