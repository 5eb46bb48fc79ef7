import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// A load that checks the usage event ids and then drops them (a report's) must find exactly the repeats a load
/// that keeps them finds, with the same messages, and keep everything else the same.
@Suite struct UsageIDDropTests {
    let accounts = "account_id,name\na1,One\na2,Two\n"

    /// `rows` rows on lines 2..., ids `e1000`, `e1001`... (ascending), but for the given replacements by row.
    func events(rows: Int = 300, ids replaced: [Int: String] = [:], order: [Int]? = nil) -> String {
        var text = "event_id,account_id,user_id,event,occurred_at,duration_seconds\n"
        for k in order ?? Array(0..<rows) {
            let id = replaced[k] ?? "e\(1000 + k)"
            text += "\(id),\(k % 3 == 0 ? "a2" : "a1"),u\(k % 4),\(k % 2 == 0 ? "login" : "export"),"
            text += "2024-05-0\(1 + k % 9)T10:00:00Z,\(k % 5 == 0 ? "" : "\(k).5")\n"
        }
        return text
    }

    func load(
        _ usage: String, blockSize: Int, ids: DatasetLoader.UsageEventIDs, colliding: Bool = false
    ) throws -> Result<Dataset, DatasetLoadError> {
        let path = NSTemporaryDirectory() + "vitals-ids-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try accounts.write(toFile: path + "/accounts.csv", atomically: true, encoding: .utf8)
        try usage.write(toFile: path + "/usage_events.csv", atomically: true, encoding: .utf8)
        return Result { () throws(DatasetLoadError) in
            try DatasetLoader.load(
                directory: path, reportingCurrency: .usd, usageBlockSize: blockSize, usageEventIDs: ids,
                collidingIDHashes: colliding)
        }
    }

    func problems(_ result: Result<Dataset, DatasetLoadError>) -> [String] {
        guard case .failure(let error) = result else { return [] }
        return error.issues.map(\.description)
    }

    @Test(arguments: [1 << 20, 1_000, 333])
    func keepsEverythingButTheIDs(blockSize: Int) throws {
        let kept = try load(events(), blockSize: blockSize, ids: .kept).get().usageEvents
        let dropped = try load(events(), blockSize: blockSize, ids: .checkedThenDropped).get().usageEvents
        #expect(kept.hasIDs)
        #expect(!dropped.hasIDs)
        #expect(dropped.count == 300)
        #expect(dropped.accounts == kept.accounts)
        #expect(dropped.users == kept.users)
        #expect(dropped.nameIndices == kept.nameIndices)
        #expect(dropped.times == kept.times)
        #expect(dropped.durations.map(\.bitPattern) == kept.durations.map(\.bitPattern))
        #expect(dropped.userIDs == kept.userIDs)
        #expect(dropped.names == kept.names)
        // Row 1: a1, u1, export, 2024-05-02T10:00:00Z, 1.5 seconds.
        #expect(dropped.accounts[1] == 0)
        #expect(dropped.userIDs[Int(dropped.users[1])] == "u1")
        #expect(dropped.names[Int(dropped.nameIndices[1])] == "export")
        #expect(dropped.times[1] == 1_714_644_000)
        #expect(dropped.durations[1] == 1.5)
    }

    /// Repeats at the start (row 1 of `e1000`, row 0's), in the middle (row 150 of row 10's) and at the end (row 299
    /// of row 200's), in a file of many blocks; with hashes that all collide too.
    @Test(arguments: [1 << 20, 1_000, 333], [false, true])
    func findsRepeatsAsWhenKept(blockSize: Int, colliding: Bool) throws {
        let usage = events(ids: [1: "e1000", 150: "e1010", 299: "e1200"])
        let expected = [
            "usage_events.csv:3: event_id: duplicate event_id 'e1000' (first on line 2)",
            "usage_events.csv:152: event_id: duplicate event_id 'e1010' (first on line 12)",
            "usage_events.csv:301: event_id: duplicate event_id 'e1200' (first on line 202)",
        ]
        #expect(problems(try load(usage, blockSize: blockSize, ids: .kept)) == expected)
        #expect(problems(try load(usage, blockSize: blockSize, ids: .checkedThenDropped, colliding: colliding)) == expected)
    }

    /// Distinct ids out of order (rows written last to first) whose hashes all collide: no repeat.
    @Test(arguments: [1 << 20, 1_000, 333])
    func collidingHashesAreNoRepeats(blockSize: Int) throws {
        let usage = events(order: Array((0..<300).reversed()))
        let loaded = try load(usage, blockSize: blockSize, ids: .checkedThenDropped, colliding: true).get()
        #expect(loaded.usageEvents.count == 300)
        #expect(!loaded.usageEvents.hasIDs)
        #expect(loaded.usageEvents.times[0] == 1_714_730_400)  // row 299: 2024-05-03T10:00:00Z
    }

