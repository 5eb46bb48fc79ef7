import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// The fast path for subscriptions.csv reads what the general reader reads (versions and their lines), and leaves
/// every file with a problem to it, so the messages are the general reader's.
@Suite struct SubscriptionsFastPathTests {
    let harness = FastPathHarness()

    /// Reads `text` by the fast path: the versions and their lines, `nil` when it gave up.
    func fast(_ text: String) -> (versions: [SubscriptionVersion], lines: [Int])? {
        harness.fast("subscriptions.csv", text).map { ($0.dataset.subscriptions, $0.subscriptionLines) }
    }

    /// Reads `text` by the general reader.
    func general(_ text: String) -> (versions: [SubscriptionVersion], lines: [Int]) {
        let reader = harness.general("subscriptions.csv", text)
        return (reader.dataset.subscriptions, reader.subscriptionLines)
    }

    /// The problems `DatasetLoader` reports for these subscriptions.
    func problems(_ subscriptions: String) -> [String] { harness.problems(["subscriptions.csv": subscriptions]) }

    let header = "subscription_id,account_id,product,plan,amount,currency,interval,interval_count,quantity,"
        + "discount_percent,discount_amount,status,valid_from,valid_to\n"

    @Test func renewalDatesAndCancelReasonsReadAsTheGeneralReaderReadsThem() throws {
        let text = "subscription_id,account_id,product,amount,currency,interval,valid_from,valid_to,renews_at,cancel_reason\n"
            + "s1,a1,Core,1200,USD,year,2024-01-01,,2025-03-01,\n"
            + "s2,a2,Core,100,USD,month,2024-01-01,2024-06-01,,too_expensive\n"
        let read = try #require(fast(text))
        #expect(read.versions == general(text).versions)
        #expect(read.versions.map(\.renewsAt) == [Timestamp(year: 2025, month: 3, day: 1), nil])
        #expect(read.versions.map(\.cancelReason) == [nil, "too_expensive"])
        // A renewal date not after valid_from, or a reason too long: the general reader reads the file and says where.
        #expect(fast(text.replacingOccurrences(of: ",2025-03-01,", with: ",2023-03-01,")) == nil)
        #expect(fast(text.replacingOccurrences(of: "too_expensive", with: String(repeating: "x", count: 201))) == nil)
    }

    @Test func versionsReadAsTheGeneralReaderReadsThem() throws {
        // A byte-order mark, CRLF, a blank line, padded fields, a quoted plan over two lines (the lines after it
        // move down one), upper-case codes, a currency with a rate, and the optional columns given or left out.
        let text = "\u{FEFF}" + header.replacingOccurrences(of: "\n", with: "\r\n")
            + "s1, a1 ,Core,\"Pro,\nannual\",1200.00,USD,YEAR,,,,,,2024-01-01,2024-07-01\r\n"
            + "\r\n"
            + "s1,a1,Core,Pro,1300,usd,year,1,3,10,5.50,ACTIVE,2024-07-01T00:00:00Z,\r\n"
            + "s2,a2,Seats,,49.90,EUR,month,3,,,,past_due,2024-02-15,\r\n"
        let read = try #require(fast(text))
        let expected = general(text)
        #expect(read.versions == expected.versions)
        #expect(read.lines == expected.lines)
        #expect(read.lines == [2, 5, 6])
        let v = read.versions
        #expect(v.count == 3)
        #expect(v[0].subscriptionID == SubscriptionID("s1") && v[0].account == AccountIndex(0))
        #expect(v[0].plan == "Pro,\nannual" && v[0].amount == Money(minorUnits: 120_000, currency: .usd))
        #expect(v[0].interval == .year && v[0].intervalCount == 1 && v[0].quantity == 1 && v[0].status == .active)
        #expect(v[0].validTo == (try Timestamp.parse("2024-07-01")))
        #expect(v[1].quantity == 3 && v[1].discountPercent == 10 && v[1].discountAmount == 550 && v[1].validTo == nil)
        #expect(v[2].account == AccountIndex(1) && v[2].plan == nil && v[2].amount == Money(minorUnits: 4_990, currency: .eur))
        #expect(v[2].interval == .month && v[2].intervalCount == 3 && v[2].status == .pastDue)
    }

    @Test func badVersionsGoToTheGeneralReader() {
        let rows = [
            "s1,a1,Core,,10,USD,month,,,,,,2024-01-01,",  // fine
            "s2,zz,Core,,10,USD,month,,,,,,2024-01-01,",
            "s3,a1,Core,,10.001,USD,month,,,,,,2024-01-01,",
            "s4,a1,Core,,10,GBP,fortnight,,,,,,2024-01-01,",
            "s5,a1,Core,,10,USD,month,0,,150,-1,,2024-01-01,",
            "s6,a1,Core,,10,USD,month,,,,,gone,2024-02-01,2024-01-01",
            "s1,a2,Core,,10,USD,month,,,,,,2024-03-01,",
        ]
        let text = header + rows.joined(separator: "\n") + "\n"
        #expect(fast(text) == nil)
        #expect(
            problems(text) == [
                "subscriptions.csv:3: account_id: unknown account 'zz' (not in accounts.csv)",
                "subscriptions.csv:4: amount: '10.001' has more than 2 decimal places, the most USD allows",
                "subscriptions.csv:5: currency: no rate for GBP in fx_rates.csv (the reporting currency is USD)",
                "subscriptions.csv:5: interval: 'fortnight' is not one of day, week, month, year",
                "subscriptions.csv:6: interval_count: 0 is outside 1...1000",
                "subscriptions.csv:6: discount_percent: 150.0 is outside 0...100",
                "subscriptions.csv:6: discount_amount: must not be negative",
                "subscriptions.csv:7: status: 'gone' is not one of active, trialing, past_due, paused",
                "subscriptions.csv:7: valid_to: must be after valid_from (2024-02-01)",
                "subscriptions.csv:8: account_id: subscription 's1' belongs to account 'a1' (line 2)",
            ])
    }

    /// The fast path keeps each version's line: the overlap check that follows the files names the right ones,
    /// past a plan that spans two lines.
    @Test func overlapsNameTheLinesOfTheFile() throws {
        let text = header
            + "s1,a1,Core,\"Pro\nannual\",10,USD,month,,,,,,2024-01-01,2024-03-01\n"
            + "s1,a1,Core,,12,USD,month,,,,,,2024-02-01,\n"
        #expect(fast(text)?.lines == [2, 4])
        let found = problems(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(
            "subscriptions.csv:4: valid_from: version of 's1' / 'Core' starting 2024-02-01 overlaps the one on line 2")
            == true)
    }
}
