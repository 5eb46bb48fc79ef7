import ArgumentParser
import Foundation

/// The `vitals` command: a thin front end over the VitalsCore, VitalsStore and VitalsServer libraries.
@main
struct Vitals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vitals",
        abstract: "Customer-success and revenue KPIs for subscription businesses.",
        subcommands: [
            ServeCommand.self, ReportCommand.self, ImportCommand.self, ConnectCommand.self, UsersCommand.self, KeysCommand.self,
            GoalsCommand.self, HealthCommand.self, AlertsCommand.self, TasksCommand.self, GenerateCommand.self, CLVCommand.self,
            RenewalsCommand.self,
        ]
    )

    static func main() async {
        // A mistyped command gets a suggestion rather than the parser's "Unexpected argument".
        if let word = CommandLine.arguments.dropFirst().first, let message = CommandSuggestion.message(for: word) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(64)  // EX_USAGE
        }
        await main(nil)
    }
}

/// What to say when the first word is not a command.
enum CommandSuggestion {
    static var commands: [String] {
        Vitals.configuration.subcommands.map { $0.configuration.commandName ?? $0._commandName }
    }

    /// `nil` for a command, an option or help; else the error, naming the closest command when one is near.
    static func message(for word: String) -> String? {
        guard !word.hasPrefix("-"), word != "help", !commands.contains(word) else { return nil }
        let near = commands.map { ($0, distance(word, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }
        return "Error: unknown command '\(word)'" + (near.map { ". Did you mean '\($0.0)'?" } ?? "")
            + "\nCommands: \(commands.joined(separator: ", ")). See 'vitals --help'."
    }

    /// The Levenshtein distance: insertions, deletions and substitutions of one character.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
