import Foundation
import GRDB
import VitalsCore
import VitalsFormats
import VitalsStore

/// What applying tracking messages did.
public struct TrackingResult: Sendable, Equatable {
    /// Usage events stored.
    public var stored = 0
    /// Events whose message id was stored before (a resent batch): left as they were.
    public var duplicates = 0
    /// Events with no account: no group id and no earlier group call of the user.
    public var unattributed = 0
    /// Group calls applied.
    public var groups = 0
    /// Accounts created (a group call or a group id naming an account not in the store yet).
    public var accountsCreated = 0
    /// The data version the workspace moved to.
    public var dataVersion: Int64 = 0
    /// The events stored as new rows, in the order stored, each with the external id of its account: what a reader
    /// holding the workspace's records appends (see `AppendJournal` in the server).
    public var storedEvents: [StoredEvent] = []

    /// A usage event stored by `applyTracking`.
    public struct StoredEvent: Sendable, Equatable {
        /// The external id of the event's account.
        public var account: String
        /// The message it came from (an event message: its user and event are set).
        public var message: TrackingMessage
    }
}

extension Store {
    /// Applies `messages` to `workspace` in order, in one transaction (stored whole, or not at all).
    ///
    /// - A group call creates its account if unknown (name = the `name` trait, else the group id), updates the
    ///   account's name, industry, country, created_at and attributes from its traits, and, for a user, records that
    ///   the user belongs to the account from the call's timestamp on (a later-dated call wins).
    /// - An event is stored on the account its message names (`context.groupId`, `$groups`), else on the account of
    ///   the user's latest group call. An account named only by an event is created with its id as name. An event
    ///   with no account is counted as unattributed and not stored. An event whose id is stored already is a
    ///   duplicate and changes nothing.
    public func applyTracking(_ messages: [TrackingMessage], workspace: Int64) throws(StoreError) -> TrackingResult {
        try write("storing tracking messages") { db in
            var result = TrackingResult()
            result.dataVersion = try Store.bumpDataVersion(db, workspace: workspace)
            func ensureAccount(_ id: String, name: String?) throws {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO account (workspace_id, external_id, name) VALUES (?, ?, ?)",
                    arguments: [workspace, id, name ?? id])
                result.accountsCreated += db.changesCount
            }
            let insertEvent = try db.makeStatement(sql: """
                INSERT INTO usage_event (workspace_id, account_id, external_id, user_id, event, occurred_at, duration_seconds, properties)
                VALUES (?, (SELECT id FROM account WHERE workspace_id = ? AND external_id = ?), ?, ?, ?, ?, ?, ?)
                ON CONFLICT (workspace_id, external_id) DO NOTHING
                """)
            for m in messages {
                switch m.kind {
                case .ignored:
                    continue
                case .group:
                    guard let group = m.group else { continue }
                    var traits = m.traits
                    try ensureAccount(group, name: traits["name"])
                    let name = traits.removeValue(forKey: "name")
                    let industry = traits.removeValue(forKey: "industry")
                    let country = traits.removeValue(forKey: "country")
                    let created = traits.removeValue(forKey: "created_at").flatMap { try? Timestamp.parse($0) }
                    try db.execute(
                        sql: """
                            UPDATE account SET name = coalesce(?, name), industry = coalesce(?, industry),
                                country = coalesce(?, country), created_at = coalesce(?, created_at),
                                attributes = json_patch(attributes, ?)
                            WHERE workspace_id = ? AND external_id = ?
                            """,
                        arguments: [name, industry, country, created?.seconds, Store.json(traits), workspace, group])
                    if let user = m.user, !user.isEmpty {
                        try db.execute(
                            sql: """
                                INSERT INTO tracking_group (workspace_id, user_id, account_external_id, grouped_at) VALUES (?, ?, ?, ?)
                                ON CONFLICT (workspace_id, user_id) DO UPDATE SET
                                    account_external_id = excluded.account_external_id, grouped_at = excluded.grouped_at
                                WHERE excluded.grouped_at >= tracking_group.grouped_at
                                """,
                            arguments: [workspace, user, group, m.timestamp.seconds])
                    }
                    result.groups += 1
                case .event:
                    var account = m.group
                    if account == nil, let user = m.user {
                        account = try String.fetchOne(
                            db, sql: "SELECT account_external_id FROM tracking_group WHERE workspace_id = ? AND user_id = ?",
                            arguments: [workspace, user])
                    }
                    guard let account, !account.isEmpty, let user = m.user, let event = m.event else {
                        result.unattributed += 1
                        continue
                    }
                    try ensureAccount(account, name: nil)
                    try insertEvent.execute(arguments: [
                        workspace, workspace, account, m.messageID, user, event, m.timestamp.seconds, m.durationSeconds,
                        m.properties.isEmpty ? nil : Store.json(m.properties),
                    ])
                    if db.changesCount > 0 {
                        result.stored += 1
                        result.storedEvents.append(TrackingResult.StoredEvent(account: account, message: m))
                    } else {
                        result.duplicates += 1
                    }
                }
            }
            return result
        }
    }
}
