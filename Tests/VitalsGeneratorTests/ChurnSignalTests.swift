import Testing
import VitalsCore
import VitalsGenerator

/// The generated path to a churn (`Engagement`) shows in what health measures before the revenue does (issue 27):
/// churners use less and open more tickets in their last months, accounts that stay do not, and the health score
/// calibrates to a useful churn ranking.
@Suite struct ChurnSignalTests {
    /// One customer's single subscription: paid from `start` to `end` (nil while it runs), in days since 1970.
    struct Life {
        var start: Int
        var end: Int?
    }

    /// Accounts with exactly one subscription (no win-back), by account: its first paid day and its end.
    static func lives(_ d: Dataset) -> [AccountIndex: Life] {
        var subscriptions: [AccountIndex: Set<SubscriptionID>] = [:]
        var lives: [AccountIndex: Life] = [:]
        for v in d.subscriptions {
            subscriptions[v.account, default: []].insert(v.subscriptionID)
            let from = Int(v.validFrom.seconds / 86_400)
            var life = lives[v.account] ?? Life(start: .max, end: 0)
            if v.status != .trialing { life.start = min(life.start, from) }
            if let to = v.validTo, let end = life.end {
                life.end = max(end, Int(to.seconds / 86_400))
            } else {
                life.end = nil
            }
            lives[v.account] = life
        }
        return lives.filter { subscriptions[$0.key]!.count == 1 && $0.value.start != .max }
    }

    /// Events and tickets per account-day, over the last 60 days of each life and over its early part (before the
    /// last 210 days, where no decline before a churn reaches), for the lives that ended (`churned`) or run to the
    /// window's end; lives shorter than 300 days are left out.
    static func rates(_ d: Dataset, windowEnd: Int, churned: Bool)
        -> (events: (late: Double, early: Double), tickets: (late: Double, early: Double), lives: Int)
    {
        var late: [AccountIndex: Int] = [:]
        var early: [AccountIndex: Int] = [:]
        for (account, life) in lives(d) where (life.end != nil) == churned {
            let end = life.end ?? windowEnd
            guard end - life.start >= 300, end < windowEnd || !churned else { continue }
            late[account] = end
            early[account] = life.start
        }
        var counts = (lateEvents: 0, earlyEvents: 0, lateTickets: 0, earlyTickets: 0)
        for e in d.usageEvents {
            guard let end = late[e.account] else { continue }
            let day = Int(e.occurredAt.seconds / 86_400)
            if day >= end - 60 && day < end { counts.lateEvents += 1 }
            if day >= early[e.account]! && day < end - 210 { counts.earlyEvents += 1 }
        }
        for t in d.tickets {
            guard let end = late[t.account] else { continue }
            let day = Int(t.openedAt.seconds / 86_400)
            if day >= end - 60 && day < end { counts.lateTickets += 1 }
            if day >= early[t.account]! && day < end - 210 { counts.earlyTickets += 1 }
        }
        let lateDays = Double(60 * late.count)
        let earlyDays = Double(late.keys.reduce(0) { $0 + late[$1]! - 210 - early[$1]! })
        return ((Double(counts.lateEvents) / lateDays, Double(counts.earlyEvents) / earlyDays),
                (Double(counts.lateTickets) / lateDays, Double(counts.earlyTickets) / earlyDays), late.count)
    }

    @Test func churnersUseLessAndCallMoreBeforeTheyLeave() {
        let d = GeneratorTests.dataset
        let windowEnd = GeneratorTests.options.endDate.daysSinceEpoch
        let churners = Self.rates(d, windowEnd: windowEnd, churned: true)
        #expect(churners.lives >= 50, "\(churners.lives) churned lives of 300 days or more")
        // 90 % of churns are warned: use falls by a share m (0.25 ... 0.5, mean 0.375) every 30 days over the last
        // L days (60 ... 210). Over the last 60 days a warned account keeps on average 0.625^(x/30) for x from L - 60
        // to L: about 0.65 for L = 60, 0.2 for L = 135, 0.06 for L = 210, so about 0.3 over L; with the 10 % unwarned
        // at 1: 0.9 x 0.3 + 0.1 = 0.37 of the early rate. 0.55 leaves room for noise and for health drifting either
        // way (without the declines only that drift moves it: about 0.93 before issue 27).
        let eventRatio = churners.events.late / churners.events.early
        #expect(eventRatio < 0.55, "churners' last 60 days: \(eventRatio) of their early usage")
        // Tickets: the monthly rate is (1.5 - health + 1.5 strain) per (1.5 - health); strain = 1 - level is about
        // 0.7 over a warned account's last 60 days and churners' health about 0.4, so 1.1 + 1.05 against 1.1: about
        // 1.95 for the warned, 0.9 x 1.95 + 0.1 = 1.86 overall. Above 1.4 is a clear rise.
        let ticketRatio = churners.tickets.late / churners.tickets.early
        #expect(ticketRatio > 1.4, "churners' last 60 days: \(ticketRatio) times their early tickets")

        // Accounts that stay keep their level: only dips (2 % of months, recovering) and their health's drift around
        // its baseline touch them, evenly over time, so the ratio is about 1.
        let stayers = Self.rates(d, windowEnd: windowEnd, churned: false)
        #expect(stayers.lives >= 200)
        let stayRatio = stayers.events.late / stayers.events.early
        #expect(stayRatio > 0.85 && stayRatio < 1.25, "stayers' last 60 days: \(stayRatio) of their early usage")
    }

    @Test func healthCalibratesToAUsefulChurnRanking() throws {
        let d = GeneratorTests.dataset
        let engine = HealthEngine(index: HealthIndex(dataset: d, settings: HealthSettings()), accounts: d.accounts)
        let report = try HealthCalibration.run(
            engine, from: Timestamp(GeneratorTests.options.startDate), to: Timestamp(GeneratorTests.options.endDate))
        // Issue 27's bar: the calibrated model ranks the held-out churners with an AUC of at least 0.75 (the demo
        // reaches about 0.79, docs/health.md); the default weights, not fitted to it, rank them far above chance.
        #expect(report.learned.auc! >= 0.75, "learned AUC \(report.learned.auc!)")
        #expect(report.configured.auc! >= 0.7, "default weights' AUC \(report.configured.auc!)")
        // The components the generated decline moves get weight; billing (past due before a lapse) does too.
        for c in [HealthComponent.featureAdoption, .supportLoad, .billing, .csmPulse] {
            #expect(report.learned.weights[c.position] > 5, "\(c) learned weight \(report.learned.weights[c.position])")
        }
    }
}
