import VitalsCore

/// Writes the people at each paying customer (a champion first, the buyer and a few users) and the CS team's log of
/// calls, notes, meetings, emails and business reviews with them: about one a month while the account is a
/// customer, more often for larger plans, in a tone that follows the account's health.
struct Relationships {
    let window: Window
    private var contactIDs = SequentialID("con_", width: 7)
    private var activityIDs = SequentialID("act_", width: 8)
    private var people: [ContactID] = []

    init(window: Window) { self.window = window }

    /// The parent of the `k`th account, if it is a subsidiary of an earlier one (about one in 40).
    static func parent(of k: Int, rng: inout SeededRandom) -> AccountID? {
        guard k > 10, rng.chance(0.025) else { return nil }
        return AccountID(IDFormat.account(1 + rng.int(k)))
    }

    mutating func generate(_ plan: AccountPlan, life: AccountLife, rng: inout SeededRandom, dataset: inout Dataset) {
        guard let paid = life.firstPaidDay else { return }
        let domain = String(plan.name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(24)) + ".example"
        let roles: [ContactRole] =
            switch plan.plan {
            case .starter: [.champion, .billing]
            case .growth: [.champion, .economicBuyer, .user]
            case .scale: [.champion, .decisionMaker, .economicBuyer, .user, .user]
            }
        people.removeAll(keepingCapacity: true)
        for (n, role) in roles.enumerated() where n == 0 || rng.chance(0.8) {
            let first = rng.pick(Self.firstNames)
            let last = rng.pick(Self.lastNames)
            let id = ContactID(contactIDs.next())
            people.append(id)
            dataset.contacts.append(
                Contact(
                    id: id, account: life.index, name: "\(first) \(last)",
                    email: "\(first.lowercased()).\(last.lowercased())@\(domain)", role: role,
                    title: Self.titles[role], primary: n == 0))
        }
        // Touches while the account is a customer: every 20-60 days, sooner for larger plans.
        let end = min(window.endDay, (life.spans.last.map { Int($0.to / 86_400) }) ?? window.endDay)
        let gap = plan.plan == .scale ? 20 : plan.plan == .growth ? 35 : 55
        var day = paid + 3 + rng.int(10)
        var sinceReview = 0
        while day < end {
            let health = life.health[min(life.health.count - 1, max(0, window.month(ofDay: day)))]
            sinceReview += 1
            let kind: ActivityKind =
                plan.plan != .starter && sinceReview >= (plan.plan == .scale ? 4 : 6)
                ? .qbr : [.call, .email, .note, .meeting][rng.weighted([3, 4, 2, 1.5])]
            if kind == .qbr { sinceReview = 0 }
            let tone = health + 0.25 * rng.normal()
            let sentiment: Sentiment = tone > 0.65 ? .positive : tone < 0.35 ? .negative : .neutral
            let subject = rng.pick(Self.subjects[sentiment]![kind]!)
            dataset.activities.append(
                VitalsCore.Activity(
                    id: ActivityID(activityIDs.next()), account: life.index, kind: kind,
                    occurredAt: Timestamp(seconds: Int64(day) * 86_400 + Int64(9 * 3600 + rng.int(8 * 3600))),
                    author: plan.csm, contact: kind == .note ? nil : rng.pick(people), subject: subject,
                    sentiment: kind == .note ? nil : sentiment))
            day += gap / 2 + rng.int(gap)
        }
    }

    static let firstNames = [
        "Ana", "Ben", "Chloe", "David", "Elena", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Maya",
        "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Wei", "Yara", "Zoe",
    ]
    static let lastNames = [
        "Adams", "Bauer", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jensen", "Kim", "Lopez",
        "Moreau", "Nakamura", "Okafor", "Patel", "Rossi", "Schmidt", "Tanaka", "Urban", "Novak", "Weber", "Young",
    ]
    static let titles: [ContactRole: String] = [
        .champion: "Operations Lead", .decisionMaker: "VP Operations", .economicBuyer: "CFO", .billing: "Accounts Payable",
        .user: "Analyst", .other: "Consultant",
    ]
    static let subjects: [Sentiment: [ActivityKind: [String]]] = [
        .positive: [
            .call: ["Expansion ideas", "Check-in: going well", "New team onboarded"],
            .email: ["Thanks for the quick fix", "Sharing a success story", "Seats for the new team"],
            .note: ["Champion very engaged", "Good adoption this month"],
            .meeting: ["Roadmap preview", "Workshop with new users"],
            .qbr: ["QBR: goals met, planning next quarter"],
        ],
        .neutral: [
            .call: ["Monthly check-in", "Renewal timeline", "Usage review"],
            .email: ["Invoice question", "Feature request follow-up", "Training materials"],
            .note: ["No change this month", "Waiting on their IT team"],
            .meeting: ["Admin training", "Integration review"],
            .qbr: ["QBR: mixed results, agreed next steps"],
        ],
        .negative: [
            .call: ["Escalation: reporting issues", "Budget concerns", "Unhappy with support"],
            .email: ["Complaint about downtime", "Asked about cancelling", "Price increase pushback"],
            .note: ["Champion quiet for weeks", "Usage dropping"],
            .meeting: ["Recovery plan", "Executive escalation"],
            .qbr: ["QBR: goals missed, risk of churn"],
        ],
    ]
}
