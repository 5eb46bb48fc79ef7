import GRDB

extension Schema {
    /// 0016: the people at an account (`contact`), what the CS team did with it (`activity`), and an account's parent
    /// (`account.parent_account_id`, an account id as written, like `referred_by`).
    static func registerRelationships(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0016 contacts, activities, parent accounts") { db in
            try db.execute(
                sql: """
                    ALTER TABLE account ADD COLUMN parent_account_id TEXT;

                    CREATE TABLE contact (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        external_id TEXT NOT NULL,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        name TEXT,
                        email TEXT,
                        role TEXT NOT NULL,
                        title TEXT,
                        "primary" INTEGER NOT NULL CHECK ("primary" IN (0, 1)),
                        UNIQUE (workspace_id, external_id)
                    ) STRICT;
                    CREATE INDEX contact_account ON contact(account_id);

                    CREATE TABLE activity (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        external_id TEXT NOT NULL,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        occurred_at INTEGER NOT NULL,
                        author TEXT,
                        contact_id TEXT,
                        subject TEXT,
                        body TEXT,
                        sentiment TEXT,
                        UNIQUE (workspace_id, external_id)
                    ) STRICT;
                    CREATE INDEX activity_account ON activity(account_id, occurred_at);
                    """)
        }
    }
}
