import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// The fast path for usage_events.csv must read exactly what the general reader reads, and say the same about bad rows.
@Suite struct UsageFastPathTests {
    let accounts = "account_id,name\na1,One\na2,Two\n"

    /// 3,000 events over two accounts with CRLF line ends, a blank line, padded fields and long ids.
    func events(extraRows: String = "") -> String {
        var text = "event_id, account_id ,user_id,event,occurred_at,duration_seconds\r\n"
        for k in 0..<3_000 {
            let account = k % 3 == 0 ? "a2" : "a1"
            let user = k % 7 == 0 ? "a-user-with-a-rather-long-identifier-\(k % 5)" : "u\(k % 4)"
            let duration = k % 4 == 0 ? "" : "\(k % 600).5"
            text += "evt_\(k), \(account),\(user),\(k % 2 == 0 ? "login" : "report_exported"),"
            text += "2024-0\(1 + k % 9)-1\(k % 10)T0\(k % 10):15:00Z,\(duration)\r\n"
            if k == 1_500 { text += "\r\n" }
        }
        return text + extraRows
    }

    func folder(_ files: [String: String]) throws -> String {
        let path = NSTemporaryDirectory() + "vitals-fast-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    func general(_ files: [String: String]) -> Result<Dataset, DatasetLoadError> {
        Result { () throws(DatasetLoadError) in
            try DatasetLoader.load(files: files.mapValues { Array($0.utf8) }, reportingCurrency: .usd)
        }
    }

    func fast(_ files: [String: String], blockSize: Int) throws -> Result<Dataset, DatasetLoadError> {
        let path = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return Result { () throws(DatasetLoadError) in
            try DatasetLoader.load(directory: path, reportingCurrency: .usd, usageBlockSize: blockSize)
        }
    }

    @Test(arguments: [1 << 20, 4_096, 777])
    func readsWhatTheGeneralReaderReads(blockSize: Int) throws {
        let files = ["accounts.csv": accounts, "usage_events.csv": events()]
        let expected = try general(files).get()
        let read = try fast(files, blockSize: blockSize).get()
        #expect(read.usageEvents.count == 3_000)
        #expect(read.usageEvents == expected.usageEvents)
        // Spot checks against the text itself.
        #expect(read.usageEvents[1].user == "u1")
        #expect(read.usageEvents[1].durationSeconds == 1.5)
        #expect(read.usageEvents[0].durationSeconds == nil)
        #expect(read.usageEvents[3].account == AccountIndex(1))
        #expect(read.usageEvents[3].occurredAt == (try Timestamp.parse("2024-04-13T03:15:00Z")))
    }

    /// Rows grouped by account, as exports list them, with more users per account and more event names than the
    /// fast path's caches hold (256 and 64 entries): users and names get the indices the general reader gives.
    @Test(arguments: [1 << 20, 1_000])
    func internsUsersAndNamesAsTheGeneralReaderDoes(blockSize: Int) throws {
        var text = "event_id,account_id,user_id,event,occurred_at\n"
        for k in 0..<2_000 {
            // k * 11 mod 300 takes all 300 values within 300 rows, k * 7 mod 101 all 101 within 101 (11 and 7 are
            // coprime to 300 and 101).
            text += "e\(k),\(k < 1_000 ? "a1" : "a2"),user-\(k * 11 % 300),event-\(k * 7 % 101),2024-05-01T10:00:00Z\n"
        }
        let files = ["accounts.csv": accounts, "usage_events.csv": text]
        let expected = try general(files).get().usageEvents
        let read = try fast(files, blockSize: blockSize).get().usageEvents
        #expect(read == expected)
        #expect(read.userIDs == expected.userIDs)
        #expect(read.userAccounts == expected.userAccounts)
        #expect(read.names == expected.names)
        #expect(read.userIDs.count == 600)  // 300 users in each of the 2 accounts
        #expect(read.names.count == 101)
        #expect(Array(read.users.prefix(3)) == [0, 1, 2])  // user-0, user-11, user-22: new users in order
        #expect(read.users[300] == 0)  // user-0 again (row 300 of account a1)
        #expect(read.users[1_000] == 300)  // user-200 of a2, the first of that account: a new user
    }

