import ArgumentParser
import Foundation
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Where the embedded store is and which workspace to use.
struct StoreOptions: ParsableArguments {
    @Option(help: "The store file (default: $VITALS_DB, else vitals.sqlite).")
    var db: String?

    @Option(help: "The workspace (default: default).")
    var workspace = Store.defaultWorkspace

    /// `--db`, else `VITALS_DB`, else the default file.
    var path: String { db ?? ProcessInfo.processInfo.environment["VITALS_DB"] ?? Store.defaultPath }

    /// Opens the store and the workspace (creating it only if `create`).
    func open(create: Bool) throws -> (store: any VitalsStorage, workspace: Int64) {
        let store = try Store(path: path)
        return (store, try store.workspace(workspace, create: create))
    }
}

extension StoreOptions {
    /// Checks the records' source of a command that reads either a dataset folder (`--data`) or the store: not both,
    /// and the one given exists.
    func validateSource(data: String?) throws {
        if let data {
            guard db == nil else { throw ValidationError("give --data or --db, not both") }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data \(data): no such folder")
            }
        } else if !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no --data folder, and no store at \(path) (give --db or run vitals import)")
        }
    }
}
