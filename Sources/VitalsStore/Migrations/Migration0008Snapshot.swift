import GRDB

extension Schema {
    /// 0008: each workspace's dataset snapshot (`DatasetSnapshot`).
    ///
    /// - `dataset_snapshot_part`: the snapshot's bytes in parts of at most `Store.snapshotPartSize` (SQLite caps a
    ///   value at 1 GB), each written in a transaction of its own so that other writers wait for one part at most.
    /// - `dataset_snapshot`: written last, once every part is in: the data version the snapshot is of, and its
    ///   parts and bytes. The rows stay the truth: a snapshot is read only while its version is the workspace's
    ///   current `data_version` and its parts are all there; any write to the records moves the version on.
    static func registerSnapshot(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("0008 dataset snapshot") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_snapshot_part (
                    id INTEGER PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
                    part INTEGER NOT NULL CHECK (part >= 0),
                    bytes BLOB NOT NULL,
                    UNIQUE (workspace_id, part)
                ) STRICT;

                CREATE TABLE dataset_snapshot (
                    workspace_id INTEGER PRIMARY KEY REFERENCES workspace(id) ON DELETE CASCADE,
                    data_version INTEGER NOT NULL,
                    parts INTEGER NOT NULL CHECK (parts > 0),
                    byte_count INTEGER NOT NULL CHECK (byte_count > 0)
                ) STRICT;
                """)
        }
    }
}
