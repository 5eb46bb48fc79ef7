import Crypto
import Foundation
import GRDB
import VitalsCore
import VitalsFormats

/// What an API key may do. `ingest` keys write records and close tasks, `read` keys only read, `admin` keys do
/// everything (docs/security.md, "Roles": the scopes map onto the same permissions as people's roles).
public enum APIScope: String, Sendable, CaseIterable, Codable {
    case ingest, read, admin

    /// The permissions of a key of this scope.
    public var permissions: Set<Permission> {
        switch self {
        case .read: [.read]
        case .ingest: [.ingest, .work]
        case .admin: Set(Permission.allCases)
        }
    }
}

/// The workspace and scope an API key grants.
public struct APIGrant: Sendable, Equatable {
    public var workspace: Int64
    public var workspaceSlug: String
    public var scope: APIScope
    /// The key's public prefix (`vk_<prefix>_...`), which names it in the audit log.
    public var prefix: String

    /// Who the audit log says did what the key did.
    public var actor: String { "key vk_\(prefix)" }
}

/// An API key as `vitals keys list` and the admin page show it (never the key itself).
public struct StoredKey: Sendable, Equatable {
    public var prefix: String
    public var scope: APIScope
    public var createdAt: Date
    /// When it was last used, to the minute (`Store.keyUseInterval`).
    public var lastUsed: Date?
    public var revokedAt: Date?
}

extension Store {
    /// A key's last use is written at most this often (seconds), so that a busy key does not write on every request.
    public static let keyUseInterval: Int64 = 60

    /// Creates a key for `workspace` and returns it: the only time the key is seen. The store keeps its prefix (to
    /// find it) and the SHA-256 of the whole key (to check it).
    ///
    /// A key is `vk_` + 12 hex digits of prefix + `_` + 48 hex digits of secret, from the system's random source.
    public func createKey(workspace: Int64, scope: APIScope, actor: String, at now: Date) throws(StoreError) -> String {
        let prefix = Secrets.randomHex(bytes: 6)
        let key = "vk_\(prefix)_\(Secrets.randomHex(bytes: 24))"
        let digest = Data(SHA256.hash(data: Data(key.utf8)))
        try write("creating an API key") { db in
            try db.execute(
                sql: "INSERT INTO api_key (workspace_id, prefix, sha256, scope, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [workspace, prefix, digest, scope.rawValue, Int64(now.timeIntervalSince1970)])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "key.create", target: "vk_\(prefix)", change: "scope \(scope.rawValue)"))
        }
        return key
    }

    /// The workspace's keys, newest first.
    public func keys(workspace: Int64) throws(StoreError) -> [StoredKey] {
        try read("listing API keys") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT prefix, scope, created_at, last_used_at, revoked_at FROM api_key WHERE workspace_id = ? ORDER BY created_at DESC, id DESC",
                arguments: [workspace]
            ).map { row in
                StoredKey(
                    prefix: row[0], scope: APIScope(rawValue: row[1]) ?? .read,
                    createdAt: Date(timeIntervalSince1970: TimeInterval(row[2] as Int64)), lastUsed: Self.date(row[3]),
                    revokedAt: Self.date(row[4]))
            }
        }
    }

    /// Revokes the key of `workspace` whose prefix is `prefix` (with or without its `vk_`): from the next request on
    /// it is refused. False when the workspace has no such live key.
    public func revokeKey(workspace: Int64, prefix: String, actor: String, at now: Date) throws(StoreError) -> Bool {
        let prefix = prefix.hasPrefix("vk_") ? String(prefix.dropFirst(3)) : prefix
        return try write("revoking API key \(prefix)") { db in
            guard let scope = try String.fetchOne(
                db, sql: "SELECT scope FROM api_key WHERE workspace_id = ? AND prefix = ? AND revoked_at IS NULL",
                arguments: [workspace, prefix])
            else { return false }
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE workspace_id = ? AND prefix = ?",
                arguments: [Int64(now.timeIntervalSince1970), workspace, prefix])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "key.revoke", target: "vk_\(prefix)", change: "scope \(scope): live -> revoked"))
            return true
        }
    }

    /// The grant of `key`, or `nil` if it is malformed, unknown, revoked or wrong. The hash comparison takes the same
    /// time whatever the bytes, so response times do not leak how much of a key was right. Nothing is cached: a key
    /// revoked is refused at once. The key's last use is noted when the one stored is older than `keyUseInterval`.
    public func grant(forKey key: String, at now: Date) throws(StoreError) -> APIGrant? {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "vk", parts[1].count == 12 else { return nil }
        let prefix = String(parts[1])
        let row = try read("checking an API key") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT k.sha256, k.scope, k.workspace_id, w.slug, k.last_used_at FROM api_key k JOIN workspace w ON w.id = k.workspace_id
                    WHERE k.prefix = ? AND k.revoked_at IS NULL
                    """, arguments: [prefix])
        }
        guard let row else { return nil }
        let stored: Data = row[0]
        let given = Data(SHA256.hash(data: Data(key.utf8)))
        guard Secrets.equal(stored, given), let scope = APIScope(rawValue: row[1]) else { return nil }
        let seconds = Int64(now.timeIntervalSince1970)
        let lastUsed: Int64? = row[4]
        if lastUsed.map({ seconds.subtractingReportingOverflow($0).partialValue >= Self.keyUseInterval || $0 > seconds }) ?? true {
            try write("noting an API key's use") { db in
                try db.execute(sql: "UPDATE api_key SET last_used_at = ? WHERE prefix = ?", arguments: [seconds, prefix])
            }
        }
        return APIGrant(workspace: row[2], workspaceSlug: row[3], scope: scope, prefix: prefix)
    }
}
