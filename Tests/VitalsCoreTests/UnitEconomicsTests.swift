import Testing
import VitalsCore

/// LTV, CAC, trials and purchases, worked by hand.
@Suite struct UnitEconomicsTests {
    /// Ten customers at 100 from December; one churns in February, one in March; two new at 50 in April.
    func company() -> DatasetBuilder {
        var b = DatasetBuilder()
        for i in 0..<10 {
            let a = b.account("c\(i)")
            let to: String? = i == 0 ? "2024-02-10" : (i == 1 ? "2024-03-10" : nil)
            b.subscription(a, 100, from: "2023-12-01", to: to)
        }
        b.subscription(b.account("n1"), 50, from: "2024-04-05")
        b.subscription(b.account("n2"), 50, from: "2024-04-12")
        b.dataset.acquisitionCosts = [
            AcquisitionCost(periodStart: at("2024-04-01"), periodEnd: at("2024-04-30"), amount: usd(600)),
            // 31 days, 16 in March and 15 in April.
            AcquisitionCost(periodStart: at("2024-03-16"), periodEnd: at("2024-04-15"), amount: usd(310)),
        ]
        return b
    }

    @Test func lifetimeValueUsesTheTrailingThreeMonthChurn() {
        let settings = ReportSettings(grossMargin: 0.8)
        let april = company().report(from: "2024-04", through: "2024-04", settings: settings).rows[0]
        // ARPA 900 / 10 = 90; churn (1/10 + 1/9 + 0/8) / 3 = 19/270; LTV = 90 x 0.8 / (19/270) = 19440/19.
        #expect(april.major(.arpa) == 90)
        #expect(close(april.major(.ltv), 19_440.0 / 19.0, tolerance: 1e-6))
    }

    @Test func acquisitionCostIsSpreadByDays() {
        let settings = ReportSettings(grossMargin: 0.8)
        let rows = company().report(from: "2024-03", through: "2024-04", settings: settings).rows
        #expect(rows[0][.cac] == .null)  // 160 spent, no new customer
        #expect(close(rows[1].major(.cac), 375, tolerance: 1e-6))  // (600 + 150) / 2
        #expect(close(rows[1][.ltvToCac].double, 19_440.0 / 19.0 / 375.0, tolerance: 1e-9))
        #expect(close(rows[1][.cacPaybackMonths].double, 9.375))  // 375 / (50 x 0.8)
    }

    @Test func acquisitionCostIsNotDefinedForASegment() throws {
        let filter = try SegmentFilter.parse("account_id != c0", knownAttributes: ["account_id"])
        let april = company().report(from: "2024-04", through: "2024-04", segment: filter).rows[0]
        #expect(april[.cac] == .null)
        #expect(april.major(.mrr) == 900)
    }

    @Test func trialConversionCountsTrialsEndedInThePeriod() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.dataset.trials = [
            Trial(id: "t1", account: a, startedAt: at("2024-04-01"), endsAt: at("2024-04-15"), convertedAt: at("2024-04-10")),
            Trial(id: "t2", account: a, startedAt: at("2024-03-25"), endsAt: at("2024-04-08"), canceledAt: at("2024-04-02")),
            Trial(id: "t3", account: a, startedAt: at("2024-04-20"), endsAt: at("2024-05-04")),
            Trial(id: "t4", account: a, startedAt: at("2024-03-01"), endsAt: at("2024-03-15")),
        ]
        let rows = b.report(from: "2024-03", through: "2024-06").rows
        #expect(rows[0][.trialConversionRate].double == 0)  // t4 expired
        #expect(rows[1][.trialConversionRate].double == 0.5)  // t1 converted, t2 canceled
        #expect(rows[2][.trialConversionRate].double == 0)  // t3 expired
        #expect(rows[3][.trialConversionRate] == .null)
    }

    @Test func repeatPurchaseRateAndFrequency() {
        var b = DatasetBuilder()
        let a = b.account("a")
        let bee = b.account("b")
        let c = b.account("c")
        let orders: [(String, AccountIndex, String)] = [
            ("o1", a, "2024-01-05"), ("o2", a, "2024-03-03"), ("o3", bee, "2024-02-10"), ("o4", c, "2024-03-20"),
            ("o5", c, "2024-03-25"),
        ]
        b.dataset.orders = orders.map { Order(id: OrderID($0.0), account: $0.1, orderedAt: at($0.2), amount: usd(20)) }
        let rows = b.report(from: "2024-01", through: "2024-04").rows
        #expect(rows[0][.repeatPurchaseRate].double == 0)
        #expect(rows[1][.repeatPurchaseRate].double == 0)
        #expect(close(rows[2][.repeatPurchaseRate].double, 2.0 / 3.0))
        #expect(close(rows[3][.repeatPurchaseRate].double, 2.0 / 3.0))
        #expect(rows[1][.purchaseFrequency].double == 1)
        #expect(rows[2][.purchaseFrequency].double == 1.5)  // 3 orders by 2 customers
        #expect(rows[3][.purchaseFrequency] == .null)
    }
}
