import Foundation
import Testing
import VitalsCore
import VitalsStore

/// People, keys, one-time links and the audit log in a real SQLite file.
@Suite struct AccessAdminStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func store() throws -> Store {
        try Store(path: NSTemporaryDirectory() + "vitals-access-\(UUID().uuidString).sqlite")
    }

    @Test func aKeysLastUseIsNotedAtMostOnceAMinuteAndARevokedKeyIsRefusedAtOnce() throws {
        let store = try Self.store()
        let w = try store.workspace("w")
        let key = try store.createKey(workspace: w, scope: .admin, actor: "ana@w.example", at: Self.t0)
        let prefix = String(key.dropFirst(3).prefix(12))
        #expect(try store.keys(workspace: w).map(\.lastUsed) == [nil])
        _ = try #require(try store.grant(forKey: key, at: Self.t0 + 10))
        // Used at t0+10, then again at t0+69 (59 s later: not noted), then at t0+70 (60 s later: noted).
        _ = try store.grant(forKey: key, at: Self.t0 + 69)
        #expect(try store.keys(workspace: w)[0].lastUsed == Self.t0 + 10)
        _ = try store.grant(forKey: key, at: Self.t0 + 70)
        #expect(try store.keys(workspace: w)[0].lastUsed == Self.t0 + 70)
        #expect(try !store.revokeKey(workspace: w, prefix: "vk_000000000000", actor: "ana@w.example", at: Self.t0 + 80))
        #expect(try store.revokeKey(workspace: w, prefix: "vk_" + prefix, actor: "ana@w.example", at: Self.t0 + 80))
        #expect(try store.grant(forKey: key, at: Self.t0 + 81) == nil)
        let listed = try store.keys(workspace: w)
        #expect(listed.map(\.prefix) == [prefix] && listed[0].scope == .admin && listed[0].revokedAt == Self.t0 + 80)
        // Revoking twice is refused: the key is no longer live.
        #expect(try !store.revokeKey(workspace: w, prefix: prefix, actor: "ana@w.example", at: Self.t0 + 90))
        let log = try store.auditLog(workspace: w, query: AuditQuery(action: "key."))
        #expect(log.total == 2)
        #expect(log.entries.map(\.event.action) == ["key.revoke", "key.create"])
        #expect(log.entries[0].event.change == "scope admin: live -> revoked" && log.entries[0].event.target == "vk_" + prefix)
    }

    @Test func rolesDisablingAndTheLastAdmin() throws {
        let store = try Self.store()
        let w = try store.workspace("w")
        let ana = try store.createUser(workspace: w, email: "Ana@W.example", name: "Ana", passwordHash: "h", role: .admin, actor: "cli", at: Self.t0)
        try store.createUser(workspace: w, email: "bo@w.example", name: "Bo", passwordHash: "h", role: .viewer, actor: "ana@w.example", at: Self.t0)
        // Ana is the only admin: she can be neither demoted nor disabled.
        #expect(try store.setRole(workspace: w, email: "ana@w.example", role: .csm, actor: "x", at: Self.t0) == .lastAdmin)
        #expect(try store.setDisabled(workspace: w, email: "ana@w.example", disabled: true, actor: "x", at: Self.t0) == .lastAdmin)
        #expect(try store.setRole(workspace: w, email: "nobody@w.example", role: .csm, actor: "x", at: Self.t0) == .notFound)
        #expect(try store.setRole(workspace: w, email: "BO@w.example", role: .admin, actor: "ana@w.example", at: Self.t0 + 1) == .done)
        let session = try store.createSession(user: ana, at: Self.t0 + 2, lifetime: 3600)
        #expect(try store.setDisabled(workspace: w, email: "ana@w.example", disabled: true, actor: "bo@w.example", at: Self.t0 + 3) == .done)
        // Disabled: her session ended and she cannot sign in.
        #expect(try store.session(token: session, at: Self.t0 + 4) == nil)
        #expect(try store.userForSignIn(email: "ana@w.example") == nil)
        let users = try store.users(workspace: w)
        #expect(users.map(\.email) == ["ana@w.example", "bo@w.example"])
        #expect(users.map(\.role) == [.admin, .admin])
        #expect(users[0].disabledAt == Self.t0 + 3 && users[0].lastSignIn == Self.t0 + 2 && users[1].lastSignIn == nil)
        let log = try store.auditLog(workspace: w, query: AuditQuery(action: "user.", limit: 2, offset: 0))
        // user.create x2, user.role, user.disable = 4 in all; the page holds the newest 2.
        #expect(log.total == 4)
        #expect(log.entries.map(\.event.action) == ["user.disable", "user.role"])
        #expect(log.entries[1].event.change == "viewer -> admin" && log.entries[1].event.actor == "ana@w.example")
        #expect(try store.auditLog(workspace: w, query: AuditQuery(actor: "cli")).total == 1)
        #expect(try store.auditLog(workspace: w, query: AuditQuery(since: Self.t0 + 2)).total == 1)
    }

    @Test func aOneTimeLinkSetsThePasswordOnceAndExpires() throws {
        let store = try Self.store()
        let w = try store.workspace("w")
        try store.createUser(workspace: w, email: "cy@w.example", name: "Cy", passwordHash: User.noPassword, role: .viewer, actor: "a", at: Self.t0)
        // Invited without a password: cannot sign in.
        #expect(try store.userForSignIn(email: "cy@w.example") == nil)
        let week: TimeInterval = 7 * 86_400
        let first = try #require(try store.createLink(workspace: w, email: "cy@w.example", purpose: .invite, lifetime: week, actor: "a", at: Self.t0))
        let second = try #require(try store.createLink(workspace: w, email: "cy@w.example", purpose: .invite, lifetime: week, actor: "a", at: Self.t0 + 1))
        // A newer link ends the older one.
        #expect(try store.linkUser(token: first, at: Self.t0 + 2) == nil)
        #expect(try store.linkUser(token: second, at: Self.t0 + 2)?.purpose == .invite)
        // Valid until t0 + 1 + 604800 exclusive.
        #expect(try store.linkUser(token: second, at: Self.t0 + 1 + week) == nil)
        #expect(try store.redeemLink(token: second, passwordHash: "h2", at: Self.t0 + 3)?.email == "cy@w.example")
        #expect(try store.redeemLink(token: second, passwordHash: "h3", at: Self.t0 + 4) == nil)
        #expect(try store.userForSignIn(email: "cy@w.example")?.passwordHash == "h2")
        #expect(try store.createLink(workspace: w, email: "nobody@w.example", purpose: .reset, lifetime: week, actor: "a", at: Self.t0) == nil)
        #expect(try store.users(workspace: w).map(\.pending) == [false])
    }
}
