import Foundation
import VitalsCore

@testable import VitalsFormats

/// What the fast-path suites share: a reader that has read fx_rates.csv and accounts.csv (accounts a1 and a2, a rate
/// for EUR), one file read by the fast path and by the general reader, and the messages `DatasetLoader` gives.
struct FastPathHarness {
    let accounts = "account_id,name\na1,One\na2,Two\n"
    let rates = "date,currency,rate\n2024-01-01,EUR,1.1\n"

    /// A reader that has read fx_rates.csv and accounts.csv.
    func reader() -> RecordReader {
        var reader = RecordReader(log: IssueLog(), reportingCurrency: .usd)
        reader.read(file: "fx_rates.csv", bytes: Array(rates.utf8))
        reader.read(file: "accounts.csv", bytes: Array(accounts.utf8))
        return reader
    }

    /// The reader after reading `text` as `file` by the fast path; `nil` when it gave up.
    func fast(_ file: String, _ text: String) -> RecordReader? {
        var reader = reader()
        let done = Array(text.utf8).withUnsafeBufferPointer { reader.readFast(file: file, bytes: $0) }
        return done ? reader : nil
    }

    /// The reader after reading `text` as `file` by the general reader.
    func general(_ file: String, _ text: String) -> RecordReader {
        var reader = reader()
        reader.read(file: file, bytes: Array(text.utf8))
        return reader
    }

    /// The problems `DatasetLoader` reports for `files` beside fx_rates.csv and accounts.csv (it tries the fast paths
    /// first).
    func problems(_ files: [String: String]) -> [String] {
        let all = ["fx_rates.csv": rates, "accounts.csv": accounts].merging(files) { _, given in given }
        do {
            _ = try DatasetLoader.load(files: all.mapValues { Array($0.utf8) }, reportingCurrency: .usd)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }
}
