import Testing
import VitalsCore

/// Worked examples from the KPI literature (issue 2), computed by hand.
@Suite struct RevenueKPITests {
    @Test func customerAndGrossRevenueChurn() {
        // Three customers with MRR 70, 20 and 10; the first churns.
        var b = DatasetBuilder()
        b.subscription(b.account("a"), 70, from: "2024-01-01", to: "2024-02-15")
        b.subscription(b.account("b"), 20, from: "2024-01-01")
        b.subscription(b.account("c"), 10, from: "2024-01-01")
        let feb = b.report(from: "2024-02", through: "2024-02").rows[0]
        #expect(close(feb[.customerChurnRate].double, 1.0 / 3.0))  // 33.3 %
        #expect(close(feb[.customerRetentionRate].double, 2.0 / 3.0))
        #expect(close(feb[.grossRevenueChurnRate].double, 0.70))  // 70 %
        #expect(feb.major(.mrr) == 30)
        #expect(feb.major(.arr) == 360)
        #expect(feb.major(.churnedMRR) == 70)
        #expect(feb.major(.payingCustomers) == 2)
        #expect(feb.major(.arpa) == 15)
        #expect(feb.major(.churnedCustomers) == 1)
        #expect(close(feb[.grr].double, 0.30))
    }

    @Test func grossAndNetRevenueChurn() {
        // Start MRR 100; churn 10, contraction 10, expansion 10.
        var b = DatasetBuilder()
        b.subscription(b.account("a"), 10, from: "2024-01-01", to: "2024-02-05")
        let bee = b.account("b")
        b.subscription(bee, 40, from: "2024-01-01", to: "2024-02-10", id: "sub_b")
        b.subscription(bee, 30, from: "2024-02-10", id: "sub_b")
        let c = b.account("c")
        b.subscription(c, 50, from: "2024-01-01", to: "2024-02-20", id: "sub_c")
        b.subscription(c, 60, from: "2024-02-20", id: "sub_c")
        let feb = b.report(from: "2024-02", through: "2024-02").rows[0]
        #expect(close(feb[.grossRevenueChurnRate].double, 0.20))
        #expect(close(feb[.netRevenueChurnRate].double, 0.10))
        #expect(close(feb[.expansionRate].double, 0.10))
        #expect(close(feb[.grr].double, 0.80))
        #expect(close(feb[.nrrPeriod].double, 0.90))
        #expect(close(feb[.quickRatio].double, 0.5))  // (0 + 10 + 0) / (10 + 10)
        #expect(feb.major(.mrr) == 90)
        #expect(feb.major(.netNewMRR) == -10)
        #expect(feb.major(.expansionMRR) == 10)
        #expect(feb.major(.contractionMRR) == 10)
    }

    @Test func netRevenueRetentionOverTwelveMonths() {
        // Four customers paid 100, 100, 80, 80 a year ago and pay 100, 120, 60, 0 now; a fifth joined since.
        var b = DatasetBuilder()
        b.subscription(b.account("a"), 100, from: "2023-06-01")
        let bee = b.account("b")
        b.subscription(bee, 100, from: "2023-06-01", to: "2024-06-01", id: "sub_b")
        b.subscription(bee, 120, from: "2024-06-01", id: "sub_b")
        let c = b.account("c")
        b.subscription(c, 80, from: "2023-06-01", to: "2024-05-01", id: "sub_c")
        b.subscription(c, 60, from: "2024-05-01", id: "sub_c")
        b.subscription(b.account("d"), 80, from: "2023-06-01", to: "2024-09-01")
        b.subscription(b.account("e"), 500, from: "2024-03-01")
        let dec = b.report(from: "2024-12", through: "2024-12").rows[0]
        #expect(close(dec[.nrr].double, 280.0 / 360.0))  // 77.8 %
        let year = b.report(from: "2024", through: "2024", grain: .year).rows[0]
        #expect(close(year[.nrr].double, 280.0 / 360.0))
        #expect(close(year[.nrrPeriod].double, 280.0 / 360.0))
        #expect(year.major(.newMRR) == 500)
    }

    @Test func movementsAreClassifiedPerChange() {
        var b = DatasetBuilder()
        let x = b.account("x")
        b.subscription(x, 50, from: "2024-01-05", to: "2024-02-10")
        b.subscription(x, 70, from: "2024-02-20")
        let rows = b.report(from: "2024-01", through: "2024-02").rows
        #expect(rows[0].major(.newMRR) == 50)
        #expect(rows[0].major(.newCustomers) == 1)
        #expect(rows[1].major(.churnedMRR) == 50)
        #expect(rows[1].major(.reactivationMRR) == 70)
        #expect(rows[1].major(.newCustomers) == 0)
        // Paying at start and at end: not a churned customer, and the start cohort grew (negative churn).
        #expect(rows[1][.customerChurnRate].double == 0)
        #expect(close(rows[1][.netRevenueChurnRate].double, -0.4))
        #expect(close(rows[1][.nrrPeriod].double, 1.4))
    }

