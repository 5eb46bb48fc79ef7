import GRDB

extension Schema {
    /// 0021: segments saved under a name and shared by a workspace's people (`saved_segment`).
    static func registerSavedSegments(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0021 saved segments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE saved_segment (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
                        expression TEXT NOT NULL CHECK (length(expression) BETWEEN 1 AND 2000),
                        saved_by TEXT NOT NULL,
                        saved_at INTEGER NOT NULL,
                        UNIQUE (workspace_id, name)
                    ) STRICT;
                    """)
        }
    }
}
