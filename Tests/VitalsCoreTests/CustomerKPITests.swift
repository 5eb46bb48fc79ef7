import Testing
import VitalsCore

/// Voice of the customer (NPS, CSAT, CES, satisfaction index) and support (FCR, volume, resolution time), worked by
/// hand (issue 3).
@Suite struct CustomerKPITests {
    @Test func npsWorkedExampleFromTheIssue() {
        // 100 answers in March: 40 promoters (9-10), 30 passives (7-8), 30 detractors (0-6).
        var b = DatasetBuilder()
        let a = b.account("a")
        for i in 0..<40 { b.survey(a, .nps, i % 2 == 0 ? 9 : 10, at: "2024-03-05") }
        for i in 0..<30 { b.survey(a, .nps, i % 2 == 0 ? 7 : 8, at: "2024-03-15T12:00:00Z") }
        for i in 0..<30 { b.survey(a, .nps, Double(i % 7), at: "2024-03-31T23:59:59Z") }
        b.survey(a, .nps, 0, at: "2024-04-01")  // periods are [start, end): this one is April's
        let march = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(march[.npsPromoters] == .number(40))
        #expect(march[.npsPassives] == .number(30))
        #expect(march[.npsDetractors] == .number(30))
        #expect(march[.npsResponses] == .number(100))
        // NPS = 100 x (40 - 30) / 100 = 10.
        #expect(close(march[.nps].double, 10))
        // p = 0.4, d = 0.3: 1.96 x 100 x sqrt((0.4 + 0.3 - (0.4 - 0.3)^2) / 100) = 196 x sqrt(0.0069) = 16.281.
        #expect(close(march[.npsMarginOfError].double, 16.281, tolerance: 5e-4))
    }

    @Test func npsOnAnotherScaleIsMappedToZeroToTen() {
        var b = DatasetBuilder()
        let a = b.account("a")
        // On 0-100: 90 -> 9 (promoter), 100 -> 10 (promoter), 75 -> 7.5 (passive), 60 -> 6 (detractor).
        for score in [90.0, 100, 75, 60] { b.survey(a, .nps, score, at: "2024-03-10", scale: 0...100) }
        let march = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(march[.npsPromoters] == .number(2))
        #expect(march[.npsPassives] == .number(1))
        #expect(march[.npsDetractors] == .number(1))
        // 100 x (2 - 1) / 4 = 25; margin 196 x sqrt((0.5 + 0.25 - 0.0625) / 4) = 196 x sqrt(0.171875) = 81.257.
        #expect(close(march[.nps].double, 25))
        #expect(close(march[.npsMarginOfError].double, 81.257, tolerance: 5e-4))
    }

    @Test func noAnswersGiveNullNotZero() {
        var b = DatasetBuilder()
        let a = b.account("a")
        b.survey(a, .nps, 10, at: "2024-01-10")
        b.survey(a, .csat, 5, at: "2024-01-10")
        b.survey(a, .ces, 7, at: "2024-01-10")
        let february = b.report(from: "2024-02", through: "2024-02").rows[0]
        for kpi in [KPI.nps, .npsMarginOfError, .csat, .csatMean, .satisfactionIndex, .ces, .cesEasyShare] {
            #expect(february[kpi] == .null, "\(kpi)")
        }
        for kpi in [KPI.npsPromoters, .npsPassives, .npsDetractors, .npsResponses] {
            #expect(february[kpi] == .number(0), "\(kpi)")
        }
    }

