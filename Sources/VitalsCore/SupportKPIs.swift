/// Support KPIs per period and group, from the tickets: first contact resolution, volume and resolution time.
///
/// A ticket counts as opened in the period containing `opened_at` and as resolved in the one containing
/// `resolved_at`.
struct SupportKPIs {
    let periodCount: Int
    /// Per `group * periodCount + period`.
    private(set) var opened: [Int]
    private(set) var resolved: [Int]
    private(set) var resolvedOnFirstContact: [Int]
    /// Median hours from opened to resolved of the tickets resolved in the period, `nil` when none was.
    private(set) var medianResolutionHours: [Double?]

    init(dataset: Dataset, periods: [Period], groupOf: [Int32], groupCount: Int) {
        let periodCount = periods.count
        let cells = groupCount * periodCount
        self.periodCount = periodCount
        opened = [Int](repeating: 0, count: cells)
        resolved = [Int](repeating: 0, count: cells)
        resolvedOnFirstContact = [Int](repeating: 0, count: cells)
        medianResolutionHours = [Double?](repeating: nil, count: cells)
        let lookup = PeriodLookup(periods)

        // The resolution time of each ticket resolved in range, with its cell, for the medians.
        var resolvedCell: [Int32] = []
        var resolvedSeconds: [Double] = []
        resolvedCell.reserveCapacity(dataset.tickets.count)
        resolvedSeconds.reserveCapacity(dataset.tickets.count)
        dataset.tickets.withUnsafeBufferPointer { tickets in
            for i in tickets.indices {
                let group = Int(groupOf[tickets[i].account.int])
                guard group >= 0 else { continue }
                let base = group * periodCount
                if let p = lookup.index(tickets[i].openedAt) { opened[base + p] += 1 }
                guard let resolvedAt = tickets[i].resolvedAt, let p = lookup.index(resolvedAt) else { continue }
                let cell = base + p
                resolved[cell] += 1
                let firstContact = SupportKPIs.isFirstContactResolution(
                    flag: tickets[i].firstContactResolution, agentReplies: tickets[i].agentReplies,
                    reopens: tickets[i].reopens)
                if firstContact { resolvedOnFirstContact[cell] += 1 }
                resolvedCell.append(Int32(cell))
                resolvedSeconds.append(Double(resolvedAt.seconds - tickets[i].openedAt.seconds))
            }
        }

        // Bucket the resolution times by cell (a counting sort), then take each bucket's median in place.
        var start = [Int](repeating: 0, count: cells + 1)
        for c in 0..<cells { start[c + 1] = start[c] + resolved[c] }
        var next = start
        var bucketed = [Double](repeating: 0, count: resolvedSeconds.count)
        for (k, cell) in resolvedCell.enumerated() {
            bucketed[next[Int(cell)]] = resolvedSeconds[k]
            next[Int(cell)] += 1
        }
        bucketed.withUnsafeMutableBufferPointer { all in
            for c in 0..<cells where start[c + 1] > start[c] {
                let slice = UnsafeMutableBufferPointer(rebasing: all[start[c]..<start[c + 1]])
                medianResolutionHours[c] = Median.of(slice).map { $0 / 3600 }
            }
        }
    }

    /// Resolved on first contact: the explicit `first_contact_resolution` flag when given, else at most one agent
    /// reply and no reopen (a missing count counts as 0).
    @inline(__always)
    static func isFirstContactResolution(flag: Bool?, agentReplies: Int?, reopens: Int?) -> Bool {
        flag ?? ((agentReplies ?? 0) <= 1 && (reopens ?? 0) == 0)
    }

    /// Writes the support KPIs of one group and period; `payingCustomers` is the group's paying customers at the
    /// period end.
    func write(into values: inout [KPI: KPIValue], group: Int, period: Int, payingCustomers: Int) {
        let cell = group * periodCount + period
        values[.fcrRate] = .ratio(Double(resolvedOnFirstContact[cell]), Double(resolved[cell]))
        values[.ticketsOpened] = .number(Double(opened[cell]))
        values[.ticketsPerAccount] = .ratio(Double(opened[cell]), Double(payingCustomers))
        values[.medianResolutionHours] = KPIValue(medianResolutionHours[cell])
    }
}
