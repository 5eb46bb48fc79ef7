/// NPS, CSAT, CES and the satisfaction index per period and group, from the survey responses, and the response rate
/// of each survey from the survey invitations.
///
/// A response counts in the period containing its `responded_at`; an invitation in the period containing its
/// `sent_at`, answered if it has an `answered_at` at all (docs/metrics.md, `survey_response_rate`). Answers on a scale other than the survey's
/// standard one (NPS 0-10, CSAT 1-5, CES 1-7) are first mapped linearly onto it.
struct VoiceOfCustomerKPIs {
    struct Tally {
        var promoters = 0
        var passives = 0
        var detractors = 0
        var csatResponses = 0
        var csatSatisfied = 0
        /// Sum of CSAT scores on 1-5, and on 0-100 (for the satisfaction index).
        var csatSum = 0.0
        var csatIndexSum = 0.0
        var cesResponses = 0
        var cesEasy = 0
        /// Sum of CES scores on 1-7.
        var cesSum = 0.0
        /// Invitations sent in the period, and those of them answered, per survey (`SurveyKind.allCases` order).
        var invited = (nps: 0, csat: 0, ces: 0)
        var answered = (nps: 0, csat: 0, ces: 0)

        var npsResponses: Int { promoters + passives + detractors }
    }

    let periodCount: Int
    /// Per `group * periodCount + period`.
    private(set) var tallies: [Tally]

    init(dataset: Dataset, periods: [Period], groupOf: [Int32], groupCount: Int) {
        let periodCount = periods.count
        let lookup = PeriodLookup(periods)
        var tallies = [Tally](repeating: Tally(), count: groupCount * periodCount)
        // Field by field through a buffer: copying whole responses would retain and release their strings.
        dataset.surveyResponses.withUnsafeBufferPointer { responses in
            for i in responses.indices {
                let group = Int(groupOf[responses[i].account.int])
                guard group >= 0, let p = lookup.index(responses[i].respondedAt) else { continue }
                let low = responses[i].scaleMin
                let high = responses[i].scaleMax
                guard high > low else { continue }  // the loader rejects such scales
                VoiceOfCustomerKPIs.count(
                    responses[i].survey, score: responses[i].score, low: low, high: high,
                    into: &tallies[group * periodCount + p])
            }
        }
        for invitation in dataset.surveyInvitations {
            let group = Int(groupOf[invitation.account.int])
            guard group >= 0, let p = lookup.index(invitation.sentAt) else { continue }
            let answered = invitation.answeredAt == nil ? 0 : 1
            let cell = group * periodCount + p
            switch invitation.survey {
            case .nps:
                tallies[cell].invited.nps += 1
                tallies[cell].answered.nps += answered
            case .csat:
                tallies[cell].invited.csat += 1
                tallies[cell].answered.csat += answered
            case .ces:
                tallies[cell].invited.ces += 1
                tallies[cell].answered.ces += answered
            }
        }
        self.periodCount = periodCount
        self.tallies = tallies
    }

    /// Adds one answer to a tally.
    @inline(__always)
    private static func count(_ survey: SurveyKind, score: Double, low: Double, high: Double, into tally: inout Tally) {
        switch survey {
        case .nps:
            let x = rescale(score, from: low, high, to: 0, 10)
            if x >= 9 {
                tally.promoters += 1
            } else if x <= 6 {
                tally.detractors += 1
            } else {
                tally.passives += 1
            }
        case .csat:
            tally.csatResponses += 1
            if isSatisfied(score, low, high) { tally.csatSatisfied += 1 }
            tally.csatSum += rescale(score, from: low, high, to: 1, 5)
            tally.csatIndexSum += rescale(score, from: low, high, to: 0, 100)
        case .ces:
            let x = rescale(score, from: low, high, to: 1, 7)
            tally.cesResponses += 1
            tally.cesSum += x
            if x >= 5 { tally.cesEasy += 1 }
        }
    }

    /// Writes the voice-of-the-customer KPIs of one group and period.
    func write(into values: inout [KPI: KPIValue], group: Int, period: Int) {
        let t = tallies[group * periodCount + period]
        let n = Double(t.npsResponses)
        values[.npsPromoters] = .number(Double(t.promoters))
        values[.npsPassives] = .number(Double(t.passives))
        values[.npsDetractors] = .number(Double(t.detractors))
        values[.npsResponses] = .number(n)
        if n > 0 {
            let p = Double(t.promoters) / n
            let d = Double(t.detractors) / n
            values[.nps] = .number(100 * (p - d))
            values[.npsMarginOfError] = .number(VoiceOfCustomerKPIs.npsMarginOfError(promoters: p, detractors: d, n: n))
        } else {
            values[.nps] = .null
            values[.npsMarginOfError] = .null
        }
        let csat = Double(t.csatResponses)
        values[.csat] = .ratio(Double(t.csatSatisfied), csat)
        values[.csatMean] = .ratio(t.csatSum, csat)
        values[.satisfactionIndex] = .ratio(t.csatIndexSum, csat)
        let ces = Double(t.cesResponses)
        values[.ces] = .ratio(t.cesSum, ces)
        values[.cesEasyShare] = .ratio(Double(t.cesEasy), ces)
        // One share per survey that had invitations in the period; null when none had.
        var rates: [String: Double] = [:]
        if t.invited.nps > 0 { rates[SurveyKind.nps.rawValue] = Double(t.answered.nps) / Double(t.invited.nps) }
        if t.invited.csat > 0 { rates[SurveyKind.csat.rawValue] = Double(t.answered.csat) / Double(t.invited.csat) }
        if t.invited.ces > 0 { rates[SurveyKind.ces.rawValue] = Double(t.answered.ces) / Double(t.invited.ces) }
        values[.surveyResponseRate] = rates.isEmpty ? .null : .breakdown(rates)
    }

    /// The 95 % margin of error of an NPS, in NPS points: `1.96 x 100 x sqrt((p + d - (p - d)^2) / n)`, where `p`
    /// and `d` are the promoter and detractor shares. The bracket is the variance of a response scored +1 for a
    /// promoter, -1 for a detractor and 0 for a passive.
    static func npsMarginOfError(promoters p: Double, detractors d: Double, n: Double) -> Double {
        1.96 * 100 * (max(0, p + d - (p - d) * (p - d)) / n).squareRoot()
    }

    /// `score` on the scale `low...high` mapped linearly onto `newLow...newHigh` (unchanged when the scales agree).
    @inline(__always)
    static func rescale(_ score: Double, from low: Double, _ high: Double, to newLow: Double, _ newHigh: Double) -> Double {
        if low == newLow && high == newHigh { return score }
        // Multiplying before dividing keeps whole-number cases exact (90 on 0-100 is exactly 9 on 0-10).
        return newLow + (score - low) * (newHigh - newLow) / (high - low)
    }

    /// Whether a CSAT answer is "satisfied": 4 or 5 on the standard 1-5 scale; on other scales, in the top 20 % of
    /// the range (`score >= high - 0.2 x (high - low)`, i.e. 9-10 on 1-10, 80-100 on 0-100).
    @inline(__always)
    static func isSatisfied(_ score: Double, _ low: Double, _ high: Double) -> Bool {
        if low == 1 && high == 5 { return score >= 4 }
        // `score - low >= 0.8 x (high - low)`, multiplied out so that whole numbers compare exactly.
        return 5 * (score - low) >= 4 * (high - low)
    }
}