    @Test func csatOnOneToFiveAndOtherScales() {
        var b = DatasetBuilder()
        let a = b.account("a")
        // March, 1-5: satisfied = 4 or 5.
        for score in [5.0, 4, 3, 2, 5] { b.survey(a, .csat, score, at: "2024-03-10") }
        // April, 1-10: satisfied = top 20 % = at least 10 - 0.2 x 9 = 8.2, so 9 and 10.
        for score in [10.0, 9, 8, 3] { b.survey(a, .csat, score, at: "2024-04-10", scale: 1...10) }
        // May, 0-100: satisfied from 100 - 20 = 80.
        for score in [80.0, 79] { b.survey(a, .csat, score, at: "2024-05-10", scale: 0...100) }
        let rows = b.report(from: "2024-03", through: "2024-05").rows

        #expect(close(rows[0][.csat].double, 0.6))  // 3 / 5
        #expect(close(rows[0][.csatMean].double, 3.8))  // 19 / 5
        // Index: mean of (score - 1) / 4 x 100 = (100 + 75 + 50 + 25 + 100) / 5 = 70.
        #expect(close(rows[0][.satisfactionIndex].double, 70))

        #expect(close(rows[1][.csat].double, 0.5))  // 10 and 9 of four
        // On 1-5: 1 + (s - 1) x 4/9 for 10, 9, 8, 3 = 5, 41/9, 37/9, 17/9; mean 140/9 / 4 = 35/9.
        #expect(close(rows[1][.csatMean].double, 35.0 / 9.0))
        // (s - 1) / 9 x 100 = 100, 800/9, 700/9, 200/9; mean 2600/36 = 650/9.
        #expect(close(rows[1][.satisfactionIndex].double, 650.0 / 9.0))

        #expect(close(rows[2][.csat].double, 0.5))  // 80 is in, 79 is out
        #expect(close(rows[2][.csatMean].double, 4.18))  // (4.2 + 4.16) / 2
        #expect(close(rows[2][.satisfactionIndex].double, 79.5))
    }

    @Test func customerEffortAndItsEasyShare() {
        var b = DatasetBuilder()
        let a = b.account("a")
        for score in [7.0, 5, 4, 2] { b.survey(a, .ces, score, at: "2024-03-10") }
        // On 1-5, mapped to 1-7: 4 -> 1 + 3 x 6/4 = 5.5 (easy), 3 -> 1 + 2 x 6/4 = 4 (not).
        for score in [4.0, 3] { b.survey(a, .ces, score, at: "2024-04-10", scale: 1...5) }
        let rows = b.report(from: "2024-03", through: "2024-04").rows
        #expect(close(rows[0][.ces].double, 4.5))  // 18 / 4
        #expect(close(rows[0][.cesEasyShare].double, 0.5))  // 7 and 5 are at least 5
        #expect(close(rows[1][.ces].double, 4.75))  // (5.5 + 4) / 2
        #expect(close(rows[1][.cesEasyShare].double, 0.5))
    }

    /// Tickets of two paying accounts (x from January, y from 15 March).
    func support() -> DatasetBuilder {
        var b = DatasetBuilder()
        let x = b.account("x")
        let y = b.account("y")
        b.subscription(x, 100, from: "2024-01-01")
        b.subscription(y, 100, from: "2024-03-15")
        b.ticket(x, opened: "2023-12-10")  // nobody pays in December
        // Resolved in March (hours to resolve in brackets):
        b.ticket(x, opened: "2024-03-01", resolved: "2024-03-01T02:00:00Z", replies: 1, reopens: 0)  // FCR (2)
        b.ticket(x, opened: "2024-03-02", resolved: "2024-03-02T04:00:00Z", replies: 2, reopens: 0)  // no (4)
        b.ticket(y, opened: "2024-03-03", resolved: "2024-03-03T10:00:00Z", replies: 0, reopens: 1)  // no (10)
        b.ticket(y, opened: "2024-03-04", resolved: "2024-03-04T01:00:00Z", replies: 3, firstContact: true)  // FCR (1)
        b.ticket(x, opened: "2024-03-05", resolved: "2024-03-05T03:00:00Z", replies: 0, firstContact: false)  // no (3)
        b.ticket(x, opened: "2024-02-29T20:00:00Z", resolved: "2024-03-01T04:00:00Z")  // FCR: no counts = 0 (8)
        b.ticket(x, opened: "2024-03-20")  // open
        // Resolved in April:
        b.ticket(y, opened: "2024-03-31", resolved: "2024-04-01", replies: 1)  // FCR (24)
        b.ticket(y, opened: "2024-04-02", resolved: "2024-04-02T05:00:00Z", replies: 1)  // FCR (5)
        b.ticket(x, opened: "2024-04-03", resolved: "2024-04-03T12:00:00Z", replies: 5)  // no (12)
        return b
    }

