import ArgumentParser
import Foundation
import VitalsApp
import VitalsCore
import VitalsServer
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the people who sign in to the dashboard.",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, Passwd.self, RoleCommand.self, CSMCommand.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person to a workspace.",
            discussion: """
                The password is read from standard input (one line), so it stays out of the shell history: \
                printf '%s\\n' "$PASSWORD" | vitals users create --email ana@example.com --name "Ana". \
                The workspace's first person is an admin; later ones are viewers unless --role says otherwise.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The person's email, used to sign in.")
        var email: String

        @Option(help: "The person's name, as the dashboard shows it.")
        var name: String

        @Option(help: "viewer (reads), csm (reads, works tasks and reviews) or admin (everything). Default: admin for the workspace's first person, else viewer.")
        var role: Role?

        func validate() throws {
            try UserInput.checkEmail(email, option: "--email")
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
        }

        func run() throws {
            let password = try UserInput.newPassword()
            let (opened, workspace) = try store.open(create: true)
            let role = try role ?? (opened.hasUsers(workspace: workspace) ? .viewer : .admin)
            try opened.createUser(
                workspace: workspace, email: email, name: name, passwordHash: Passwords.hash(password), role: role, actor: "cli", at: Date())
            print("added \(email.lowercased()) to workspace \(store.workspace) as \(role.rawValue)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the workspace's people: email, name, role, CSM name, disabled, last sign-in.")

        @OptionGroup var store: StoreOptions

        func run() throws {
            let (opened, workspace) = try store.open(create: false)
            let rows = try opened.users(workspace: workspace).map { u in
                [
                    u.email, u.name, u.role.rawValue, u.csm ?? "-", u.disabledAt.map(CLIDates.text) ?? "-",
                    u.pending ? "invited, no password yet" : u.lastSignIn.map(CLIDates.text) ?? "never",
                ]
            }
            print(CLIDates.table(["EMAIL", "NAME", "ROLE", "CSM", "DISABLED", "LAST SIGN-IN"], rows))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a person: they cannot sign in, and their sessions end at once.")

        @OptionGroup var person: PersonArguments

        func run() throws {
            try person.change(done: "disabled \(person.email.lowercased())") { store, workspace, email in
                try store.setDisabled(workspace: workspace, email: email, disabled: true, actor: "cli", at: Date())
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled person again.")

        @OptionGroup var person: PersonArguments

        func run() throws {
            try person.change(done: "enabled \(person.email.lowercased())") { store, workspace, email in
                try store.setDisabled(workspace: workspace, email: email, disabled: false, actor: "cli", at: Date())
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Set a person's password, read from standard input (or asked for, on a terminal); their sessions end.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "The person's email.") var email: String

        func validate() throws { try UserInput.checkEmail(email, option: "EMAIL") }

        func run() throws {
            let password = try UserInput.newPassword()
            let (opened, workspace) = try store.open(create: false)
            guard try opened.users(workspace: workspace).contains(where: { $0.email == email.lowercased() }) else {
                throw Failure(description: "no person \(email.lowercased()) in workspace \(store.workspace)")
            }
            _ = try opened.setPassword(email: email, passwordHash: Passwords.hash(password), actor: "cli", at: Date())
            print("changed the password of \(email.lowercased())")
        }
    }

    struct RoleCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Give a person a role: viewer, csm or admin.")

        @OptionGroup var person: PersonArguments
        @Argument(help: "viewer, csm or admin.") var role: Role

        func run() throws {
            try person.change(done: "\(person.email.lowercased()) is now \(role.rawValue)") { store, workspace, email in
                try store.setRole(workspace: workspace, email: email, role: role, actor: "cli", at: Date())
            }
        }
    }
}

extension UsersCommand {
    struct CSMCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csm",
            abstract: "Link a person to the CSM name their accounts (accounts.csm) and tasks (owner) carry; their dashboard opens on them.")

        @OptionGroup var person: PersonArguments
        @Argument(help: "The CSM name; empty to unlink.") var name: String

        func validate() throws {
            guard name.count <= 200 else { throw ValidationError("NAME: at most 200 characters") }
        }

        func run() throws {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            let who = person.email.lowercased()
            try person.change(done: trimmed.isEmpty ? "\(who) is linked to no CSM name" : "\(who) signs in as CSM \(trimmed)") {
                store, workspace, email in
                try store.setCSM(workspace: workspace, email: email, csm: trimmed, actor: "cli", at: Date())
            }
        }
    }
}

extension Role: ExpressibleByArgument {}

/// The person a users command changes: the store and their email (checked as an address).
struct PersonArguments: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @Argument(help: "The person's email.") var email: String

    func validate() throws { try UserInput.checkEmail(email, option: "EMAIL") }

    /// Opens the store, makes `change` to the person and prints `done`, or fails saying why nothing changed.
    func change(done: String, _ change: (any VitalsStorage, Int64, String) throws -> AccessChange) throws {
        let (opened, workspace) = try store.open(create: false)
        try UserInput.report(try change(opened, workspace, email), email: email, store: store, done: done)
    }
}

/// The checks and prompts the users commands share.
enum UserInput {
    static func checkEmail(_ email: String, option: String) throws {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(where: \.isWhitespace) else {
            throw ValidationError("\(option) '\(email)' is not an email address")
        }
    }

    /// A new password from standard input (one line), or asked for without echo on a terminal; it must pass the
    /// password rules (`Passwords.problem`).
    static func newPassword() throws -> String {
        let password: String?
        if isatty(STDIN_FILENO) == 1 {
            password = getpass("New password: ").map { String(cString: $0) }
        } else {
            password = readLine(strippingNewline: true)
        }
        guard let password else { throw Failure(description: "give the password on standard input (one line)") }
        if let problem = Passwords.problem(password) { throw Failure(description: problem) }
        return password
    }

    static func report(_ change: AccessChange, email: String, store: StoreOptions, done: String) throws {
        switch change {
        case .done: print(done)
        case .notFound: throw Failure(description: "no person \(email.lowercased()) in workspace \(store.workspace)")
        case .lastAdmin:
            throw Failure(description: "\(email.lowercased()) is the workspace's last admin who can sign in: make another admin first")
        }
    }
}
