import Testing
import VitalsCore

/// Growth from existing customers (referrals, CSQLs, upsell pipeline, goal attainment) worked by hand, segments, and
/// the presence of every issue-3 KPI in every row.
@Suite struct GrowthKPITests {
    /// Leads and goals of a Retail and a Media account around March 2024; some leads have no account.
    func company() -> DatasetBuilder {
        var b = DatasetBuilder()
        let r = b.account("r", industry: "Retail")
        let m = b.account("m", industry: "Media")
        b.dataset.fxRates = [
            FxRate(date: at("2024-01-01"), currency: .eur, rate: 1.1),
            FxRate(date: at("2024-04-01"), currency: .eur, rate: 1.2),
        ]
        // Referrals.
        b.lead(r, .referral, created: "2024-03-02", status: .won, closed: "2024-03-20")
        b.lead(m, .referral, created: "2024-03-05", status: .lost, closed: "2024-03-25")
        b.lead(nil, .referral, created: "2024-03-08")
        b.lead(r, .referral, created: "2024-02-10", status: .won, closed: "2024-03-03")
        b.lead(r, .referral, created: "2024-03-12", status: .won)  // no closed_at: closed in no period
        // CS-qualified leads.
        b.lead(r, .csql, created: "2024-03-01", status: .won, closed: "2024-03-10")
        b.lead(m, .csql, created: "2024-03-02", status: .lost, closed: "2024-03-11")
        b.lead(r, .csql, created: "2024-03-03")
        // Upsell and cross-sell pipeline.
        b.lead(r, .upsell, created: "2024-02-10", amount: usd(1000))
        b.lead(m, .crossSell, created: "2024-03-05", status: .won, closed: "2024-03-20", amount: usd(500))
        b.lead(m, .upsell, created: "2024-03-10", status: .lost, closed: "2024-04-03",
               amount: Money(minorUnits: 20_000, currency: .eur))  // EUR 200 at 1.1 on 10 March = USD 220
        b.lead(nil, .upsell, created: "2024-04-01", amount: usd(300))
        b.lead(r, .crossSell, created: "2024-03-15")  // no amount: counts, adds 0
        b.lead(r, .marketing, created: "2024-03-01", amount: usd(999))  // not from customer success
        // Success goals.
        b.goal(r, target: "2024-03-10", achieved: "2024-03-10T15:00:00Z")  // on the target day: on time
        b.goal(r, target: "2024-03-20", achieved: "2024-03-21")  // a day late
        b.goal(m, target: "2024-03-31")  // not achieved
        b.goal(m, target: "2024-04-01", achieved: "2024-03-01")  // April's, early
        b.goal(r, target: nil, achieved: "2024-03-05")  // no target date: in no period
        return b
    }

    @Test func referralsAndTheirConversion() {
        let rows = company().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.referrals] == .number(1))
        #expect(rows[0][.referralConversionRate] == .null)  // none closed in February
        #expect(rows[1][.referrals] == .number(4))  // created in March, including the one without an account
        // Closed in March: won (created March), lost, won (created February).
        #expect(close(rows[1][.referralConversionRate].double, 2.0 / 3.0))
        #expect(rows[2][.referrals] == .number(0))
    }

    @Test func csQualifiedLeadsAndTheirWinRate() {
        let march = company().report(from: "2024-03", through: "2024-03").rows[0]
        #expect(march[.csqls] == .number(3))
        #expect(close(march[.csqlWinRate].double, 0.5))  // 1 won, 1 lost; the open one is not closed
    }

    @Test func upsellPipelineOpenAtThePeriodEnd() {
        let rows = company().report(from: "2024-02", through: "2024-04").rows
        // End of February: the 1000 upsell.
        #expect(rows[0][.upsellPipelineCount] == .number(1))
        #expect(close(rows[0].major(.upsellPipelineValue), 1000))
        // End of March: 1000 + 220 (lost only on 3 April) + 0 (no amount); the cross-sell won on 20 March is closed.
        #expect(rows[1][.upsellPipelineCount] == .number(3))
        #expect(close(rows[1].major(.upsellPipelineValue), 1220, tolerance: 1e-6))
        // End of April: 1000 + 0 + 300 (created at April's first instant).
        #expect(rows[2][.upsellPipelineCount] == .number(3))
        #expect(close(rows[2].major(.upsellPipelineValue), 1300, tolerance: 1e-6))
    }

    @Test func goalAttainmentByTheTargetDay() {
        let rows = company().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.goalAttainmentRate] == .null)  // no goal due in February
        #expect(close(rows[1][.goalAttainmentRate].double, 1.0 / 3.0))
        #expect(rows[2][.goalAttainmentRate] == .number(1))
    }

    @Test func segmentsLeaveOutLeadsWithoutAnAccount() throws {
        let filter = try SegmentFilter.parse("industry=Retail", knownAttributes: ["industry"])
        let retail = company().report(from: "2024-03", through: "2024-04", segment: filter).rows
        #expect(retail[0][.referrals] == .number(2))
        #expect(retail[0][.referralConversionRate] == .number(1))  // both closed in March were won
        #expect(retail[0][.csqls] == .number(2))
        #expect(retail[0][.upsellPipelineCount] == .number(2))
        #expect(close(retail[0].major(.upsellPipelineValue), 1000))
        #expect(close(retail[0][.goalAttainmentRate].double, 0.5))
        #expect(retail[1][.upsellPipelineCount] == .number(2))  // not the 300 without an account

        let b = company()
        let periods = Period.range(
            from: CivilDate(year: 2024, month: 3, day: 1), through: CivilDate(year: 2024, month: 3, day: 31),
            grain: .month)
        let groups = KPICalculator(dataset: b.dataset, settings: ReportSettings())
            .reports(ReportScope(periods: periods), by: "industry")
        #expect(groups.map { $0.value } == ["Media", "Retail"])
        let media = groups[0].report.rows[0]
        #expect(media[.referrals] == .number(1))
        #expect(media[.referralConversionRate] == .number(0))
        #expect(media[.csqlWinRate] == .number(0))
        #expect(close(media.major(.upsellPipelineValue), 220, tolerance: 1e-6))
        #expect(media[.goalAttainmentRate] == .number(0))
        // The groups partition the accounts, not the leads without one: 1 + 2 referrals of the company's 4.
        #expect(groups[1].report.rows[0][.referrals] == .number(2))
    }

    /// The KPIs of issue 3, from `nps` on, `survey_response_rate` (issue 25), and the renewal and churn-cause KPIs after
    /// them (8), to the end of the enum.
    static let customerKPIs = Array(KPI.allCases.drop { $0 != .nps })

    @Test func everyCustomerKPIIsInEveryRow() throws {
        #expect(GrowthKPITests.customerKPIs.count == 39)
        var b = company()
        b.subscription(b.account("x", industry: "Retail"), 50, from: "2024-01-01")
        let empty = DatasetBuilder().report(from: "2024-01", through: "2024-02")
        let full = b.report(from: "2023-12", through: "2024-05")
        let filter = try SegmentFilter.parse("industry=Media", knownAttributes: ["industry"])
        let segment = b.report(from: "2024-03", through: "2024-03", segment: filter)
        for row in empty.rows + full.rows + segment.rows {
            for kpi in GrowthKPITests.customerKPIs {
                #expect(row.values[kpi] != nil, "\(kpi) missing in \(row.period)")
                if case .number(let x) = row.values[kpi] { #expect(x.isFinite, "\(kpi) in \(row.period)") }
            }
        }
    }
}