    @Test func aChangeAtAPeriodsFirstInstantBelongsToThatPeriod() {
        var b = DatasetBuilder()
        b.subscription(b.account("a"), 100, from: "2024-03-01T00:00:00Z", to: "2024-04-01")
        let rows = b.report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0].major(.mrr) == 0)
        #expect(rows[0].major(.newMRR) == 0)
        #expect(rows[1].major(.newMRR) == 100)
        #expect(rows[1].major(.mrr) == 100)
        #expect(rows[1].major(.churnedMRR) == 0)
        #expect(rows[2].major(.churnedMRR) == 100)
        #expect(rows[2].major(.mrr) == 0)
    }

    @Test func simultaneousChangesAreOneMovement() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-03-15", id: "s1")
        b.subscription(a, 150, from: "2024-03-15", id: "s1")
        let swap = b.account("swap")
        b.subscription(swap, 100, from: "2024-01-01", to: "2024-03-15", product: "Core", id: "s2")
        b.subscription(swap, 100, from: "2024-03-15", product: "Analytics", id: "s3")
        let march = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(march.major(.expansionMRR) == 50)
        #expect(march.major(.churnedMRR) == 0)
        #expect(march.major(.newMRR) == 0)
        #expect(march.major(.contractionMRR) == 0)
        #expect(close(march[.crossSellRate].double, 0))
        #expect(close(march[.upsellRate].double, 0.5))
    }

    @Test func upsellAndCrossSell() {
        var b = DatasetBuilder()
        let u = b.account("u")
        b.subscription(u, 100, from: "2024-01-01", to: "2024-04-10", id: "su")
        b.subscription(u, 150, from: "2024-04-10", id: "su")
        let v = b.account("v")
        b.subscription(v, 100, from: "2024-01-01", product: "Core")
        b.subscription(v, 30, from: "2024-04-05", product: "Analytics")
        b.subscription(b.account("w"), 100, from: "2024-01-01")
        // A new customer expanding in its first month is not in the start cohort.
        let n = b.account("n")
        b.subscription(n, 10, from: "2024-04-02", to: "2024-04-20", id: "sn")
        b.subscription(n, 20, from: "2024-04-20", id: "sn")
        let april = b.report(from: "2024-04", through: "2024-04").rows[0]
        #expect(close(april[.upsellRate].double, 1.0 / 3.0))
        #expect(close(april[.crossSellRate].double, 1.0 / 3.0))
        #expect(april.major(.expansionMRR) == 90)
        #expect(close(april[.expansionRate].double, 80.0 / 300.0))
    }

    /// ChartMogul's standard Net MRR Churn Rate counts every movement of the period; the cohort form only the start
    /// cohort's. Worked by hand, February 2024:
    /// a (cohort) 100 → 80 on the 10th: contraction 20; d (cohort) 50 → 0 on the 25th: churn 50;
    /// b is new on the 5th at 50 and expands to 70 on the 15th: new 50, expansion 20 (not the cohort's);
    /// c paid 40 in December, nothing in January, returns on the 20th at 30: reactivation 30 (not the cohort's).
    /// MRR at start = 100 + 50 = 150.
    /// net_revenue_churn_rate = (50 + 20 - 20 - 30) / 150 = 20 / 150; cohort form = (50 + 20 - 0 - 0) / 150 = 70 / 150,
    /// and nrr_period = cohort MRR at end / start = 80 / 150 = 1 - 70 / 150.
    @Test func netRevenueChurnCountsEveryMovementAndTheCohortFormOnlyTheCohorts() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.subscription(a, 100, from: "2024-01-01", to: "2024-02-10", id: "sa")
        b.subscription(a, 80, from: "2024-02-10", id: "sa")
        b.subscription(b.account("d"), 50, from: "2024-01-01", to: "2024-02-25")
        let bee = b.account("b")
        b.subscription(bee, 50, from: "2024-02-05", to: "2024-02-15", id: "sb")
        b.subscription(bee, 70, from: "2024-02-15", id: "sb")
        let c = b.account("c")
        b.subscription(c, 40, from: "2023-12-01", to: "2024-01-01")
        b.subscription(c, 30, from: "2024-02-20")
        let feb = b.report(from: "2024-02", through: "2024-02").rows[0]
        #expect(feb.major(.contractionMRR) == 20)
        #expect(feb.major(.churnedMRR) == 50)
        #expect(feb.major(.expansionMRR) == 20)
        #expect(feb.major(.reactivationMRR) == 30)
        #expect(close(feb[.netRevenueChurnRate].double, 20.0 / 150.0))
        #expect(close(feb[.netRevenueChurnRateCohort].double, 70.0 / 150.0))
        #expect(close(feb[.nrrPeriod].double, 80.0 / 150.0))
        // A period with nobody paying at its start has neither.
        let dec = b.report(from: "2023-12", through: "2023-12").rows[0]
        #expect(dec[.netRevenueChurnRate] == .null)
        #expect(dec[.netRevenueChurnRateCohort] == .null)
    }

    @Test func emptyDenominatorsAreNull() {
        let row = DatasetBuilder().report(from: "2024-01", through: "2024-01").rows[0]
        #expect(row.major(.mrr) == 0)
        #expect(row[.arpa] == .null)
        #expect(row[.customerChurnRate] == .null)
        #expect(row[.customerRetentionRate] == .null)
        #expect(row[.grossRevenueChurnRate] == .null)
        #expect(row[.nrr] == .null)
        #expect(row[.quickRatio] == .null)
        #expect(row[.ltv] == .null)
        #expect(row[.cac] == .null)
        #expect(row[.trialConversionRate] == .null)
        #expect(row[.repeatPurchaseRate] == .null)
    }
}
