import Crypto
import Foundation
import GRDB
import VitalsFormats

/// What an API key may do. `ingest` keys only write records, `read` keys only read, `admin` keys do both and manage
/// keys.
public enum APIScope: String, Sendable, CaseIterable, Codable {
    case ingest, read, admin

    /// Whether a key of this scope may do what `needed` allows.
    public func allows(_ needed: APIScope) -> Bool { self == .admin || self == needed }
}

/// The workspace and scope an API key grants.
public struct APIGrant: Sendable, Equatable {
    public var workspace: Int64
    public var workspaceSlug: String
    public var scope: APIScope
}

extension Store {
    /// Creates a key for `workspace` and returns it: the only time the key is seen. The store keeps its prefix (to
    /// find it) and the SHA-256 of the whole key (to check it).
    ///
    /// A key is `vk_` + 12 hex digits of prefix + `_` + 48 hex digits of secret, from the system's random source.
    public func createKey(workspace: Int64, scope: APIScope, at now: Date) throws(StoreError) -> String {
        let prefix = Secrets.randomHex(bytes: 6)
        let key = "vk_\(prefix)_\(Secrets.randomHex(bytes: 24))"
        let digest = Data(SHA256.hash(data: Data(key.utf8)))
        try write("creating an API key") { db in
            try db.execute(
                sql: "INSERT INTO api_key (workspace_id, prefix, sha256, scope, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [workspace, prefix, digest, scope.rawValue, Int64(now.timeIntervalSince1970)])
        }
        return key
    }

    /// The grant of `key`, or `nil` if it is malformed, unknown, revoked or wrong. The hash comparison takes the same
    /// time whatever the bytes, so response times do not leak how much of a key was right.
    public func grant(forKey key: String) throws(StoreError) -> APIGrant? {
        let parts = key.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "vk", parts[1].count == 12 else { return nil }
        let prefix = String(parts[1])
        let row = try read("checking an API key") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT k.sha256, k.scope, k.workspace_id, w.slug FROM api_key k JOIN workspace w ON w.id = k.workspace_id
                    WHERE k.prefix = ? AND k.revoked_at IS NULL
                    """, arguments: [prefix])
        }
        guard let row else { return nil }
        let stored: Data = row[0]
        let given = Data(SHA256.hash(data: Data(key.utf8)))
        guard Secrets.equal(stored, given), let scope = APIScope(rawValue: row[1]) else { return nil }
        return APIGrant(workspace: row[2], workspaceSlug: row[3], scope: scope)
    }
}
