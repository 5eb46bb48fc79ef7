import Foundation
import VitalsCore

/// The CDNOW sample of Fader and Hardie, as shipped in the lifetimes package (lifetimes/datasets/): 2,357 customers who
/// first bought in Q1 1997, with their purchases to mid-1998. See Tests/Fixtures/cdnow/README.md.
enum CDNOW {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cdnow")

    /// The 39-week calibration period ends on 1997-09-30 (T = 38.86 weeks for a customer who first bought on 1 Jan).
    static let calibrationEnd = CivilDate(year: 1997, month: 9, day: 30)

    /// The published summary (cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar), by customer id.
    static let summary: [CustomerRFM] = {
        let text = try! String(contentsOf: directory.appendingPathComponent("cdnow_customers_summary_with_transactions.csv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",").map { String($0) }
            return CustomerRFM(
                account: AccountIndex(Int(f[0])! - 1), frequency: Int(f[1])!, recency: Double(f[2])!, age: Double(f[3])!,
                monetaryValue: Double(f[4])!)
        }
    }()

    /// The raw purchases (CDNOW_sample.txt: master id, customer id 1...2357, yyyymmdd, CDs, dollars) as orders, with
    /// account index = customer id - 1.
    static let orders: [Order] = {
        let text = try! String(contentsOf: directory.appendingPathComponent("CDNOW_sample.txt"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).enumerated().map { n, line in
            let f = line.split(separator: " ")
            let ymd = Int(f[2])!
            return Order(
                id: OrderID("o\(n)"), account: AccountIndex(Int(f[1])! - 1),
                orderedAt: Timestamp(year: ymd / 10_000, month: ymd / 100 % 100, day: ymd % 100),
                amount: try! Money.parse(f[4], currency: .usd))
        }
    }()

    static let fx = FxTable(reportingCurrency: .usd, rates: [])
}

/// |a - b| <= tolerance x max(1, |b|).
func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}

/// Equal to `significant` significant digits: |a - b| at most half a unit in the last digit of `b`.
func sameSignificantDigits(_ a: Double, _ b: Double, _ significant: Int = 3) -> Bool {
    let exponent = Int((log10(abs(b))).rounded(.down)) - (significant - 1)
    return abs(a - b) <= 0.5 * pow(10, Double(exponent)) + 1e-12
}