    /// The digest: ascending ids need no hashes; ids out of order anywhere (across block and piece ends too) need
    /// them, and colliding ones may repeat.
    @Test func digestTellsWhenIDsMayRepeat() throws {
        let path = NSTemporaryDirectory() + "vitals-digest-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var keys = StringInterner(expected: 4)
        _ = keys.index(of: "a1")
        _ = keys.index(of: "a2")
        func digest(_ usage: String, blockSize: Int, colliding: Bool = false) throws -> UsageIDDigest {
            try usage.write(toFile: path, atomically: true, encoding: .utf8)
            let ids = UsageEventsFastCSV.IDHandling(keep: false, colliding: colliding)
            return try #require(UsageEventsFastCSV.read(path: path, accounts: keys, blockSize: blockSize, ids: ids)?.idDigest)
        }
        let ascending = try digest(events(), blockSize: 500)
        #expect(ascending.ascending)
        #expect(!ascending.mayRepeat(parallelism: 2))
        #expect(!(try digest(events(), blockSize: 500, colliding: true).mayRepeat(parallelism: 2)))
        // Rows 299...0: out of order, distinct.
        let reversed = try digest(events(order: Array((0..<300).reversed())), blockSize: 500)
        #expect(!reversed.ascending)
        #expect(!reversed.mayRepeat(parallelism: 2))
        #expect(try digest(events(order: Array((0..<300).reversed())), blockSize: 500, colliding: true).mayRepeat(parallelism: 2))
        // One pair of neighbours swapped, wherever it falls among the blocks (rows 0-11 are the first, then about
        // 12 rows each). Swapped in the first block, every hash is kept; after it, those of the first block are not,
        // so the ids may repeat as far as the digest knows.
        for k in 1..<40 {
            var order = Array(0..<300)
            order.swapAt(k - 1, k)
            let swapped = try digest(events(order: order), blockSize: 500)
            #expect(!swapped.ascending, "rows \(k - 1) and \(k) swapped")
            if k < 11 {
                #expect(swapped.complete && swapped.hashes.count == 300 && !swapped.mayRepeat(parallelism: 2))
            } else if k > 13 {
                #expect(!swapped.complete && swapped.hashes.isEmpty && swapped.mayRepeat(parallelism: 2))
            }
        }
    }

    /// One block of 3,000 rows (about 130 kB) read as two pieces on two cores: the first ascends, the second does
    /// not (a repeat of row 5 in row 2,999, or rows 2,997 and 2,998 swapped), so the hashes of the first are computed
    /// when the second's are.
    @Test(arguments: [false, true])
    func hashesAPieceThatAscendsBesideOneThatDoesNot(colliding: Bool) throws {
        let repeated = events(rows: 3_000, ids: [2_999: "e1005"])
        #expect(
            problems(try load(repeated, blockSize: 1 << 20, ids: .checkedThenDropped, colliding: colliding)) == [
                "usage_events.csv:3001: event_id: duplicate event_id 'e1005' (first on line 7)"
            ])
        var order = Array(0..<3_000)
        order.swapAt(2_997, 2_998)
        let loaded = try load(events(rows: 3_000, order: order), blockSize: 1 << 20, ids: .checkedThenDropped).get()
        #expect(loaded.usageEvents.count == 3_000 && !loaded.usageEvents.hasIDs)
    }

    /// Ids that ascend through the first block and then repeat (rows 150 and 299): found by reading the file again.
    @Test(arguments: [1_000, 333])
    func findsRepeatsAfterAnAscendingFirstBlock(blockSize: Int) throws {
        let usage = events(ids: [150: "e1010", 299: "e1200"])
        let expected = [
            "usage_events.csv:152: event_id: duplicate event_id 'e1010' (first on line 12)",
            "usage_events.csv:301: event_id: duplicate event_id 'e1200' (first on line 202)",
        ]
        #expect(problems(try load(usage, blockSize: blockSize, ids: .checkedThenDropped)) == expected)
        // Distinct ids out of order after the first block: read again, and no repeat.
        var order = Array(0..<300)
        order.swapAt(200, 201)
        let loaded = try load(events(order: order), blockSize: blockSize, ids: .checkedThenDropped).get()
        #expect(loaded.usageEvents.count == 300 && !loaded.usageEvents.hasIDs)
    }

    /// Without ids, reading them is a programming error that stops, not an empty answer.
    @Test func readingDroppedIDsStops() async {
        await #expect(processExitsWith: .failure) {
            var log = UsageLog()
            log.dropIDs()
            log.withIDBytes { _, _ in }
        }
    }
}
