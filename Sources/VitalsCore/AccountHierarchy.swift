/// Parent and child accounts (`accounts.parent_account_id`, docs/workspace.md "Account hierarchy"): a parent
/// company's page rolls up its subsidiaries'.
public struct AccountHierarchy: Sendable {
    /// The direct children of each account that has any, in account order.
    public let children: [AccountIndex: [AccountIndex]]

    public init(_ dataset: Dataset) {
        var children: [AccountIndex: [AccountIndex]] = [:]
        for (k, account) in dataset.accounts.enumerated() {
            guard let parent = account.parent, let p = dataset.index(of: parent) else { continue }
            children[p, default: []].append(AccountIndex(k))
        }
        self.children = children
    }

    /// Every account below `account` (children, their children...), each once, nearest first. A loop of parents
    /// (refused at import) cannot make this run forever: an account is visited once.
    public func descendants(of account: AccountIndex) -> [AccountIndex] {
        var seen: Set<AccountIndex> = [account]
        var out: [AccountIndex] = []
        var next = 0
        var queue = children[account] ?? []
        while next < queue.count {
            let a = queue[next]
            next += 1
            guard seen.insert(a).inserted else { continue }
            out.append(a)
            queue.append(contentsOf: children[a] ?? [])
        }
        return out
    }

    /// The loops among `accounts`' parents (`a -> b -> a`), each listed once from its smallest id.
    public static func loops(_ accounts: [Account]) -> [[AccountID]] {
        var parent: [AccountID: AccountID] = [:]
        for a in accounts { if let p = a.parent { parent[a.id] = p } }
        var done: Set<AccountID> = []
        var loops: [[AccountID]] = []
        for start in accounts.map(\.id) where !done.contains(start) {
            var path: [AccountID] = []
            var onPath: [AccountID: Int] = [:]
            var at: AccountID? = start
            while let a = at, !done.contains(a) {
                if let i = onPath[a] {
                    let loop = Array(path[i...])
                    let smallest = loop.indices.min { loop[$0] < loop[$1] }!
                    loops.append(Array(loop[smallest...] + loop[..<smallest]))
                    break
                }
                onPath[a] = path.count
                path.append(a)
                at = parent[a]
            }
            done.formUnion(path)
        }
        return loops
    }

    /// The MRR-weighted mean of `scores` over `accounts` (each score weighted by its account's MRR; a plain mean
    /// when none has MRR); nil when no account has a score.
    public static func weightedScore(
        _ accounts: [AccountIndex], score: (AccountIndex) -> Double?, mrr: (AccountIndex) -> Double
    ) -> Double? {
        var weighted = 0.0
        var weights = 0.0
        var plain = 0.0
        var scored = 0
        for a in accounts {
            guard let s = score(a) else { continue }
            let w = max(0, mrr(a))
            weighted += s * w
            weights += w
            plain += s
            scored += 1
        }
        guard scored > 0 else { return nil }
        return weights > 0 ? weighted / weights : plain / Double(scored)
    }
}
