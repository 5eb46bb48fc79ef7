import GRDB
import VitalsCore

extension Store {
    private static let emailColumns = """
        SELECT id, workspace_id, kind, recipient, recipient_name, subject, text_body, html_body, reference, status, attempts,
               next_attempt_at, last_error, sent_at, created_at FROM email
        """

    private static func email(_ r: Row) -> StoredEmail {
        let sent: Int64? = r[13]
        return StoredEmail(
            id: r[0], workspace: r[1],
            message: NewEmail(
                kind: EmailKind(rawValue: r[2]) ?? .test, recipient: r[3], recipientName: r[4], subject: r[5], text: r[6],
                html: r[7], reference: r[8]),
            status: EmailStatus(rawValue: r[9]) ?? .failed, attempts: r[10], nextAttemptAt: Timestamp(seconds: r[11]),
            lastError: r[12], sentAt: sent.map { Timestamp(seconds: $0) }, createdAt: Timestamp(seconds: r[14]))
    }

    /// Queues `emails` inside the caller's transaction `db` (so that an email is stored with what caused it, or not at
    /// all), returning their ids. An email to a suppressed address is stored as `suppressed` and never sent.
    package static func insertEmails(_ emails: [NewEmail], workspace: Int64, at now: Timestamp, in db: Database) throws -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(emails.count)
        for email in emails {
            let address = EmailAddress.normalized(email.recipient) ?? email.recipient
            var status = EmailStatus.pending
            if let scope = email.kind.scope,
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM email_suppression WHERE workspace_id = ? AND address = ? AND scope IN (?, 'all'))",
                    arguments: [workspace, address, scope.rawValue]) ?? false
            {
                status = .suppressed
            }
            try db.execute(
                sql: """
                    INSERT INTO email (workspace_id, kind, recipient, recipient_name, subject, text_body, html_body, reference,
                                       status, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    workspace, email.kind.rawValue, address, email.recipientName, email.subject, email.text, email.html,
                    email.reference, status.rawValue, now.seconds, now.seconds,
                ])
            ids.append(db.lastInsertedRowID)
        }
        return ids
    }

    public func enqueueEmails(_ emails: [NewEmail], workspace: Int64, at now: Timestamp) throws(StoreError) -> [Int64] {
        try write("queueing \(emails.count) emails") { db in try Store.insertEmails(emails, workspace: workspace, at: now, in: db) }
    }

    public func dueEmails(at now: Timestamp, limit: Int) throws(StoreError) -> [StoredEmail] {
        try read("reading emails") { db in
            try Row.fetchAll(
                db, sql: Store.emailColumns + " WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                arguments: [now.seconds, limit]
            ).map(Store.email)
        }
    }

    public func nextEmailAttempt() throws(StoreError) -> Timestamp? {
        try read("reading emails") { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM email WHERE status = 'pending'").map { Timestamp(seconds: $0) }
        }
    }

    public func recordEmailAttempt(_ id: Int64, at now: Timestamp, outcome: DeliveryOutcome) throws(StoreError) {
        try write("recording an email attempt") { db in
            switch outcome {
            case .delivered:
                try db.execute(
                    sql: "UPDATE email SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE id = ?",
                    arguments: [now.seconds, id])
            case .retry(let next, let error):
                try db.execute(
                    sql: "UPDATE email SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    arguments: [next.seconds, error, id])
            case .failed(let error):
                try db.execute(
                    sql: "UPDATE email SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                    arguments: [error, id])
            }
        }
    }

    public func emails(workspace: Int64, filter: EmailFilter, limit: Int, offset: Int) throws(StoreError) -> [StoredEmail] {
        let (clause, arguments) = Store.emailWhere(workspace: workspace, filter: filter)
        return try read("reading emails") { db in
            try Row.fetchAll(
                db, sql: Store.emailColumns + clause + " ORDER BY id DESC LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset]
            ).map(Store.email)
        }
    }

    public func emailCount(workspace: Int64, filter: EmailFilter) throws(StoreError) -> Int {
        let (clause, arguments) = Store.emailWhere(workspace: workspace, filter: filter)
        return try read("counting emails") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM email" + clause, arguments: arguments) ?? 0 }
    }

    private static func emailWhere(workspace: Int64, filter: EmailFilter) -> (String, StatementArguments) {
        var clause = " WHERE workspace_id = ?"
        var arguments: StatementArguments = [workspace]
        if let kind = filter.kind {
            clause += " AND kind = ?"
            arguments += [kind.rawValue]
        }
        if let status = filter.status {
            clause += " AND status = ?"
            arguments += [status.rawValue]
        }
        if let reference = filter.reference {
            clause += " AND reference = ?"
            arguments += [reference]
        }
        if let recipient = filter.recipient {
            clause += " AND recipient = ?"
            arguments += [EmailAddress.normalized(recipient) ?? recipient]
        }
        return (clause, arguments)
    }

    public func suppress(_ suppression: Suppression, workspace: Int64) throws(StoreError) {
        guard let address = EmailAddress.normalized(suppression.address) else {
            throw StoreError.failed("suppressing an address", reason: "'\(suppression.address)' is not an email address")
        }
        try write("suppressing \(address)") { db in
            try db.execute(
                sql: """
                    INSERT INTO email_suppression (workspace_id, address, scope, reason, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (workspace_id, address, scope) DO NOTHING
                    """,
                arguments: [workspace, address, suppression.scope.rawValue, suppression.reason.rawValue, suppression.at.seconds])
            // Mail already queued to the address and now covered is not sent.
            let kinds = EmailKind.allCases.filter { suppression.scope == .all ? $0.scope != nil : $0.scope == suppression.scope }
            try db.execute(
                sql: "UPDATE email SET status = 'suppressed' WHERE workspace_id = ? AND recipient = ? AND status = 'pending' AND kind IN ("
                    + kinds.map { _ in "?" }.joined(separator: ", ") + ")",
                arguments: StatementArguments([workspace, address] as [any DatabaseValueConvertible]) + StatementArguments(kinds.map(\.rawValue)))
        }
    }

    @discardableResult
    public func unsuppress(address: String, scope: SuppressionScope, workspace: Int64) throws(StoreError) -> Bool {
        let address = EmailAddress.normalized(address) ?? address
        return try write("lifting the suppression of \(address)") { db in
            try db.execute(
                sql: "DELETE FROM email_suppression WHERE workspace_id = ? AND address = ? AND scope = ?",
                arguments: [workspace, address, scope.rawValue])
            return db.changesCount > 0
        }
    }

    public func suppressions(workspace: Int64) throws(StoreError) -> [Suppression] {
        try read("reading suppressions") { db in
            try Row.fetchAll(
                db, sql: "SELECT address, scope, reason, created_at FROM email_suppression WHERE workspace_id = ? ORDER BY address, scope",
                arguments: [workspace]
            ).map {
                Suppression(
                    address: $0[0], scope: SuppressionScope(rawValue: $0[1]) ?? .all,
                    reason: SuppressionReason(rawValue: $0[2]) ?? .admin, at: Timestamp(seconds: $0[3]))
            }
        }
    }

    public func isSuppressed(address: String, kind: EmailKind, workspace: Int64) throws(StoreError) -> Bool {
        guard let scope = kind.scope else { return false }
        let address = EmailAddress.normalized(address) ?? address
        return try read("reading suppressions") { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM email_suppression WHERE workspace_id = ? AND address = ? AND scope IN (?, 'all'))",
                arguments: [workspace, address, scope.rawValue]) ?? false
        }
    }
}
