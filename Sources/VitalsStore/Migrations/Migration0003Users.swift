import GRDB

extension Schema {
    /// People who sign in to the dashboard, and their sessions. A person belongs to one workspace and sees only it.
    /// Passwords are kept as bcrypt hashes; sessions as the SHA-256 of their cookie token, never the token itself.
    static func registerUsers(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0003 users and sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE user (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        email TEXT NOT NULL UNIQUE CHECK (email <> '' AND email = lower(email)),
                        name TEXT NOT NULL,
                        password_hash TEXT NOT NULL CHECK (password_hash <> ''),
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX user_workspace ON user(workspace_id);
                    CREATE TABLE session (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
                        csrf_token TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX session_user ON session(user_id);
                    """)
        }
    }
}