    @Test func firstContactResolutionWithTheExplicitFlagOverriding() {
        let rows = support().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.fcrRate] == .null)  // nothing resolved in February
        #expect(close(rows[1][.fcrRate].double, 0.5))  // 3 of the 6 resolved in March
        #expect(close(rows[2][.fcrRate].double, 2.0 / 3.0))
    }

    @Test func ticketVolumePerPayingAccount() {
        let rows = support().report(from: "2023-12", through: "2024-04").rows
        #expect(rows[0][.ticketsOpened] == .number(1))
        #expect(rows[0][.ticketsPerAccount] == .null)  // no paying customer at the end of December
        #expect(rows[2][.ticketsOpened] == .number(1))  // February: the one resolved on 1 March
        #expect(close(rows[2][.ticketsPerAccount].double, 1))  // 1 / 1 paying (x)
        #expect(rows[3][.ticketsOpened] == .number(7))
        #expect(close(rows[3][.ticketsPerAccount].double, 3.5))  // 7 / 2 paying
        #expect(close(rows[4][.ticketsPerAccount].double, 1))  // 2 / 2
    }

    @Test func medianResolutionTimeOfEvenAndOddCounts() {
        let rows = support().report(from: "2024-02", through: "2024-04").rows
        #expect(rows[0][.medianResolutionHours] == .null)
        // March: 1, 2, 3, 4, 8, 10 hours: the mean of the middle two, (3 + 4) / 2.
        #expect(close(rows[1][.medianResolutionHours].double, 3.5))
        // April: 5, 12, 24 hours.
        #expect(close(rows[2][.medianResolutionHours].double, 12))
    }

    @Test func aSegmentCountsOnlyItsAccounts() throws {
        var b = DatasetBuilder()
        let retail = b.account("r", industry: "Retail")
        let media = b.account("m", industry: "Media")
        b.subscription(retail, 100, from: "2024-01-01")
        b.subscription(media, 100, from: "2024-01-01")
        b.subscription(b.account("r2", industry: "Retail"), 100, from: "2024-01-01")
        b.survey(retail, .nps, 10, at: "2024-03-01")
        b.survey(retail, .nps, 3, at: "2024-03-02")
        b.survey(retail, .nps, 9, at: "2024-03-03")
        b.survey(media, .nps, 0, at: "2024-03-04")
        b.survey(media, .csat, 5, at: "2024-03-05")
        b.ticket(retail, opened: "2024-03-01", resolved: "2024-03-01T01:00:00Z", replies: 4)
        b.ticket(media, opened: "2024-03-02", resolved: "2024-03-02T01:00:00Z", replies: 1)
        b.ticket(media, opened: "2024-03-03")

        let filter = try SegmentFilter.parse("industry=Retail", knownAttributes: ["industry"])
        let march = b.report(from: "2024-03", through: "2024-03", segment: filter).rows[0]
        #expect(close(march[.nps].double, 100.0 / 3.0))  // 2 promoters, 1 detractor of 3
        #expect(march[.csat] == .null)  // Media's answer is not in the segment
        #expect(close(march[.fcrRate].double, 0))
        #expect(close(march[.ticketsPerAccount].double, 0.5))  // 1 ticket / 2 paying Retail accounts

        let all = b.report(from: "2024-03", through: "2024-03").rows[0]
        #expect(close(all[.nps].double, 0))  // 2 promoters, 2 detractors of 4
        #expect(close(all[.ticketsPerAccount].double, 1))  // 3 / 3
    }
}
