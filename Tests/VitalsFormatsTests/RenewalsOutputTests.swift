import Testing
import VitalsCore

@testable import VitalsFormats

/// `vitals renewals --json` and its table: one object per renewal, money in major units, a pending renewal's ARR
/// after as null.
@Suite struct RenewalsOutputTests {
    static let rows = [
        RenewalListing.Row(
            renewal: Renewal(
                account: AccountIndex(0), subscriptionID: "sA", product: "Core", dueAt: Timestamp(year: 2025, month: 1, day: 1),
                arrBefore: 1_200_000, arrAfter: 1_500_000, outcome: .expanded),
            accountID: "A", accountName: "Acme", owner: "ana", band: .green, likelihood: nil),
        RenewalListing.Row(
            renewal: Renewal(
                account: AccountIndex(1), subscriptionID: "sE", product: "Core", dueAt: Timestamp(year: 2025, month: 6, day: 20),
                arrBefore: 120_000, arrAfter: nil, outcome: .pending),
            accountID: "E", accountName: "Echo", owner: nil, band: nil, likelihood: nil),
    ]

    @Test func jsonHasARenewalsArray() {
        let json = RenewalsOutput.json(
            Self.rows, asOf: Timestamp(year: 2025, month: 7, day: 1), currency: .usd, calls: ["sA|Core|1735689600": "commit"])
        // 2025-01-01T00:00:00Z = 20,089 days x 86,400 s = 1,735,689,600 s.
        #expect(json.hasPrefix(#"{"as_of":"2025-07-01","currency":"USD","total":2,"renewals":[{"key":"sA|Core|1735689600","account_id":"A","#))
        #expect(json.contains(#""arr_before":12000.00,"arr_after":15000.00,"outcome":"expanded","health_band":"green","owner":"ana","likelihood":null,"forecast":"commit"}"#))
        #expect(json.contains(#""arr_before":1200.00,"arr_after":null,"outcome":"pending","health_band":null,"owner":null"#))
    }

    @Test func theTableLinesUpTheColumns() {
        let lines = RenewalsOutput.table(Self.rows, currency: .usd).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == "A        sA            Core     2025-01-01   12,000.00  15,000.00  expanded  green   ana")
        #expect(lines[2] == "E        sE            Core     2025-06-20    1,200.00          -  pending   -       -")
    }
}
