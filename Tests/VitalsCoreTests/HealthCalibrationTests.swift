import Foundation
import Testing
import VitalsCore

/// Calibration on a generated history whose churn depends on known components: the CSM pulse and billing.
@Suite struct HealthCalibrationTests {
    /// 3,000 accounts over 24 months from 2024-01. Each has a fixed pulse rating p (1-5, recorded mid-month) and is
    /// past due from the start with probability 0.2 (d = 1). Monthly churn hazard: logistic(-5 + 1.5 (3 - p) + 2.5 d).
    /// NPS answers and tickets are noise, independent of churn.
    static func history() -> Dataset {
        var rng = SplitMix64(state: 7)
        var d = Dataset()
        let start = CivilDate(year: 2024, month: 1, day: 1)
        for k in 0..<3000 {
            let a = d.upsert(Account(id: AccountID("a\(k)"), name: "A\(k)"))
            let p = rng.int(1...5)
            let delinquent = rng.uniform() < 0.2
            let first = rng.int(0...5)
            let hazard = 1 / (1 + exp(-(-5 + 1.5 * Double(3 - p) + 2.5 * (delinquent ? 1 : 0))))
            var end: Timestamp?
            for m in first..<24 {
                let month = start.adding(months: m)
                d.csmPulses.append(CsmPulse(account: a, recordedAt: Timestamp(month.adding(days: 14)), rating: p))
                if rng.uniform() < 0.3 {
                    d.surveyResponses.append(SurveyResponse(
                        id: SurveyResponseID("s\(k)-\(m)"), account: a, survey: .nps, score: Double(rng.int(0...10)),
                        respondedAt: Timestamp(month.adding(days: rng.int(0...27)))))
                }
                if rng.uniform() < 0.2 {
                    d.tickets.append(Ticket(id: TicketID("t\(k)-\(m)"), account: a, openedAt: Timestamp(month.adding(days: rng.int(0...27)))))
                }
                if rng.uniform() < hazard {
                    end = Timestamp(month.adding(days: rng.int(1...27)))
                    break
                }
            }
            d.subscriptions.append(SubscriptionVersion(
                subscriptionID: SubscriptionID("sub\(k)"), account: a, product: "Core",
                amount: Money(minorUnits: 10_000, currency: .usd), status: delinquent ? .pastDue : .active,
                validFrom: Timestamp(start.adding(months: first)), validTo: end))
        }
        return d
    }

    @Test func learnedWeightsRankTheComponentsChurnDependsOnFirst() throws {
        let dataset = Self.history()
        // Past-due items keep counting as MRR here (the generator's delinquent accounts pay late but pay).
        let settings = HealthSettings(report: ReportSettings(delinquencyDays: 3650))
        let engine = HealthEngine(index: HealthIndex(dataset: dataset, settings: settings), accounts: dataset.accounts)
        let report = try HealthCalibration.run(engine, from: at("2024-01-01"), to: at("2026-01-01"))
        // Snapshots: 2024-03-01 while the 90-day horizon ends by 2026-01-01: 2024-03 ... 2025-10, 20 months; the
        // newest 25 % (5) are held out.
        #expect(report.snapshots.count == 20)
        #expect(report.testFrom == at("2025-06-01"))
        #expect(report.trainChurned > 100 && report.testChurned > 50)
        #expect(Set(report.ranking.prefix(2)) == [.csmPulse, .billing])
        #expect(report.coefficients[HealthComponent.csmPulse.position] < 0)
        #expect(report.coefficients[HealthComponent.billing.position] < 0)
        let auc = try #require(report.learned.auc)
        #expect(auc > 0.75)
        // The configured weights dilute the two signals with noise: the learned ones rank churners better.
        #expect(auc >= report.configured.auc!)
        #expect(report.converged)
    }

    @Test func theAUCCountsTiesAsHalf() {
        // Risks 0.1 (negative), 0.4 (positive), 0.35 (negative), 0.8 (positive): pairs (pos, neg) ordered correctly:
        // (0.4 > 0.1), (0.4 > 0.35), (0.8 > 0.1), (0.8 > 0.35): 4 of 4 = 1.
        #expect(ROC.auc(risk: [0.1, 0.4, 0.35, 0.8], positive: [false, true, false, true]) == 1)
        // One positive and one negative tied: 0.5.
        #expect(ROC.auc(risk: [0.5, 0.5], positive: [true, false]) == 0.5)
        // Positives 0.3, 0.6; negatives 0.4, 0.6: (0.3 > 0.4 no) (0.3 > 0.6 no) (0.6 > 0.4 yes) (0.6 = 0.6 half): 1.5 / 4.
        #expect(ROC.auc(risk: [0.3, 0.6, 0.4, 0.6], positive: [true, true, false, false]) == 0.375)
        #expect(ROC.auc(risk: [0.3], positive: [true]) == nil)
    }
}

extension SplitMix64 {
    /// A double in [0, 1) from the top 53 bits.
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// An integer in `range` (by remainder: the slight bias does not matter to the tests).
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}
