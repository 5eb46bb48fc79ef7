import ArgumentParser
import Foundation
import VitalsApp
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key and print it: it is shown once, and the store keeps only its hash.")

        @OptionGroup var store: StoreOptions

        @Option(help: "What the key may do: ingest (write records, close tasks), read, or admin (everything).")
        var scope: APIScope

        func run() throws {
            let (opened, workspace) = try store.open(create: true)
            print(try opened.createKey(workspace: workspace, scope: scope, actor: "cli", at: Date()))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the workspace's API keys: prefix, scope, created, last use (to the minute), revoked.")

        @OptionGroup var store: StoreOptions

        func run() throws {
            let (opened, workspace) = try store.open(create: false)
            let rows = try opened.keys(workspace: workspace).map { key in
                [
                    "vk_" + key.prefix, key.scope.rawValue, CLIDates.text(key.createdAt), key.lastUsed.map(CLIDates.text) ?? "never",
                    key.revokedAt.map(CLIDates.text) ?? "-",
                ]
            }
            print(CLIDates.table(["PREFIX", "SCOPE", "CREATED", "LAST USE", "REVOKED"], rows))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by its prefix (vk_ and 12 hex digits, as keys list shows): refused from the next request on.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The key's prefix, e.g. vk_0123456789ab.")
        var prefix: String

        func validate() throws {
            let digits = prefix.hasPrefix("vk_") ? prefix.dropFirst(3) : prefix[...]
            guard digits.count == 12, digits.allSatisfy(\.isHexDigit) else {
                throw ValidationError("PREFIX '\(prefix)' is not a key prefix (vk_ and 12 hex digits, as 'vitals keys list' shows)")
            }
        }

        func run() throws {
            let (opened, workspace) = try store.open(create: false)
            guard try opened.revokeKey(workspace: workspace, prefix: prefix.lowercased(), actor: "cli", at: Date()) else {
                throw Failure(description: "no live key \(prefix) in workspace \(store.workspace)")
            }
            print("revoked \(prefix.hasPrefix("vk_") ? prefix : "vk_" + prefix)")
        }
    }
}

extension APIScope: ExpressibleByArgument {}

/// Dates and aligned tables for the access commands' lists.
enum CLIDates {
    /// `2026-12-07 23:09 UTC`.
    static func text(_ date: Date) -> String {
        let t = Timestamp(seconds: Int64(date.timeIntervalSince1970))
        let seconds = (t.seconds % 86_400 + 86_400) % 86_400
        return "\(t.date) \(pad(seconds / 3600)):\(pad(seconds % 3600 / 60)) UTC"
    }

    static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Columns padded to their widest cell, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
