/// Every change of MRR, per account and product, in time order: the history that all revenue KPIs are read from.
///
/// Stored flat (compressed-sparse-row): the changes of account `a` are `offsets[a] ..< offsets[a + 1]`, sorted by time.
public struct RevenueTimeline: Sendable {
    public let accountCount: Int
    public let offsets: [Int]
    public let times: [Int64]
    public let products: [Int32]
    public let deltas: [Int64]
    /// Product names by the index used in `products`.
    public let productNames: [String]

    public init(spans: [SubscriptionMRR.Span], accountCount: Int) {
        var productIndex: [String: Int32] = [:]
        var productNames: [String] = []
        var counts = [Int](repeating: 0, count: accountCount + 1)
        for span in spans { counts[span.account.int + 1] += span.to == nil ? 1 : 2 }
        for a in 0..<accountCount { counts[a + 1] += counts[a] }
        let total = counts[accountCount]
        var times = [Int64](repeating: 0, count: total)
        var products = [Int32](repeating: 0, count: total)
        var deltas = [Int64](repeating: 0, count: total)
        var cursor = counts
        // Spans of one product tend to follow each other: the last one's index is tried before the table.
        var last: (name: String, index: Int32)?
        for span in spans {
            let product: Int32
            if let last, last.name == span.product {
                product = last.index
            } else if let known = productIndex[span.product] {
                product = known
            } else {
                product = Int32(productNames.count)
                productIndex[span.product] = product
                productNames.append(span.product)
            }
            last = (span.product, product)
            let a = span.account.int
            times[cursor[a]] = span.from.seconds
            products[cursor[a]] = product
            deltas[cursor[a]] = span.mrr
            cursor[a] += 1
            if let to = span.to {
                times[cursor[a]] = to.seconds
                products[cursor[a]] = product
                deltas[cursor[a]] = -span.mrr
                cursor[a] += 1
            }
        }
        // Sort each account's slice by time, in place and stably (an insertion sort: slices are short, a handful of
        // versions per account, and most are in order already).
        for a in 0..<accountCount where counts[a + 1] - counts[a] > 1 {
            for i in (counts[a] + 1)..<counts[a + 1] where times[i] < times[i - 1] {
                let (t, p, d) = (times[i], products[i], deltas[i])
                var j = i
                while j > counts[a] && times[j - 1] > t {
                    (times[j], products[j], deltas[j]) = (times[j - 1], products[j - 1], deltas[j - 1])
                    j -= 1
                }
                (times[j], products[j], deltas[j]) = (t, p, d)
            }
        }
        self.accountCount = accountCount
        self.offsets = counts
        self.times = times
        self.products = products
        self.deltas = deltas
        self.productNames = productNames
    }

    public init(dataset: Dataset, settings: ReportSettings, fx: FxTable) {
        let spans = SubscriptionMRR.spans(of: dataset.subscriptions, fx: fx, delinquencyDays: settings.delinquencyDays)
        self.init(spans: spans, accountCount: dataset.accounts.count)
    }

    /// The account's MRR just before `t` (all changes strictly before `t` applied).
    public func mrr(of account: AccountIndex, before t: Timestamp) -> Int64 {
        var total: Int64 = 0
        for i in offsets[account.int]..<offsets[account.int + 1] {
            if times[i] >= t.seconds { break }
            total += deltas[i]
        }
        return total
    }

    /// The account's MRR history as `(instant, MRR from then on)` steps.
    public func history(of account: AccountIndex) -> [(at: Timestamp, mrr: Int64)] {
        var steps: [(at: Timestamp, mrr: Int64)] = []
        var total: Int64 = 0
        var i = offsets[account.int]
        let end = offsets[account.int + 1]
        while i < end {
            let t = times[i]
            while i < end && times[i] == t {
                total += deltas[i]
                i += 1
            }
            if steps.last?.mrr != total { steps.append((Timestamp(seconds: t), total)) }
        }
        return steps
    }
}
