import GRDB

extension Schema {
    /// 0017: champions who left (`champion_departure`), noted by triggers as a champion contact is deleted (by itself
    /// or with its account) or its role changes, at the database's clock: what `champion_left` alert rules read. The
    /// name is kept as it was, for the alert's words once the contact is gone.
    static func registerChampionDepartures(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0017 champion departures") { db in
            try db.execute(
                sql: """
                    CREATE TABLE champion_departure (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        account_external_id TEXT NOT NULL,
                        contact_external_id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        role_after TEXT,
                        at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX champion_departure_workspace ON champion_departure(workspace_id, at);

                    CREATE TRIGGER champion_removed AFTER DELETE ON contact WHEN old.role = 'champion'
                    BEGIN
                        INSERT INTO champion_departure (workspace_id, account_external_id, contact_external_id, name, role_after, at)
                        SELECT old.workspace_id, COALESCE((SELECT external_id FROM account WHERE id = old.account_id), ''),
                            old.external_id, COALESCE(old.name, old.email, old.external_id), NULL,
                            CAST(strftime('%s', 'now') AS INTEGER);
                    END;

                    CREATE TRIGGER champion_role_changed AFTER UPDATE OF role ON contact
                    WHEN old.role = 'champion' AND new.role <> 'champion'
                    BEGIN
                        INSERT INTO champion_departure (workspace_id, account_external_id, contact_external_id, name, role_after, at)
                        SELECT new.workspace_id, (SELECT external_id FROM account WHERE id = new.account_id),
                            new.external_id, COALESCE(new.name, new.email, new.external_id), new.role,
                            CAST(strftime('%s', 'now') AS INTEGER);
                    END;
                    """)
        }
    }
}
