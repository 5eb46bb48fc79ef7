import Crypto
import Foundation
import GRDB
import VitalsCore
import VitalsFormats

/// A person who signs in to the dashboard.
public struct User: Sendable, Equatable {
    public var id: Int64
    public var workspace: Int64
    public var workspaceSlug: String
    public var email: String
    public var name: String
    /// What the person may do (docs/security.md, "Roles").
    public var role: Role
    /// The CSM name their accounts and tasks carry (`accounts.csm`, a task's owner), if they are a CSM.
    public var csm: String? = nil
}

/// A signed-in person's session: who, and the token their forms must carry (CSRF).
public struct UserSession: Sendable, Equatable {
    public var user: User
    public var csrfToken: String
    public var expiresAt: Date
}

extension Store {
    /// Adds a person to `workspace` with `role`, noted in the audit log as done by `actor`. `passwordHash` is the
    /// bcrypt hash (the server library makes it), or `User.noPassword` for someone invited who has yet to choose one;
    /// the email is kept lower-cased and must be new.
    @discardableResult
    public func createUser(
        workspace: Int64, email: String, name: String, passwordHash: String, role: Role, actor: String, at now: Date
    ) throws(StoreError) -> Int64 {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("creating user \(email)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE email = ?", arguments: [email]) == true {
                throw StoreError.failed("creating user \(email)", reason: "a user with this email already exists")
            }
            try db.execute(
                sql: "INSERT INTO user (workspace_id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [workspace, email, name, passwordHash, role.rawValue, Int64(now.timeIntervalSince1970)])
            let id = db.lastInsertedRowID
            let how = passwordHash == User.noPassword ? "invited" : "with a password"
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "user.create", target: email, change: "role \(role.rawValue), name \(name), \(how)"))
            return id
        }
    }

    /// Replaces the password of the person with `email`; false when there is no such person. Their sessions end.
    @discardableResult
    public func setPassword(email: String, passwordHash: String, actor: String, at now: Date) throws(StoreError) -> Bool {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("changing the password of \(email)") { db in
            guard let workspace = try Int64.fetchOne(db, sql: "SELECT workspace_id FROM user WHERE email = ?", arguments: [email]) else {
                return false
            }
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE email = ?", arguments: [passwordHash, email])
            try db.execute(sql: "DELETE FROM session WHERE user_id = (SELECT id FROM user WHERE email = ?)", arguments: [email])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "user.password", target: email, change: "password replaced; sessions ended"))
            return true
        }
    }

    /// The person with `email` and their bcrypt hash, for checking a password at sign-in: nil for someone disabled
    /// or invited who has not chosen a password yet, as for an unknown email.
    public func userForSignIn(email: String) throws(StoreError) -> (user: User, passwordHash: String)? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try read("finding user \(email)") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, u.role, u.password_hash, u.csm
                    FROM user u JOIN workspace w ON w.id = u.workspace_id
                    WHERE u.email = ? AND u.disabled_at IS NULL AND u.password_hash <> ?
                    """, arguments: [email, User.noPassword]
            ).map { row in (Store.user(row), row[6]) }
        }
    }

    /// Whether `workspace` has anyone who can sign in.
    public func hasUsers(workspace: Int64) throws(StoreError) -> Bool {
        try read("counting users") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE workspace_id = ? LIMIT 1", arguments: [workspace]) ?? false
        }
    }

    /// Starts a session for `user` and returns its cookie token (random, 256 bits; only its hash is stored); notes
    /// the sign-in as the person's last.
    public func createSession(user: Int64, at now: Date, lifetime: TimeInterval) throws(StoreError) -> String {
        let token = Secrets.randomHex(bytes: 32)
        let csrf = Secrets.randomHex(bytes: 16)
        try write("starting a session") { db in
            // Expired sessions are swept as new ones start, so the table does not grow without bound.
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [Int64(now.timeIntervalSince1970)])
            try db.execute(sql: "UPDATE user SET last_sign_in_at = ? WHERE id = ?", arguments: [Int64(now.timeIntervalSince1970), user])
            try db.execute(
                sql: "INSERT INTO session (user_id, token_sha256, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    user, Store.sha256(token), csrf, Int64(now.timeIntervalSince1970),
                    Int64((now + lifetime).timeIntervalSince1970),
                ])
        }
        return token
    }

    /// The live session of a cookie token, or `nil` when unknown or expired.
    public func session(token: String, at now: Date) throws(StoreError) -> UserSession? {
        guard token.count == 64 else { return nil }
        return try read("checking a session") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, u.role, s.csrf_token, s.expires_at, u.csm
                    FROM session s JOIN user u ON u.id = s.user_id JOIN workspace w ON w.id = u.workspace_id
                    WHERE s.token_sha256 = ? AND s.expires_at > ? AND u.disabled_at IS NULL
                    """, arguments: [Store.sha256(token), Int64(now.timeIntervalSince1970)]
            ).map { row in
                UserSession(
                    user: Store.user(row), csrfToken: row[6], expiresAt: Date(timeIntervalSince1970: TimeInterval(row[7] as Int64)))
            }
        }
    }

    /// Ends the session of a cookie token (signing out).
    public func endSession(token: String) throws(StoreError) {
        try write("ending a session") { db in
            try db.execute(sql: "DELETE FROM session WHERE token_sha256 = ?", arguments: [Store.sha256(token)])
        }
    }

    static func sha256(_ text: String) -> Data { Data(SHA256.hash(data: Data(text.utf8))) }

    /// A person from a row of id, workspace id, workspace slug, email, name, role (an unknown role reads as viewer,
    /// the least one; the table's check allows none), and `csm` if the row has that column.
    static func user(_ row: Row) -> User {
        User(
            id: row[0], workspace: row[1], workspaceSlug: row[2], email: row[3], name: row[4],
            role: Role(rawValue: row[5]) ?? .viewer, csm: row.hasColumn("csm") ? row["csm"] : nil)
    }
}

extension User {
    /// The password hash of someone invited who has not chosen a password: no password's bcrypt hash, so nothing
    /// signs in with it.
    public static let noPassword = "!"
}
