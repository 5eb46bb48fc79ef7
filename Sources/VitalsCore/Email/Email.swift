/// What an email is for; it decides which unsubscribe scope stops it (`SuppressionScope`).
public enum EmailKind: String, Sendable, CaseIterable, Codable {
    /// An invitation to answer a hosted survey (NPS, CSAT, CES), sent to a customer's contact.
    case survey
    /// An alert, sent to the account's CSM or to named people.
    case alert
    /// A daily or weekly digest.
    case digest
    /// A scheduled report (the monthly HTML report).
    case report
    /// A test message sent by an admin to check the mail settings.
    case test

    /// The unsubscribe scope that stops this kind of email, besides `all`; `nil` when nothing stops it (a test an
    /// admin sends on purpose).
    public var scope: SuppressionScope? {
        switch self {
        case .survey: .surveys
        case .alert, .digest, .report: .reports
        case .test: nil
        }
    }
}

/// What an unsubscribe (or an admin's stop) covers.
public enum SuppressionScope: String, Sendable, CaseIterable, Codable {
    /// Survey invitations: a customer's contact who no longer wants to be asked.
    case surveys
    /// Alerts, digests and reports: a team member who no longer wants them.
    case reports
    /// Every email but an admin's test.
    case all
}

/// Why an address is suppressed.
public enum SuppressionReason: String, Sendable, Codable {
    /// The person followed the unsubscribe link of an email.
    case unsubscribed
    /// An admin stopped it.
    case admin
}

/// Where an email stands: queued (`pending`, perhaps after failed attempts), handed to the SMTP server (`sent`),
/// given up (`failed`), or never sent because the address is suppressed (`suppressed`).
public enum EmailStatus: String, Sendable, CaseIterable, Codable {
    case pending, sent, failed, suppressed
}

/// An email to queue: one recipient, a subject, a plain-text and an HTML part.
public struct NewEmail: Sendable, Equatable {
    public var kind: EmailKind
    public var recipient: String
    public var recipientName: String?
    public var subject: String
    public var text: String
    public var html: String
    /// What the email is about, for the log and for finding it again (e.g. `invitation:12`, `alert:3`, `digest:5`).
    public var reference: String?

    public init(
        kind: EmailKind, recipient: String, recipientName: String? = nil, subject: String, text: String, html: String,
        reference: String? = nil
    ) {
        self.kind = kind
        self.recipient = recipient
        self.recipientName = recipientName
        self.subject = subject
        self.text = text
        self.html = html
        self.reference = reference
    }
}

/// An email as stored: the message, and its delivery so far.
public struct StoredEmail: Sendable, Equatable {
    public var id: Int64
    public var workspace: Int64
    public var message: NewEmail
    public var status: EmailStatus
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var sentAt: Timestamp?
    public var createdAt: Timestamp

    public init(
        id: Int64, workspace: Int64, message: NewEmail, status: EmailStatus, attempts: Int, nextAttemptAt: Timestamp,
        lastError: String?, sentAt: Timestamp?, createdAt: Timestamp
    ) {
        self.id = id
        self.workspace = workspace
        self.message = message
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.sentAt = sentAt
        self.createdAt = createdAt
    }
}

/// An address that must not be written to.
public struct Suppression: Sendable, Equatable {
    public var address: String
    public var scope: SuppressionScope
    public var reason: SuppressionReason
    public var at: Timestamp

    public init(address: String, scope: SuppressionScope, reason: SuppressionReason, at: Timestamp) {
        self.address = address
        self.scope = scope
        self.reason = reason
        self.at = at
    }
}

/// The checks of an email address Vitals writes to: the `addr-spec` shape of RFC 5322 as mail servers accept it in
/// practice (one `@`, a local part and a dotted domain, no spaces or control characters, at most 254 characters),
/// compared without regard to case.
public enum EmailAddress {
    /// The address trimmed and lower-cased when it has that shape, else `nil`.
    public static func normalized(_ text: String) -> String? {
        let address = text.trimmingWhitespace().lowercased()
        guard address.utf8.count >= 3, address.utf8.count <= 254 else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty, local.utf8.count <= 64,
            domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..")
        else { return nil }
        for scalar in address.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || "<>(),;:\\\"[]".unicodeScalars.contains(scalar) { return nil }
        }
        return address
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}

/// Which emails of a workspace to list (every field that is set must match).
public struct EmailFilter: Sendable, Equatable {
    public var kind: EmailKind?
    public var status: EmailStatus?
    public var reference: String?
    public var recipient: String?

    public init(kind: EmailKind? = nil, status: EmailStatus? = nil, reference: String? = nil, recipient: String? = nil) {
        self.kind = kind
        self.status = status
        self.reference = reference
        self.recipient = recipient
    }
}
