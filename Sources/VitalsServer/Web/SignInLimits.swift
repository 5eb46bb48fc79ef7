import Foundation

/// Limits on signing in (issue 26, defect 6). Failed attempts are counted by account (the email given) and by client
/// address over a sliding window; past the limit of either, every attempt is refused until the window has let the
/// oldest failure go, whatever the password, so a guesser learns nothing from a right one. A success clears the
/// account's count. The tables are bounded: past `maximumKeys` entries the stalest go, so a flood of made-up emails
/// cannot grow the memory.
actor SignInLimits {
    struct Policy: Sendable {
        /// Failures of one account within `window` after which it is locked.
        var perAccount = 5
        /// Failures from one address within `window` after which it is locked.
        var perAddress = 20
        var window: TimeInterval = 15 * 60
        var maximumKeys = 50_000
    }

    let policy: Policy
    private var failures: [String: [Date]] = [:]

    init(policy: Policy = Policy()) { self.policy = policy }

    /// When `email` from `address` may try again, or nil when it may now.
    func lockedUntil(email: String, address: String, at now: Date) -> Date? {
        let limits = [(Self.accountKey(email), policy.perAccount), (Self.addressKey(address), policy.perAddress)]
        var until: Date?
        for (key, limit) in limits {
            let recent = recentFailures(key, at: now)
            guard recent.count >= limit else { continue }
            // Locked until the failure that brought the count to the limit leaves the window.
            let free = recent[recent.count - limit].addingTimeInterval(policy.window)
            until = max(until ?? free, free)
        }
        return until
    }

    func recordFailure(email: String, address: String, at now: Date) {
        for key in [Self.accountKey(email), Self.addressKey(address)] {
            failures[key, default: []].append(now)
            failures[key] = recentFailures(key, at: now)
        }
        if failures.count > policy.maximumKeys { forgetStalest(at: now) }
    }

    func recordSuccess(email: String) { failures[Self.accountKey(email)] = nil }

    private func recentFailures(_ key: String, at now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < policy.window }
    }

    private func forgetStalest(at now: Date) {
        failures = failures.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < policy.window }
        guard failures.count > policy.maximumKeys else { return }
        let keep = failures.sorted { $0.value.last! > $1.value.last! }.prefix(policy.maximumKeys / 2)
        failures = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }

    private static func accountKey(_ email: String) -> String { "account " + email.lowercased() }
    private static func addressKey(_ address: String) -> String { "address " + address }
}

/// Runs bcrypt on at most `workers` threads at once, with at most `queue` more waiting: a flood of sign-ins waits
/// behind a few hashes instead of taking every core from the rest of the server, and past the queue it is refused
/// at once (503) rather than piling up.
actor HashingGate {
    let workers: Int
    let queue: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount / 2), queue: Int = 32) {
        self.workers = workers
        self.queue = queue
    }

    struct Busy: Error {}

    /// How many hashes run and how many wait.
    var load: (running: Int, waiting: Int) { (running, waiting.count) }

    /// `work` on a thread of its own once a worker is free; `Busy` when the queue is full.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        if running >= workers {
            guard waiting.count < queue else { throw Busy() }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// Hands the worker to the next in line, or frees it.
    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}
