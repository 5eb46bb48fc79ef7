/// The components' raw values for one account as of an instant: `values[component.position]`, NaN when the
/// component has no data for the account.
public struct ComponentValues: Sendable, Equatable {
    public var values: [Double]

    public init(values: [Double] = [Double](repeating: .nan, count: HealthComponent.count)) { self.values = values }

    public subscript(_ c: HealthComponent) -> Double? {
        get { values[c.position].isNaN ? nil : values[c.position] }
        set { values[c.position] = newValue ?? .nan }
    }
}

extension HealthIndex {
    /// The components of `account` as of `t`: every record dated before `t` counts (`docs/health.md`).
    public func measure(_ account: AccountIndex, at t: Timestamp) -> ComponentValues {
        var v = ComponentValues()
        v.values.withUnsafeMutableBufferPointer { measure(account, at: t, into: $0) }
        return v
    }

    /// Writes the components of `account` as of `t` into `out` (HealthComponent.count values, NaN when missing).
    package func measure(_ account: AccountIndex, at t: Timestamp, into out: UnsafeMutableBufferPointer<Double>) {
        let a = account.int
        let s = t.seconds
        let day = Int32(clamping: floorDiv(s, 86_400))
        let period = settings.periodDays
        out[HealthComponent.usageTrend.position] = usageChange(a, day: day, days: period) ?? .nan
        out[HealthComponent.featureAdoption.position] = adoption(a, day: day, days: period) ?? .nan

        // NPS and CSAT over the survey window.
        var promoters = 0, detractors = 0, nps = 0, csat = 0, satisfied = 0
        let surveyFrom = s - Int64(settings.surveyWindowDays) * 86_400
        for k in surveys.range(a) {
            let time = surveyTimes[k]
            if time >= s { break }
            if time < surveyFrom { continue }
            let score = surveyScores[k]
            if surveyKinds[k] == 0 {
                nps += 1
                if score >= 9 { promoters += 1 } else if score <= 6 { detractors += 1 }
            } else {
                csat += 1
                satisfied += score > 0 ? 1 : 0
            }
        }
        out[HealthComponent.nps.position] = nps == 0 ? .nan : 100 * Double(promoters - detractors) / Double(nps)
        out[HealthComponent.csat.position] = csat == 0 ? .nan : 100 * Double(satisfied) / Double(csat)

        // Support: tickets opened in the period; FCR of those resolved in the support window.
        let periodFrom = s - Int64(period) * 86_400
        let supportFrom = s - Int64(settings.supportWindowDays) * 86_400
        var opened = 0, resolved = 0, firstContact = 0
        for k in tickets.range(a) {
            if ticketOpened[k] >= s { break }
            if ticketOpened[k] >= periodFrom { opened += 1 }
            let r = ticketResolved[k]
            if r < s && r >= supportFrom {
                resolved += 1
                firstContact += ticketFirstContact[k] ? 1 : 0
            }
        }
        out[HealthComponent.supportLoad.position] = hasTickets ? Double(opened) : .nan
        out[HealthComponent.fcr.position] = resolved == 0 ? .nan : 100 * Double(firstContact) / Double(resolved)

        // Onboarding: days the most overdue open required milestone is past due, among the milestones that fell due
        // within the onboarding horizon (or are still to fall due); one that fell due earlier is not onboarding to
        // finish any more and counts neither way.
        var anyMilestone = false
        var overdue: Int64 = 0
        let horizon = settings.report.onboardingHorizonSeconds
        for k in milestones.range(a) {
            if milestoneFrom[k] >= s { break }
            let due = milestoneDue[k]
            let (late, overflow) = s.subtractingReportingOverflow(due)
            if due < s && (overflow || late > horizon) { continue }
            anyMilestone = true
            if due < s && milestoneDone[k] >= s { overdue = max(overdue, late) }
        }
        out[HealthComponent.onboarding.position] = anyMilestone ? Double(overdue / 86_400) : .nan

        // Billing: days past due of the longest past-due running item; missing with no running subscription.
        var running = false
        var pastDue: Int64 = 0
        for k in versions.range(a) {
            if versionFrom[k] > s { break }
            guard versionTo[k] > s else { continue }
            running = true
            let since = versionPastDueSince[k]
            if since != .min { pastDue = max(pastDue, s - since) }
        }
        out[HealthComponent.billing.position] = running ? Double(pastDue / 86_400) : .nan

        // CSM pulse: the latest rating within the pulse window.
        var rating = Double.nan
        let pulseFrom = s - Int64(settings.pulseWindowDays) * 86_400
        for k in pulses.range(a) {
            if pulseTimes[k] >= s { break }
            if pulseTimes[k] >= pulseFrom { rating = Double(pulseRatings[k]) }
        }
        out[HealthComponent.csmPulse.position] = rating
    }

