import GRDB

extension Schema {
    static func registerAPIKeys(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0002 api keys") { db in
            try db.execute(sql: v2)
        }
    }

    /// API keys are stored as the SHA-256 of the whole key (never the key itself), found by their public prefix.
    private static let v2 = """
        CREATE TABLE api_key (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            prefix TEXT NOT NULL UNIQUE,
            sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
            scope TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) STRICT;
        CREATE INDEX api_key_workspace ON api_key(workspace_id);
        """
}
