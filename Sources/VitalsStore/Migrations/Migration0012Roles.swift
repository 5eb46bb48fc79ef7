import GRDB

extension Schema {
    /// 0012: people's roles (those stored before become admins, as they could do everything), when they were disabled
    /// and last signed in; one-time links (invitations and password resets, kept as the SHA-256 of their token); and
    /// when each API key was last used.
    static func registerRoles(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0012 roles, invitations, key use") { db in
            try db.execute(
                sql: """
                    ALTER TABLE user ADD COLUMN role TEXT NOT NULL DEFAULT 'admin' CHECK (role IN ('viewer', 'csm', 'admin'));
                    ALTER TABLE user ADD COLUMN disabled_at INTEGER;
                    ALTER TABLE user ADD COLUMN last_sign_in_at INTEGER;
                    ALTER TABLE api_key ADD COLUMN last_used_at INTEGER;
                    CREATE TABLE user_link (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                        token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
                        purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        used_at INTEGER
                    ) STRICT;
                    CREATE INDEX user_link_user ON user_link(user_id);
                    """)
        }
    }
}