    @Test(arguments: [1 << 20, 1_000])
    func reportsBadRowsOnTheirLines(blockSize: Int) throws {
        // Line 1 is the header, lines 2-3,002 the 3,000 events and one blank line: appended rows start on line 3,003.
        let bad = """
            evt_x1,zz,u1,login,2024-01-01,\r
            evt_x2,a1,u1,login,2024-13-01,\r
            evt_x3,a1,u1,,2024-01-01,-3\r
            evt_17,a1,u1,login,2024-01-01,ten\r
            evt_20,a1,u1,login,2024-01-01T10:00:00Z,\r

            """
        let files = ["accounts.csv": accounts, "usage_events.csv": events(extraRows: bad)]
        let problems = { (result: Result<Dataset, DatasetLoadError>) -> [String] in
            guard case .failure(let error) = result else { return [] }
            return error.issues.map(\.description)
        }
        let expected = [
            "usage_events.csv:3003: account_id: unknown account 'zz' (not in accounts.csv)",
            "usage_events.csv:3004: occurred_at: '2024-13-01' is not a real calendar date or time",
            "usage_events.csv:3005: duration_seconds: must not be negative",
            "usage_events.csv:3005: event: a value is required",
            "usage_events.csv:3006: duration_seconds: 'ten' is not a number",
            "usage_events.csv:3007: event_id: duplicate event_id 'evt_20' (first on line 22)",
        ]
        #expect(problems(general(files)) == expected)
        #expect(problems(try fast(files, blockSize: blockSize)) == expected)
    }

    /// The usage read starts with accounts.csv's ids read ahead; where they cannot be (here: more columns than the
    /// read-ahead looks at) or are not the reader's, the events are decoded again with the reader's, and the load is
    /// the general reader's all the same.
    @Test func decodesAgainWhenTheAccountIDsCannotBeReadAhead() throws {
        let attributes = (1...70).map { "attribute_\($0)" }
        var wide = "account_id,name," + attributes.joined(separator: ",") + "\n"
        for (id, name) in [("a1", "One"), ("a2", "Two")] {
            wide += "\(id),\(name)," + attributes.map { "\($0)-of-\(id)" }.joined(separator: ",") + "\n"
        }
        #expect(Array(wide.utf8).withUnsafeBufferPointer { AccountIDsReadAhead.read($0) } == nil)
        let files = ["accounts.csv": wide, "usage_events.csv": events()]
        let expected = try general(files).get()
        let read = try fast(files, blockSize: 4_096).get()
        #expect(read.usageEvents.count == 3_000)
        #expect(read.usageEvents == expected.usageEvents)
        #expect(read.accounts.map(\.attributes) == expected.accounts.map(\.attributes))
        #expect(read.accounts[1].attributes["attribute_70"] == "attribute_70-of-a2")
    }

    @Test func readAheadIDsAreTheAccountsInFileOrder() {
        let text = "\u{FEFF}name, Account_ID ,csm\r\nOne, b7 ,x\r\n\r\n\"Two, Inc\",a1,y\r\n"
        let keys = Array(text.utf8).withUnsafeBufferPointer { AccountIDsReadAhead.read($0) }
        #expect(keys?.texts == ["b7", "a1"])
    }

    @Test func quotedFilesTakeTheGeneralPath() throws {
        let text = "event_id,account_id,user_id,event,occurred_at\ne1,a1,\"u, with comma\",login,2024-01-01\n"
        let read = try fast(["accounts.csv": accounts, "usage_events.csv": text], blockSize: 1 << 20).get()
        #expect(read.usageEvents.map(\.user) == ["u, with comma"])
    }

    /// A quote in a late block, found while the blocks before it are still being decoded: the fast path waits for
    /// them and gives the file to the general reader.
    @Test func aQuoteInALateBlockTakesTheGeneralPath() throws {
        let files = [
            "accounts.csv": accounts,
            "usage_events.csv": events(extraRows: "evt_x,a1,\"u, quoted\",login,2024-01-01T00:00:00Z,\r\n"),
        ]
        let read = try fast(files, blockSize: 777).get()
        #expect(read.usageEvents == (try general(files).get()).usageEvents)
        #expect(read.usageEvents.count == 3_001)
        #expect(read.usageEvents[3_000].user == "u, quoted")
    }

    @Test func fastNumbersEqualSwiftsOwnParse() {
        for text in ["0", "-0", "12", "12.5", "0.05", "-3.25", "1e3", "007.250", "123456789012345", "1234567890123456.5",
                     "0.1", "2.675", ".5", "5.", "+4"] {
            var copy = text
            let parsed = copy.withUTF8 { FastNumber.parse($0) }
            #expect(parsed?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for text in ["", ".", "-", "1.2.3", "abc", "1e999", "nan", "inf"] {
            var copy = text
            #expect(copy.withUTF8 { FastNumber.parse($0) } == nil, "\(text)")
        }
    }
}
