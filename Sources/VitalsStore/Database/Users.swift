import Crypto
import Foundation
import GRDB
import VitalsFormats

/// A person who signs in to the dashboard.
public struct User: Sendable, Equatable {
    public var id: Int64
    public var workspace: Int64
    public var workspaceSlug: String
    public var email: String
    public var name: String
}

/// A signed-in person's session: who, and the token their forms must carry (CSRF).
public struct UserSession: Sendable, Equatable {
    public var user: User
    public var csrfToken: String
    public var expiresAt: Date
}

extension Store {
    /// Adds a person to `workspace`. `passwordHash` is the bcrypt hash (the server library makes it); the email is
    /// kept lower-cased and must be new.
    @discardableResult
    public func createUser(workspace: Int64, email: String, name: String, passwordHash: String, at now: Date)
        throws(StoreError) -> Int64
    {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("creating user \(email)") { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE email = ?", arguments: [email]) == true {
                throw StoreError.failed("creating user \(email)", reason: "a user with this email already exists")
            }
            try db.execute(
                sql: "INSERT INTO user (workspace_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [workspace, email, name, passwordHash, Int64(now.timeIntervalSince1970)])
            return db.lastInsertedRowID
        }
    }

    /// Replaces the password of the person with `email`; false when there is no such person. Their sessions end.
    @discardableResult
    public func setPassword(email: String, passwordHash: String) throws(StoreError) -> Bool {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("changing the password of \(email)") { db in
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE email = ?", arguments: [passwordHash, email])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM session WHERE user_id = (SELECT id FROM user WHERE email = ?)", arguments: [email])
            return true
        }
    }

    /// The person with `email` and their bcrypt hash, for checking a password at sign-in.
    public func userForSignIn(email: String) throws(StoreError) -> (user: User, passwordHash: String)? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try read("finding user \(email)") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, u.password_hash
                    FROM user u JOIN workspace w ON w.id = u.workspace_id WHERE u.email = ?
                    """, arguments: [email]
            ).map { row in
                (User(id: row[0], workspace: row[1], workspaceSlug: row[2], email: row[3], name: row[4]), row[5])
            }
        }
    }

    /// Whether `workspace` has anyone who can sign in.
    public func hasUsers(workspace: Int64) throws(StoreError) -> Bool {
        try read("counting users") { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM user WHERE workspace_id = ? LIMIT 1", arguments: [workspace]) ?? false
        }
    }

    /// Starts a session for `user` and returns its cookie token (random, 256 bits; only its hash is stored).
    public func createSession(user: Int64, at now: Date, lifetime: TimeInterval) throws(StoreError) -> String {
        let token = Secrets.randomHex(bytes: 32)
        let csrf = Secrets.randomHex(bytes: 16)
        try write("starting a session") { db in
            // Expired sessions are swept as new ones start, so the table does not grow without bound.
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [Int64(now.timeIntervalSince1970)])
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
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, s.csrf_token, s.expires_at
                    FROM session s JOIN user u ON u.id = s.user_id JOIN workspace w ON w.id = u.workspace_id
                    WHERE s.token_sha256 = ? AND s.expires_at > ?
                    """, arguments: [Store.sha256(token), Int64(now.timeIntervalSince1970)]
            ).map { row in
                UserSession(
                    user: User(id: row[0], workspace: row[1], workspaceSlug: row[2], email: row[3], name: row[4]),
                    csrfToken: row[5], expiresAt: Date(timeIntervalSince1970: TimeInterval(row[6] as Int64)))
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
}
