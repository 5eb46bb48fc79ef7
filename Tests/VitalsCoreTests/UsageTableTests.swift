import Testing

@testable import VitalsCore

/// The string interning and the usage records behind the adoption KPIs.
@Suite struct UsageTableTests {
    @Test func internerGivesDenseIndicesByBytesAndTag() {
        var interner = StringInterner()
        let long = "integration_connected_from_the_settings_page"
        #expect(interner.index(of: "login") == 0)
        #expect(interner.index(of: "login", tag: 7) == 1)  // another tag: another entry
        #expect(interner.index(of: "") == 2)
        #expect(interner.index(of: long) == 3)
        #expect(interner.index(of: "login") == 0)
        // The same text in separate storage (a long string built at run time) is the same entry.
        let rebuilt = String(long.prefix(11)) + String(long.dropFirst(11))
        #expect(interner.index(of: rebuilt) == 3)
        #expect(interner.index(of: "integration_connected_from_the_settings_pagf") == 4)
        // Texts of 15 and 16 bytes sit either side of the inline-key limit.
        #expect(interner.index(of: "abcdefghijklmno") == 5)
        #expect(interner.index(of: "abcdefghijklmnop") == 6)
        #expect(interner.index(of: "abcdefghijklmno") == 5)
        #expect(interner.texts == ["login", "login", "", long, "integration_connected_from_the_settings_pagf",
                                   "abcdefghijklmno", "abcdefghijklmnop"])
        #expect(interner.tags == [0, 7, 0, 0, 0, 0, 0])
    }

    @Test func internerGrowsWithoutLosingEntries() {
        var interner = StringInterner()
        for k in 0..<5_000 { #expect(interner.index(of: "user-\(k)", tag: Int32(k % 3)) == Int32(k)) }
        for k in stride(from: 4_999, through: 0, by: -7) {
            #expect(interner.index(of: "user-\(k)", tag: Int32(k % 3)) == Int32(k))
        }
        #expect(interner.count == 5_000)
    }

    /// An interner handed its texts (as a snapshot's users are) finds them at their positions once it is first asked,
    /// and goes on numbering after them.
    @Test func internerHandedItsTextsFindsThemWhenAsked() {
        let long = "a_user_id_longer_than_fifteen_bytes"
        var interner = StringInterner(texts: ["u1", "u2", long, "u1"], tags: [0, 0, 3, 5])
        #expect(interner.count == 4)
        #expect("u2".utf8.withContiguousStorageIfAvailable { interner.find($0) } == 1)
        #expect(long.utf8.withContiguousStorageIfAvailable { interner.find($0, tag: 3) } == 2)
        #expect(long.utf8.withContiguousStorageIfAvailable { interner.find($0) } == Optional<Int32>.none)
        #expect(interner.index(of: "u1", tag: 5) == 3)
        #expect(interner.index(of: "u1") == 0)
        #expect(interner.index(of: long, tag: 3) == 2)
        #expect(interner.index(of: "u3") == 4)
        for k in 0..<100 { #expect(interner.index(of: "v\(k)") == Int32(5 + k)) }  // grows past its first table
        #expect(interner.index(of: "u2") == 1)
        #expect(interner.texts.prefix(5) == ["u1", "u2", long, "u1", "u3"])
        #expect(interner.tags.prefix(5) == [0, 0, 3, 5, 0])
    }

    /// Events of `accounts` accounts with a few users each over 90 days; `grouped` puts each account's events together
    /// in time order, otherwise they are interleaved by time as a tracker would export them.
    func events(accounts: Int, grouped: Bool) -> [UsageEvent] {
        var events: [UsageEvent] = []
        let names = ["login", "report_viewed", "a_rather_long_event_name_indeed"]
        for a in 0..<accounts {
            for k in 0..<(20 + a % 7) {
                let day = (k * 37 + a * 11) % 90
                events.append(
                    UsageEvent(
                        id: UsageEventID("e\(a)-\(k)"), account: AccountIndex(a), user: UserID("u\((k * 5 + a) % 4)"),
                        event: names[(k + a) % 3], occurredAt: Timestamp(year: 2024, month: 1, day: 1).adding(days: day),
                        durationSeconds: Double(k)))
            }
        }
        if grouped {
            events.sort { ($0.account, $0.occurredAt) < ($1.account, $1.occurredAt) }
        } else {
            events.sort { ($0.occurredAt, $0.id) < ($1.occurredAt, $1.id) }
        }
        return events
    }

    @Test func tableOrdersEachAccountByDayWithUsersKeptToTheirAccount() {
        let grouped = UsageTable(log: UsageLog(events(accounts: 60, grouped: true)), accountCount: 60)
        let interleaved = UsageTable(log: UsageLog(events(accounts: 60, grouped: false)), accountCount: 60)
        // Four user ids per account, and the same id in two accounts is two users.
        #expect(grouped.userCount == 60 * 4)
        #expect(interleaved.userCount == 60 * 4)
        #expect(interleaved.offsets == grouped.offsets)
        #expect(Set(interleaved.names) == Set(grouped.names))
        for table in [grouped, interleaved] {
            var owner: [Int32: Int] = [:]
            for a in 0..<60 {
                let records = Array(table.records[table.offsets[a]..<table.offsets[a + 1]])
                #expect(records.count == 20 + a % 7)
                #expect(zip(records, records.dropFirst()).allSatisfy { $0.day <= $1.day })
                for r in records { #expect(owner.updateValue(a, forKey: r.user) ?? a == a) }
            }
        }
    }

    /// A log in (account, day) order is read in place; its records are those a copy would hold.
    @Test func orderedLogIsReadInPlace() {
        let day = Timestamp(year: 2024, month: 1, day: 1)  // day 19,723 since 1970-01-01
        func event(_ id: String, _ account: Int, _ user: String, _ name: String, _ at: Timestamp, _ seconds: Double?)
            -> UsageEvent
        {
            UsageEvent(
                id: UsageEventID(id), account: AccountIndex(account), user: UserID(user), event: name, occurredAt: at,
                durationSeconds: seconds)
        }
        let log = UsageLog([
            event("e1", 0, "x", "login", day.adding(seconds: 36_000), 30),
            event("e2", 0, "y", "view", day.adding(days: 1), nil),
            event("e3", 1, "x", "login", day, 1.5),
        ])
        let table = UsageTable(log: log, accountCount: 2)
        guard case .log = table.records.storage else {
            Issue.record("an ordered log is copied")
            return
        }
        #expect(table.offsets == [0, 2, 3])
        #expect(
            Array(table.records) == [
                UsageRecord(day: 19_723, user: 0, name: 0, seconds: 30),
                UsageRecord(day: 19_724, user: 1, name: 1, seconds: 0),
                UsageRecord(day: 19_723, user: 2, name: 0, seconds: 1.5),
            ])
        // The same events out of order are copied into the same records.
        let shuffled = UsageTable(log: UsageLog([log[2], log[1], log[0]]), accountCount: 2)
        guard case .copied = shuffled.records.storage else {
            Issue.record("a log out of order is read in place")
            return
        }
        #expect(shuffled.records.map(\.day) == [19_723, 19_724, 19_723])
        #expect(shuffled.records.map(\.seconds) == [30, 0, 1.5])
    }

    @Test func adoptionDoesNotDependOnTheOrderEventsArriveIn() {
        let periods = Period.range(
            from: CivilDate(year: 2024, month: 1, day: 1), through: CivilDate(year: 2024, month: 3, day: 31),
            grain: .month)
        let groupOf = (0..<40).map { Int32($0 % 3 == 0 ? -1 : $0 % 2) }
        let byAccount = AdoptionKPIs(
            usage: UsageTable(log: UsageLog(events(accounts: 40, grouped: true)), accountCount: 40), periods: periods,
            groupOf: groupOf, groupCount: 2)
        let byTime = AdoptionKPIs(
            usage: UsageTable(log: UsageLog(events(accounts: 40, grouped: false)), accountCount: 40), periods: periods,
            groupOf: groupOf, groupCount: 2)
        for g in 0..<2 {
            for p in 0..<3 {
                var a: [KPI: KPIValue] = [:]
                var b: [KPI: KPIValue] = [:]
                byAccount.write(into: &a, group: g, period: p)
                byTime.write(into: &b, group: g, period: p)
                #expect(a == b)
                #expect(a[.activeUsers] != .number(0))
            }
        }
    }

    @Test func logKeepsEveryFieldOfAnEvent() {
        let event = UsageEvent(
            id: "evt-ü-1", account: AccountIndex(3), user: "user@example.com", event: "report_exported",
            occurredAt: Timestamp(seconds: 1_700_000_123), durationSeconds: 12.5, properties: ["page": "/home"])
        let bare = UsageEvent(
            id: "e2", account: AccountIndex(1), user: "u", event: "login", occurredAt: Timestamp(seconds: -5))
        var log = UsageLog([event, bare])
        #expect(log[0] == event)
        #expect(log[1] == bare)
        #expect(log.userIDs == ["user@example.com", "u"])
        #expect(log.userAccounts == [3, 1])
        log.swapAt(0, 1)
        #expect(Array(log) == [bare, event])
        #expect(log.id(at: 1) == "evt-ü-1")
    }

    @Test func duplicateIDsAreFoundWithTheirFirstOccurrence() {
        func log(_ ids: [String]) -> UsageLog {
            UsageLog(ids.map { UsageEvent(id: UsageEventID($0), account: AccountIndex(0), user: "u", event: "e",
                                          occurredAt: Timestamp(seconds: 0)) })
        }
        #expect(log(["a", "b", "c"]).duplicateIDs().isEmpty)
        let found = log(["a", "b", "a", "c", "b", "a", "a_rather_long_identifier_of_40_bytes_xx", "a_rather_long_identifier_of_40_bytes_xx"]).duplicateIDs()
        #expect(found.map(\.duplicate) == [2, 4, 5, 7])
        #expect(found.map(\.first) == [0, 1, 0, 6])
        // Large enough to be split into partitions: ids 0..<100000, then repeats of 17 and 99999.
        var ids = (0..<100_000).map { "evt_\($0)" }
        ids += ["evt_17", "evt_99999"]
        let large = log(ids).duplicateIDs()
        #expect(large.map(\.duplicate) == [100_000, 100_001])
        #expect(large.map(\.first) == [17, 99_999])
    }
}
