/// What a caller may do, whoever they are: a person signed in to the dashboard (by their `Role`) or an API key (by
/// its scope). Every page, form and API route needs exactly one of these (docs/security.md, "Roles").
public enum Permission: String, Sendable, CaseIterable {
    /// Read the workspace's reports, accounts, goals, health, alerts and tasks.
    case read
    /// Work the customer book: close tasks, record target reviews.
    case work
    /// Write and delete records (the ingest API).
    case ingest
    /// Create, edit, archive and restore goals.
    case goals
    /// Manage people, API keys and settings; read the audit log.
    case admin
}

/// A person's role in their workspace.
///
/// - `viewer` reads.
/// - `csm` reads and works tasks and goal reviews.
/// - `admin` does everything, including the admin pages (people, keys, audit log).
public enum Role: String, Sendable, CaseIterable, Codable {
    case viewer, csm, admin

    /// The one table of what each role may do.
    public var permissions: Set<Permission> {
        switch self {
        case .viewer: [.read]
        case .csm: [.read, .work]
        case .admin: Set(Permission.allCases)
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The role named `text` (`viewer`, `csm`, `admin`), or a message naming the choices.
    public static func parse(_ text: String) -> Result<Role, RoleError> {
        guard let role = Role(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased()) else {
            return .failure(RoleError(text: text))
        }
        return .success(role)
    }
}

/// A role name that is not one of the roles.
public struct RoleError: Error, CustomStringConvertible, Equatable {
    public var text: String
    public init(text: String) { self.text = text }
    public var description: String { "'\(text)' is not a role (viewer, csm or admin)" }
}