    /// The first record of account `a` on or after `day` (the records of an account are in day order).
    private func firstUsage(_ a: Int, from day: Int32) -> Int {
        var lo = usage.offsets[a]
        var hi = usage.offsets[a + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if usage.records[mid].day < day { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Usage of the `days` days before `day` against the `days` days before those, in percent (-100 ... 100): the
    /// mean of the change of active users and of time on platform. `nil` when the account has no event before `day`;
    /// -100 when it had events but none in either window (dormant).
    /// With `requireActivityBefore`, `nil` also when the earlier window had no activity (a drop needs a before).
    public func usageChange(_ account: AccountIndex, at t: Timestamp, days: Int, requireActivityBefore: Bool = false)
        -> Double?
    {
        usageChange(
            account.int, day: Int32(clamping: floorDiv(t.seconds, 86_400)), days: days,
            requireActivityBefore: requireActivityBefore)
    }

    func usageChange(_ a: Int, day: Int32, days: Int, requireActivityBefore: Bool = false) -> Double? {
        let start = usage.offsets[a]
        guard start < usage.offsets[a + 1], usage.records[start].day < day else { return nil }
        let mid = day - Int32(days)
        let first = day - Int32(2 * days)
        var usersBefore: [Int32] = []
        var usersNow: [Int32] = []
        var secondsBefore = 0.0
        var secondsNow = 0.0
        var i = firstUsage(a, from: first)
        let end = usage.offsets[a + 1]
        while i < end {
            let r = usage.records[i]
            if r.day >= day { break }
            if r.day < mid {
                usersBefore.append(r.user)
                secondsBefore += Double(r.seconds)
            } else {
                usersNow.append(r.user)
                secondsNow += Double(r.seconds)
            }
            i += 1
        }
        func distinct(_ users: inout [Int32]) -> Double {
            guard users.count > 1 else { return Double(users.count) }
            users.sort()
            var count = 1
            for k in 1..<users.count where users[k] != users[k - 1] { count += 1 }
            return Double(count)
        }
        func change(_ now: Double, _ before: Double) -> Double? {
            if before == 0 { return now > 0 ? 100 : nil }
            return min(100, max(-100, 100 * (now - before) / before))
        }
        if requireActivityBefore && usersBefore.isEmpty { return nil }
        let users = change(distinct(&usersNow), distinct(&usersBefore))
        let time = hasDurations ? change(secondsNow, secondsBefore) : nil
        switch (users, time) {
        case (nil, nil): return -100
        case (let u?, nil): return u
        case (nil, let m?): return m
        case (let u?, let m?): return (u + m) / 2
        }
    }

    /// The share of key features used in the `days` days before `day`, in percent; `nil` when the account has no
    /// event before `day` or no key feature is configured.
    func adoption(_ a: Int, day: Int32, days: Int) -> Double? {
        let start = usage.offsets[a]
        guard keyFeatureCount > 0, start < usage.offsets[a + 1], usage.records[start].day < day else { return nil }
        var used: UInt64 = 0
        var i = firstUsage(a, from: day - Int32(days))
        let end = usage.offsets[a + 1]
        while i < end {
            let r = usage.records[i]
            if r.day >= day { break }
            let slot = keySlot[Int(r.name)]
            if slot >= 0 { used |= 1 << UInt64(slot) }
            i += 1
        }
        return 100 * Double(used.nonzeroBitCount) / Double(keyFeatureCount)
    }

    /// The account's MRR as of `t` (every change before `t`), in reporting-currency minor units.
    public func mrr(of account: AccountIndex, at t: Timestamp) -> Int64 { timeline.mrr(of: account, before: t) }

    /// Whether the account, paying as of `t`, pays nothing at some instant of `[t, t + days)`: it churned within the
    /// next `days` days.
    public func churns(_ account: AccountIndex, after t: Timestamp, within days: Int) -> Bool {
        let a = account.int
        let s = t.seconds
        let horizon = s + Int64(days) * 86_400
        var total: Int64 = 0
        var i = timeline.offsets[a]
        let end = timeline.offsets[a + 1]
        while i < end && timeline.times[i] < s {
            total += timeline.deltas[i]
            i += 1
        }
        guard total > 0 else { return false }
        while i < end && timeline.times[i] < horizon {
            let time = timeline.times[i]
            while i < end && timeline.times[i] == time {
                total += timeline.deltas[i]
                i += 1
            }
            if total <= 0 { return true }
        }
        return false
    }

    /// The account's next renewal on or after `t`: its renewal-date attribute when that is not past, else the next
    /// anniversary of a running subscription item billed for a year or more.
    public func nextRenewal(of account: AccountIndex, after t: Timestamp) -> Timestamp? {
        let a = account.int
        if renewalAttribute[a] != .min && renewalAttribute[a] >= t.seconds { return Timestamp(seconds: renewalAttribute[a]) }
        var best: Int64?
        let today = t.date
        for k in versions.range(a) {
            if versionFrom[k] > t.seconds { break }
            guard versionTo[k] > t.seconds, versionTermMonths[k] > 0 else { continue }
            let term = Int(versionTermMonths[k])
            let start = Timestamp(seconds: versionTermStart[k]).date
            let elapsed = (today.year - start.year) * 12 + (today.month - start.month)
            var terms = max(1, elapsed / term)
            var next = start.adding(months: terms * term)
            while next < today {
                terms += 1
                next = start.adding(months: terms * term)
            }
            let seconds = Timestamp(next).seconds
            if best == nil || seconds < best! { best = seconds }
        }
        return best.map { Timestamp(seconds: $0) }
    }
}
