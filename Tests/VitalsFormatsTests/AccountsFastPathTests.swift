import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// The fast path for accounts.csv reads what the general reader reads (accounts, their order and attributes), and
/// leaves every file with a problem to it, so the messages are the general reader's.
@Suite struct AccountsFastPathTests {
    /// Reads `text` by the fast path: the dataset's accounts, `nil` when it gave up.
    func fast(_ text: String, known: [Account] = []) -> [Account]? {
        var reader = RecordReader(log: IssueLog(), reportingCurrency: .usd, knownAccounts: known)
        let done = Array(text.utf8).withUnsafeBufferPointer { reader.readFast(file: "accounts.csv", bytes: $0) }
        guard done else { return nil }
        #expect(reader.accountsDeclared)
        // The byte-keyed lookup gives each account its dataset index.
        for (k, account) in reader.dataset.accounts.enumerated() {
            let found = Array(account.id.rawValue.utf8).withUnsafeBufferPointer { reader.accountKeys.find($0) }
            #expect(found == Int32(k))
        }
        return reader.dataset.accounts
    }

    /// Reads `text` by the general reader.
    func general(_ text: String) -> [Account] {
        var reader = RecordReader(log: IssueLog(), reportingCurrency: .usd)
        reader.read(file: "accounts.csv", bytes: Array(text.utf8))
        return reader.dataset.accounts
    }

    /// The problems `DatasetLoader` reports for these accounts (it tries the fast path first).
    func problems(_ accounts: String) -> [String] {
        do {
            _ = try DatasetLoader.load(files: ["accounts.csv": Array(accounts.utf8)], reportingCurrency: .usd)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test func accountsReadAsTheGeneralReaderReadsThem() throws {
        // A byte-order mark, CRLF, a blank line, padded fields (custom attributes keep their spaces), a quoted name
        // over two lines with a doubled quote, a referrer that comes later in the file, and empty optional fields.
        let text = "\u{FEFF}account_id,name,created_at,csm,industry,country,referred_by,employees,plan_tier\r\n"
            + "a1,\"Acme \"\"One\"\",\nInc\", 2024-01-15 , Ana ,Retail,FR,a3, 10 ,starter\r\n"
            + "\r\n"
            + "a2,Beta,2024-02-01T09:30:00Z,,,,,,\r\n"
            + "a3,Gamma,,Bo,Media,US,,250,pro\r\n"
        let read = try #require(fast(text))
        #expect(read == general(text))
        #expect(read.count == 3)
        #expect(read[0].id == AccountID("a1") && read[0].name == "Acme \"One\",\nInc")
        #expect(read[0].createdAt == (try Timestamp.parse("2024-01-15")) && read[0].csm == "Ana")
        #expect(read[0].industry == "Retail" && read[0].country == "FR" && read[0].referredBy == AccountID("a3"))
        #expect(read[0].attributes == ["employees": " 10 ", "plan_tier": "starter"])
        #expect(read[1].createdAt == (try Timestamp.parse("2024-02-01T09:30:00Z")))
        #expect(read[1].csm == nil && read[1].referredBy == nil && read[1].attributes.isEmpty)
        #expect(read[2].createdAt == nil && read[2].attributes == ["employees": "250", "plan_tier": "pro"])
    }

    @Test func badAccountsGoToTheGeneralReader() {
        let text = """
            account_id,name,created_at,referred_by
            a1,One,2024-01-01,
            a2,,2024-01-01,
            a3,Three,2024-13-01,
            a4,Four,,a4
            a5,Five,,zz
            a1,Again,,

            """
        #expect(fast(text) == nil)
        #expect(
            problems(text) == [
                "accounts.csv:3: name: a value is required",
                "accounts.csv:4: created_at: '2024-13-01' is not a real calendar date or time",
                "accounts.csv:5: referred_by: an account cannot refer itself",
                "accounts.csv:7: account_id: duplicate account_id 'a1' (first on line 2)",
                "accounts.csv:6: referred_by: unknown account 'zz'",
            ])
    }

    /// Ids out of order may repeat, and accounts already known may be updated: both are the general reader's.
    @Test func unorderedIDsOrKnownAccountsTakeTheGeneralReader() {
        #expect(fast("account_id,name\nb,Two\na,One\n") == nil)
        #expect(fast("account_id,name\na,One\n", known: [Account(id: AccountID("x"), name: "X")]) == nil)
        #expect(fast("account_id,name\na,One\nb,Two\n")?.map(\.name) == ["One", "Two"])
    }

    /// The loader still reads usage_events.csv beside the other files once the fast path has read the accounts.
    @Test func usageEventsFollowAccountsReadByTheFastPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-accounts-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "account_id,name\na1,One\na2,Two\n".write(
            to: folder.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
        try "event_id,account_id,user_id,event,occurred_at\ne1,a2,u1,login,2024-01-02T00:00:00Z\n".write(
            to: folder.appendingPathComponent("usage_events.csv"), atomically: true, encoding: .utf8)
        let dataset = try DatasetLoader.load(directory: folder.path, reportingCurrency: .usd)
        #expect(dataset.accounts.map(\.name) == ["One", "Two"])
        #expect(dataset.usageEvents.count == 1)
        #expect(dataset.usageEvents.accounts.first == 1)
    }
}
