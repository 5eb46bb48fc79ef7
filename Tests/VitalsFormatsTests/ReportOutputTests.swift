import Testing
import VitalsCore
import VitalsFormats

@Suite struct ReportOutputTests {
    func report() -> KPIReport {
        var dataset = Dataset()
        let a = dataset.upsert(Account(id: "a", name: "A"))
        dataset.subscriptions = [
            SubscriptionVersion(
                subscriptionID: "s", account: a, product: "Core", amount: Money(minorUnits: 4990, currency: .usd),
                validFrom: Timestamp(year: 2024, month: 1, day: 10))
        ]
        let periods = Period.range(from: CivilDate(year: 2024, month: 1, day: 1), through: CivilDate(year: 2024, month: 2, day: 1), grain: .month)
        return KPICalculator(dataset: dataset, settings: ReportSettings()).report(ReportScope(periods: periods))
    }

    @Test func jsonHasThePeriodsAndKPIsInOrder() {
        let json = ReportJSON.encode(report())
        #expect(json.hasPrefix("{\"currency\":\"USD\",\"grain\":\"month\",\"segment\":null,\"periods\":[{\"period\":\"2024-01\",\"start\":\"2024-01-01\",\"end\":\"2024-02-01\",\"mrr\":49.90,\"arr\":598.80,\"paying_customers\":1,\"arpa\":49.90,\"new_mrr\":49.90,"))
        #expect(json.contains("\"customer_churn_rate\":null"))  // nobody paid at the start of January
        #expect(json.contains("{\"period\":\"2024-02\",\"start\":\"2024-02-01\",\"end\":\"2024-03-01\",\"mrr\":49.90"))
        #expect(json.contains("\"customer_churn_rate\":0,"))
    }

    @Test func tableFormatsValuesForPeople() {
        #expect(ReportTable.format(.number(123_456_789), unit: .money, currency: .usd) == "1,234,567.89")
        #expect(ReportTable.format(.number(0.0523), unit: .rate, currency: .usd) == "5.2%")
        #expect(ReportTable.format(.null, unit: .rate, currency: .usd) == "-")
        #expect(ReportTable.format(.number(1234), unit: .count, currency: .usd) == "1,234")
        let table = ReportTable.render(report(), width: 80)
        #expect(table.contains("2024-01"))
        #expect(table.contains("MRR"))
        #expect(table.contains("49.90"))
    }
}
