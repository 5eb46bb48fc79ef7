import GRDB

extension Schema {
    /// 0013: the audit log (docs/security.md, "Audit log"): who (a person's email or a key's prefix), when, what
    /// action on what target, and a summary of what changed. Rows are only ever added.
    static func registerAudit(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0013 audit log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_log (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        change TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX audit_log_workspace_at ON audit_log(workspace_id, at);
                    """)
        }
    }
}
