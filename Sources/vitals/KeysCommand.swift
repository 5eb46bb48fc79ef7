import ArgumentParser
import Foundation
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it: it is shown once, and the store keeps only its hash.")

        @OptionGroup var store: StoreOptions

        @Option(help: "What the key may do: ingest (write records), read, or admin (both).")
        var scope: APIScope

        func run() throws {
            let (opened, workspace) = try store.open(create: true)
            print(try opened.createKey(workspace: workspace, scope: scope, at: Date()))
        }
    }
}

extension APIScope: ExpressibleByArgument {}
