import GRDB

extension Schema {
    /// 0024: hosted surveys (docs/surveys.md): the invitations sent (`survey_invitation`, a record kind), where an
    /// answer came from (`survey_response.source`, `vitals` for the hosted pages) and who asked a ticket
    /// (`ticket.contact_id`, a contact id as written, like an activity's), empty for rows stored before.
    static func registerSurveyInvitations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0024 survey invitations") { db in
            try db.execute(
                sql: """
                    ALTER TABLE survey_response ADD COLUMN source TEXT;
                    ALTER TABLE ticket ADD COLUMN contact_id TEXT;

                    CREATE TABLE survey_invitation (
                        id INTEGER PRIMARY KEY,
                        workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                        external_id TEXT NOT NULL,
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        contact_id TEXT NOT NULL,
                        survey TEXT NOT NULL CHECK (survey IN ('nps', 'csat', 'ces')),
                        "trigger" TEXT NOT NULL,
                        reference TEXT,
                        sent_at INTEGER NOT NULL,
                        opened_at INTEGER,
                        answered_at INTEGER,
                        response_id TEXT,
                        UNIQUE (workspace_id, external_id)
                    ) STRICT;
                    CREATE INDEX survey_invitation_account ON survey_invitation(account_id);
                    CREATE INDEX survey_invitation_contact ON survey_invitation(workspace_id, contact_id, sent_at);
                    """)
        }
    }
}
