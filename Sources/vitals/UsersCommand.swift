import ArgumentParser
import Foundation
import VitalsApp
import VitalsServer
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the people who sign in to the dashboard.",
        subcommands: [Create.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person to a workspace.",
            discussion: """
                The password is read from standard input (one line), so it stays out of the shell history: \
                printf '%s\\n' "$PASSWORD" | vitals users create --email ana@example.com --name "Ana".
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(help: "The person's email, used to sign in.")
        var email: String

        @Option(help: "The person's name, as the dashboard shows it.")
        var name: String

        func validate() throws {
            let parts = email.split(separator: "@")
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else {
                throw ValidationError("--email '\(email)' is not an email address")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--name must not be empty") }
        }

        func run() throws {
            guard let password = readLine(strippingNewline: true) else {
                throw Failure(description: "give the password on standard input (one line)")
            }
            if let problem = Passwords.problem(password) { throw Failure(description: problem) }
            let (opened, workspace) = try store.open(create: true)
            try opened.createUser(workspace: workspace, email: email, name: name, passwordHash: Passwords.hash(password), at: Date())
            print("added \(email.lowercased()) to workspace \(store.workspace)")
        }
    }
}
