import GRDB

extension Schema {
    /// 0027: evaluations are recorded (`evaluation`), the first one of a workspace as its *baseline*: the conditions
    /// holding then are stored as open but silent alerts (`alert.baseline = 1`: no webhook delivery, no playbook task),
    /// so that a new workspace does not fire its whole backlog (docs/alerts.md, the first evaluation). The webhook
    /// deliveries of alerts and playbook messages are made once per evaluation and webhook (`delivery.evaluation_id`),
    /// so `delivery` is rebuilt: a non-digest delivery names its evaluation (new ones) or its alert (older ones).
    ///
    /// Workspaces evaluated before this migration (they have health scores) get one evaluation row, at the start of
    /// the day after their last scored day, so that their next evaluation is not taken for a first one.
    static func registerEvaluationBaseline(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0027 evaluation baseline") { db in
            try db.execute(sql: v27)
        }
    }

    private static let v27 = """
        CREATE TABLE evaluation (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            -- 1 for the first evaluation of the workspace, whose conditions are stored silently as the baseline.
            baseline INTEGER NOT NULL CHECK (baseline IN (0, 1)),
            -- The alerts it fired (or, for the baseline, stored silently), cleared, and the tasks it made.
            alerts INTEGER NOT NULL CHECK (alerts >= 0),
            cleared INTEGER NOT NULL CHECK (cleared >= 0),
            tasks INTEGER NOT NULL CHECK (tasks >= 0)
        ) STRICT;
        CREATE INDEX evaluation_workspace_at ON evaluation(workspace_id, at);
        CREATE UNIQUE INDEX evaluation_one_baseline ON evaluation(workspace_id) WHERE baseline = 1;
        INSERT INTO evaluation (workspace_id, at, baseline, alerts, cleared, tasks)
            SELECT workspace_id, (max(day) + 1) * 86400, 0, 0, 0, 0 FROM health_score GROUP BY workspace_id;

        ALTER TABLE alert ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1));

        CREATE TABLE delivery_0027 (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            webhook TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('alert', 'playbook', 'digest')),
            -- Deliveries made before 0027: one per alert.
            alert_id INTEGER REFERENCES alert(id) ON DELETE CASCADE,
            digest_id INTEGER REFERENCES digest(id) ON DELETE CASCADE,
            -- Alerts and playbook messages since 0027: one delivery per evaluation and webhook.
            evaluation_id INTEGER REFERENCES evaluation(id) ON DELETE CASCADE,
            -- The JSON body sent (signed at each attempt with the attempt's timestamp).
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER,
            CHECK ((kind = 'digest') = (digest_id IS NOT NULL)),
            CHECK ((kind = 'digest') = (alert_id IS NULL AND evaluation_id IS NULL)),
            CHECK (alert_id IS NULL OR evaluation_id IS NULL)
        ) STRICT;
        INSERT INTO delivery_0027 (id, workspace_id, webhook, kind, alert_id, digest_id, payload, status, attempts,
                                   next_attempt_at, last_error, created_at, delivered_at)
            SELECT id, workspace_id, webhook, kind, alert_id, digest_id, payload, status, attempts, next_attempt_at,
                   last_error, created_at, delivered_at FROM delivery;
        DROP TABLE delivery;
        ALTER TABLE delivery_0027 RENAME TO delivery;
        CREATE INDEX delivery_due ON delivery(status, next_attempt_at);
        CREATE INDEX delivery_alert ON delivery(alert_id);
        CREATE INDEX delivery_digest ON delivery(digest_id);
        CREATE INDEX delivery_evaluation ON delivery(evaluation_id);
        """
}
