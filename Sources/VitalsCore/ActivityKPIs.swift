/// Trial and purchase counts per period and group, for the trial and repeat-purchase KPIs.
struct ActivityKPIs {
    struct Tally {
        /// Trials that ended in the period (by conversion, cancellation or expiry), and those of them that converted.
        var trialsEnded = 0
        var trialsConverted = 0
        /// Accounts with at least one order, and with two or more, before the period end.
        var purchasersToDate = 0
        var repeatPurchasers = 0
        /// Orders placed in the period, and the distinct accounts that placed them.
        var ordersInPeriod = 0
        var purchasersInPeriod = 0
    }

    var tallies: [[Tally]]

    init(dataset: Dataset, periods: [Period], groupOf: [Int32], groupCount: Int) {
        tallies = [[Tally]](repeating: [Tally](repeating: Tally(), count: periods.count), count: groupCount)
        guard let first = periods.first, let last = periods.last else { return }
        let ends = periods.map { $0.end.seconds }
        /// The index of the period containing `t`, if any.
        func periodIndex(_ t: Timestamp) -> Int? {
            guard t >= first.start, t < last.end else { return nil }
            var low = 0
            var high = ends.count - 1
            while low < high {
                let mid = (low + high) / 2
                if ends[mid] <= t.seconds { low = mid + 1 } else { high = mid }
            }
            return low
        }

        for trial in dataset.trials {
            let g = Int(groupOf[trial.account.int])
            guard g >= 0, let p = periodIndex(trial.endedAt) else { continue }
            tallies[g][p].trialsEnded += 1
            if trial.convertedAt != nil { tallies[g][p].trialsConverted += 1 }
        }

        // First and second order of each account, and the distinct purchasers of each period.
        var firstOrder = [Int64](repeating: .max, count: dataset.accounts.count)
        var secondOrder = [Int64](repeating: .max, count: dataset.accounts.count)
        var lastCountedPeriod = [Int](repeating: -1, count: dataset.accounts.count)
        let ordersByTime = dataset.orders.sorted { $0.orderedAt < $1.orderedAt }
        for order in ordersByTime {
            let a = order.account.int
            let g = Int(groupOf[a])
            guard g >= 0 else { continue }
            let t = order.orderedAt.seconds
            if t < firstOrder[a] {
                secondOrder[a] = firstOrder[a]
                firstOrder[a] = t
            } else if t < secondOrder[a] {
                secondOrder[a] = t
            }
            if let p = periodIndex(order.orderedAt) {
                tallies[g][p].ordersInPeriod += 1
                if lastCountedPeriod[a] != p {
                    lastCountedPeriod[a] = p
                    tallies[g][p].purchasersInPeriod += 1
                }
            }
        }
        // Count purchasers to date by bucketing first/second order times into periods and accumulating.
        var firstIn = [[Int]](repeating: [Int](repeating: 0, count: periods.count + 1), count: groupCount)
        var secondIn = firstIn
        func bucket(_ t: Int64) -> Int? {
            if t == .max || t >= last.end.seconds { return nil }
            if t < first.start.seconds { return 0 }
            return periodIndex(Timestamp(seconds: t))
        }
        for a in 0..<dataset.accounts.count {
            let g = Int(groupOf[a])
            guard g >= 0 else { continue }
            if let p = bucket(firstOrder[a]) { firstIn[g][p] += 1 }
            if let p = bucket(secondOrder[a]) { secondIn[g][p] += 1 }
        }
        for g in 0..<groupCount {
            var purchasers = 0
            var repeaters = 0
            for p in periods.indices {
                purchasers += firstIn[g][p]
                repeaters += secondIn[g][p]
                tallies[g][p].purchasersToDate = purchasers
                tallies[g][p].repeatPurchasers = repeaters
            }
        }
    }
}

/// Acquisition spend per period, each cost spread evenly over the days it covers.
struct AcquisitionSpend {
    let costs: [AcquisitionCost]
    let fx: FxTable

    /// Spend in reporting-currency minor units for each period.
    func spend(in periods: [Period]) -> [Double] {
        periods.map { period in
            let first = period.startDate.daysSinceEpoch
            let end = period.endDate.daysSinceEpoch
            var total = 0.0
            for cost in costs {
                let costFirst = cost.periodStart.date.daysSinceEpoch
                let costEnd = cost.periodEnd.date.daysSinceEpoch + 1
                let days = costEnd - costFirst
                let overlap = min(end, costEnd) - max(first, costFirst)
                guard days > 0, overlap > 0, let amount = fx.convert(cost.amount, at: cost.periodStart) else { continue }
                total += amount * Double(overlap) / Double(days)
            }
            return total
        }
    }
}
