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

    @Test func chunksGiveTheSameTableAsOnePass() {
        for grouped in [true, false] {
            let events = events(accounts: 60, grouped: grouped)
            let one = UsageTable(events: events, accountCount: 60, chunkLength: .max)
            let four = UsageTable(events: events, accountCount: 60, chunkLength: events.count / 4)
            #expect(one.userCount == 60 * 4)
            #expect(four.userCount == one.userCount)
            // Indices follow first appearance, whatever the split.
            #expect(four.offsets == one.offsets)
            #expect(four.names == one.names)
            #expect(four.records == one.records)
            // Within an account, records are in day order and users stay within their account.
            for table in [one, four] {
                var owner: [Int32: Int] = [:]
                for a in 0..<60 {
                    let records = table.records[table.offsets[a]..<table.offsets[a + 1]]
                    #expect(zip(records, records.dropFirst()).allSatisfy { $0.day <= $1.day })
                    for r in records { #expect(owner.updateValue(a, forKey: r.user) ?? a == a) }
                }
            }
        }
    }

    @Test func chunkedAdoptionEqualsSinglePass() {
        let periods = Period.range(
            from: CivilDate(year: 2024, month: 1, day: 1), through: CivilDate(year: 2024, month: 3, day: 31),
            grain: .month)
        let groupOf = (0..<40).map { Int32($0 % 3 == 0 ? -1 : $0 % 2) }
        for grouped in [true, false] {
            let events = events(accounts: 40, grouped: grouped)
            let one = AdoptionKPIs(
                usage: UsageTable(events: events, accountCount: 40, chunkLength: .max), periods: periods,
                groupOf: groupOf, groupCount: 2)
            let three = AdoptionKPIs(
                usage: UsageTable(events: events, accountCount: 40, chunkLength: events.count / 3), periods: periods,
                groupOf: groupOf, groupCount: 2)
            for g in 0..<2 {
                for p in 0..<3 {
                    var a: [KPI: KPIValue] = [:]
                    var b: [KPI: KPIValue] = [:]
                    one.write(into: &a, group: g, period: p)
                    three.write(into: &b, group: g, period: p)
                    #expect(a == b)
                    #expect(a[.activeUsers] != .number(0))
                }
            }
        }
    }
}
