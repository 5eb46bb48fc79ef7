import Foundation
import GRDB
import VitalsCore
import VitalsFormats

/// A person as the admin page and `vitals users list` show them.
public struct UserListing: Sendable, Equatable {
    public var email: String
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var disabledAt: Date?
    public var lastSignIn: Date?
    /// Invited and not yet signed up: no password chosen.
    public var pending: Bool
    /// The CSM name their accounts and tasks carry.
    public var csm: String? = nil
}

/// What became of a change to a person.
public enum AccessChange: Sendable, Equatable {
    case done
    /// No such person in the workspace.
    case notFound
    /// It would leave the workspace with no admin who can sign in.
    case lastAdmin
}

/// Why a one-time link was made: to join (an invitation) or to choose a new password (a reset).
public enum LinkPurpose: String, Sendable {
    case invite, reset
}

extension Store {
    public func users(workspace: Int64) throws(StoreError) -> [UserListing] {
        try read("listing users") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT email, name, role, created_at, disabled_at, last_sign_in_at, password_hash = ?, csm
                    FROM user WHERE workspace_id = ? ORDER BY email
                    """, arguments: [User.noPassword, workspace]
            ).map { row in
                UserListing(
                    email: row[0], name: row[1], role: Role(rawValue: row[2]) ?? .viewer, createdAt: Date(timeIntervalSince1970: TimeInterval(row[3] as Int64)),
                    disabledAt: Self.date(row[4]), lastSignIn: Self.date(row[5]), pending: row[6], csm: row[7])
            }
        }
    }

    /// Disables (or enables again) the person with `email` in `workspace`. Disabling ends their sessions and their
    /// one-time links; the last enabled admin cannot be disabled.
    public func setDisabled(workspace: Int64, email: String, disabled: Bool, actor: String, at now: Date) throws(StoreError)
        -> AccessChange
    {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("\(disabled ? "disabling" : "enabling") \(email)") { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, role, disabled_at FROM user WHERE workspace_id = ? AND email = ?", arguments: [workspace, email])
            else { return .notFound }
            let id: Int64 = row[0]
            if disabled, row[1] == Role.admin.rawValue, try Self.otherAdmins(db, workspace: workspace, besides: id) == 0 { return .lastAdmin }
            let was = (row[2] as Int64?) != nil
            guard was != disabled else { return .done }
            try db.execute(
                sql: "UPDATE user SET disabled_at = ? WHERE id = ?",
                arguments: [disabled ? Int64(now.timeIntervalSince1970) : nil, id])
            if disabled {
                try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE user_link SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [Int64(now.timeIntervalSince1970), id])
            }
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(
                    actor: actor, action: disabled ? "user.disable" : "user.enable", target: email,
                    change: disabled ? "enabled -> disabled; sessions ended" : "disabled -> enabled"))
            return .done
        }
    }

    /// Gives the person with `email` in `workspace` the role `role`; the last enabled admin keeps theirs.
    public func setRole(workspace: Int64, email: String, role: Role, actor: String, at now: Date) throws(StoreError) -> AccessChange {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try write("changing the role of \(email)") { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, role, disabled_at FROM user WHERE workspace_id = ? AND email = ?", arguments: [workspace, email])
            else { return .notFound }
            let id: Int64 = row[0]
            let before: String = row[1]
            guard before != role.rawValue else { return .done }
            if before == Role.admin.rawValue, (row[2] as Int64?) == nil, try Self.otherAdmins(db, workspace: workspace, besides: id) == 0 {
                return .lastAdmin
            }
            try db.execute(sql: "UPDATE user SET role = ? WHERE id = ?", arguments: [role.rawValue, id])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "user.role", target: email, change: "\(before) -> \(role.rawValue)"))
            return .done
        }
    }

    /// Links the person with `email` to the CSM name `csm` (nil: none), noted in the audit log as `user.csm`.
    public func setCSM(workspace: Int64, email: String, csm: String?, actor: String, at now: Date) throws(StoreError) -> AccessChange {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let csm = csm.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        return try write("linking \(email) to a CSM name") { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, csm FROM user WHERE workspace_id = ? AND email = ?", arguments: [workspace, email])
            else { return .notFound }
            let before: String? = row[1]
            guard before != csm else { return .done }
            try db.execute(sql: "UPDATE user SET csm = ? WHERE id = ?", arguments: [csm, row[0] as Int64])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(actor: actor, action: "user.csm", target: email, change: "\(before ?? "(none)") -> \(csm ?? "(none)")"))
            return .done
        }
    }

    /// Makes a one-time link token for the person with `email` in `workspace` (nil when there is none), valid for
    /// `lifetime` seconds: it is returned once and only its SHA-256 is kept. Earlier unused links of the person end.
    public func createLink(
        workspace: Int64, email: String, purpose: LinkPurpose, lifetime: TimeInterval, actor: String, at now: Date
    ) throws(StoreError) -> String? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let token = Secrets.randomHex(bytes: 32)
        let seconds = Int64(now.timeIntervalSince1970)
        return try write("making a one-time link for \(email)") { db in
            guard let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM user WHERE workspace_id = ? AND email = ? AND disabled_at IS NULL", arguments: [workspace, email])
            else { return nil }
            try db.execute(sql: "UPDATE user_link SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [seconds, id])
            let (expires, overflow) = seconds.addingReportingOverflow(Int64(lifetime))
            try db.execute(
                sql: "INSERT INTO user_link (user_id, token_sha256, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, Store.sha256(token), purpose.rawValue, seconds, overflow ? Int64.max : expires])
            try Store.insertAudit(
                db, workspace: workspace, at: now,
                AuditEvent(
                    actor: actor, action: purpose == .invite ? "user.invite_link" : "user.reset_link", target: email,
                    change: "one-time link made, valid \(Int(lifetime / 86_400)) days"))
            return token
        }
    }

    /// The person a live one-time link token is for, and why; nil when unknown, used, expired or the person disabled.
    public func linkUser(token: String, at now: Date) throws(StoreError) -> (user: User, purpose: LinkPurpose)? {
        guard token.count == 64 else { return nil }
        return try read("checking a one-time link") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, u.role, l.purpose, u.csm
                    FROM user_link l JOIN user u ON u.id = l.user_id JOIN workspace w ON w.id = u.workspace_id
                    WHERE l.token_sha256 = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled_at IS NULL
                    """, arguments: [Store.sha256(token), Int64(now.timeIntervalSince1970)]
            ).map { row in (Store.user(row), LinkPurpose(rawValue: row[6]) ?? .reset) }
        }
    }

    /// Sets the password of the person a live one-time link is for and uses the link up (it works once); nil when the
    /// link is not live. Their other sessions end.
    public func redeemLink(token: String, passwordHash: String, at now: Date) throws(StoreError) -> User? {
        guard token.count == 64 else { return nil }
        let seconds = Int64(now.timeIntervalSince1970)
        return try write("using a one-time link") { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.workspace_id, w.slug, u.email, u.name, u.role, l.id, l.purpose, u.csm
                    FROM user_link l JOIN user u ON u.id = l.user_id JOIN workspace w ON w.id = u.workspace_id
                    WHERE l.token_sha256 = ? AND l.used_at IS NULL AND l.expires_at > ? AND u.disabled_at IS NULL
                    """, arguments: [Store.sha256(token), seconds])
            else { return nil }
            let user = Store.user(row)
            try db.execute(sql: "UPDATE user_link SET used_at = ? WHERE id = ?", arguments: [seconds, row[6] as Int64])
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [passwordHash, user.id])
            try db.execute(sql: "DELETE FROM session WHERE user_id = ?", arguments: [user.id])
            let purpose: String = row[7]
            try Store.insertAudit(
                db, workspace: user.workspace, at: now,
                AuditEvent(
                    actor: user.email, action: "user.password", target: user.email,
                    change: purpose == "invite" ? "password chosen through an invitation" : "password reset through a one-time link"))
            return user
        }
    }

    /// How many admins of `workspace` other than `user` can sign in.
    static func otherAdmins(_ db: Database, workspace: Int64, besides user: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM user WHERE workspace_id = ? AND role = 'admin' AND disabled_at IS NULL AND password_hash <> ? AND id <> ?",
            arguments: [workspace, User.noPassword, user]) ?? 0
    }

    static func date(_ seconds: Int64?) -> Date? { seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
}
