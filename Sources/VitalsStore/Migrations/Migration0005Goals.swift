import GRDB

extension Schema {
    /// 0005: goal trees (KGI -> KSF -> KPI targets, with staged targets), the history of every change to a goal, and
    /// the review notes of targets. Dates (start, deadline) are midnight UTC as seconds since 1970-01-01; a goal is
    /// archived, never deleted, so its history stays.
    static func registerGoals(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0005 goals") { db in
            try db.execute(sql: goals)
        }
    }

    private static let goals = """
        CREATE TABLE goal (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            key TEXT NOT NULL CHECK (key <> ''),
            name TEXT NOT NULL CHECK (name <> ''),
            description TEXT,
            owner TEXT,
            start_date INTEGER,
            deadline INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            archived_at INTEGER,
            UNIQUE (workspace_id, key),
            CHECK (start_date IS NULL OR start_date <= deadline)
        ) STRICT;

        CREATE TABLE goal_factor (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            goal_id INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL CHECK (name <> ''),
            description TEXT,
            UNIQUE (goal_id, name)
        ) STRICT;
        CREATE INDEX goal_factor_goal ON goal_factor(goal_id, position);

        -- factor_id NULL: the goal's own (KGI) target, at most one per goal.
        CREATE TABLE goal_target (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            goal_id INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
            factor_id INTEGER REFERENCES goal_factor(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT,
            kpi TEXT NOT NULL CHECK (kpi <> ''),
            amount_kind TEXT NOT NULL CHECK (amount_kind IN ('value', 'change')),
            amount REAL NOT NULL,
            deadline INTEGER NOT NULL,
            start_date INTEGER NOT NULL CHECK (start_date < deadline),
            baseline REAL,
            segment TEXT,
            grain TEXT NOT NULL CHECK (grain IN ('day', 'week', 'month', 'quarter', 'year')),
            direction TEXT CHECK (direction IS NULL OR direction IN ('higher', 'lower')),
            review_cadence TEXT NOT NULL CHECK (review_cadence IN ('weekly', 'monthly', 'quarterly', 'yearly')),
            trend_periods INTEGER NOT NULL CHECK (trend_periods BETWEEN 3 AND 120)
        ) STRICT;
        CREATE INDEX goal_target_goal ON goal_target(goal_id, position);
        CREATE UNIQUE INDEX goal_target_own ON goal_target(goal_id) WHERE factor_id IS NULL;

        CREATE TABLE goal_target_stage (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            target_id INTEGER NOT NULL REFERENCES goal_target(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            amount_kind TEXT NOT NULL CHECK (amount_kind IN ('value', 'change')),
            amount REAL NOT NULL,
            deadline INTEGER NOT NULL,
            UNIQUE (target_id, position)
        ) STRICT;

        -- Every change to a goal: who, when, what changed (one line each) and the whole definition after it (JSON).
        CREATE TABLE goal_change (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            goal_id INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
            changed_at INTEGER NOT NULL,
            actor TEXT NOT NULL CHECK (actor <> ''),
            action TEXT NOT NULL CHECK (action IN ('created', 'edited', 'archived', 'restored')),
            summary TEXT NOT NULL,
            definition TEXT NOT NULL
        ) STRICT;
        CREATE INDEX goal_change_goal ON goal_change(goal_id, id);

        CREATE TABLE target_review (
            id INTEGER PRIMARY KEY,
            workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
            target_id INTEGER NOT NULL REFERENCES goal_target(id) ON DELETE CASCADE,
            reviewed_at INTEGER NOT NULL,
            reviewer TEXT NOT NULL CHECK (reviewer <> ''),
            note TEXT NOT NULL
        ) STRICT;
        CREATE INDEX target_review_target ON target_review(target_id, reviewed_at);
        """
}
