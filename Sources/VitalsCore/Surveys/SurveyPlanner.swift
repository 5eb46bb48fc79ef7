/// Which survey invitations are due (docs/surveys.md, "Triggers" and "Limits"): pure, from the dataset, the settings,
/// the suppressed addresses and the instant `now` the caller passes.
///
/// - CSAT (`ticket_resolved`): to the contact of each ticket resolved at least `csatDelaySeconds` and at most
///   `lookbackSeconds` before `now`; once per ticket.
/// - CES (`onboarding_completed`): to an account's primary contact (else its first contact by id with an address) when
///   its required milestones are all complete, the last at most `lookbackSeconds` before `now`; once per account.
/// - NPS (`periodic`): time is cut into rounds of `npsEveryDays` days from 1970-01-01; in each round a deterministic
///   `npsSample` share of each account's contacts (rounded up; the contacts with the smallest hash of id and round)
///   is asked once.
///
/// The limits hold for every trigger: a contact asked within `minDaysBetweenSurveys` days (by any invitation, or
/// earlier in the same plan) is skipped, as is one whose address is suppressed or not an email address. Candidates are
/// taken CSAT first, then CES, then NPS, so that the most specific question wins when a contact is due for several.
public enum SurveyPlanner {
    /// An invitation to send.
    public struct Planned: Sendable, Equatable {
        public var id: SurveyInvitationID
        public var account: AccountIndex
        public var contact: ContactID
        public var survey: SurveyKind
        public var trigger: SurveyTrigger
        public var reference: String

        public init(
            id: SurveyInvitationID, account: AccountIndex, contact: ContactID, survey: SurveyKind, trigger: SurveyTrigger,
            reference: String
        ) {
            self.id = id
            self.account = account
            self.contact = contact
            self.survey = survey
            self.trigger = trigger
            self.reference = reference
        }
    }

    /// Why a contact may not be asked now.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        /// Asked at `at`, less than `minDaysBetweenSurveys` days ago.
        case askedRecently(at: Timestamp, minDays: Int)
        /// The address unsubscribed from surveys (or from everything).
        case unsubscribed
        /// The contact has no valid email address.
        case noEmail
        /// No such contact in the account.
        case unknownContact

        public var description: String {
            switch self {
            case .askedRecently(let at, let days):
                "min_days_between_surveys: the contact was asked on \(at.date), less than \(days) days ago"
            case .unsubscribed: "unsubscribed: the contact's address no longer receives surveys"
            case .noEmail: "no_email: the contact has no valid email address"
            case .unknownContact: "unknown contact: not a contact of this account"
            }
        }
    }

    /// The invitations due at `now`.
    /// - Parameter suppressed: normalized addresses that must not get surveys (scope `surveys` or `all`).
    public static func plan(
        _ dataset: Dataset, settings: SurveySettings, suppressed: Set<String>, now: Timestamp
    ) -> [Planned] {
        var limits = Limits(dataset, settings: settings, suppressed: suppressed, now: now)
        let contacts = Dictionary(dataset.contacts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let sent = Set(dataset.surveyInvitations.map { Key($0.trigger, $0.reference, $0.contact) })
        var planned: [Planned] = []

        func offer(_ contact: Contact, _ survey: SurveyKind, _ trigger: SurveyTrigger, _ reference: String, id: String) {
            guard !sent.contains(Key(trigger, reference, contact.id)), limits.refusal(contact) == nil else { return }
            limits.asked(contact)
            planned.append(
                Planned(
                    id: SurveyInvitationID(id), account: contact.account, contact: contact.id, survey: survey,
                    trigger: trigger, reference: reference))
        }

        let earliest = now.seconds - settings.lookbackSeconds
        if settings.triggers.contains(.ticketResolved) {
            let latest = now.seconds - settings.csatDelaySeconds
            let due = dataset.tickets.filter { t in
                guard let resolved = t.resolvedAt?.seconds, t.contact != nil else { return false }
                return resolved <= latest && resolved >= earliest
            }
            for ticket in due.sorted(by: { ($0.resolvedAt!, $0.id) < ($1.resolvedAt!, $1.id) }) {
                guard let contact = contacts[ticket.contact!], contact.account == ticket.account else { continue }
                offer(contact, .csat, .ticketResolved, ticket.id.rawValue, id: "csat-" + ticket.id.rawValue)
            }
        }
        if settings.triggers.contains(.onboardingCompleted) {
            for (account, completed) in onboardingCompletions(dataset) where completed.seconds <= now.seconds
                && completed.seconds >= earliest
            {
                let accountID = dataset[account].id.rawValue
                let people = dataset.contacts.filter { $0.account == account && EmailAddress.normalized($0.email ?? "") != nil }
                guard let first = people.first(where: \.primary) ?? people.min(by: { $0.id < $1.id }) else { continue }
                offer(first, .ces, .onboardingCompleted, accountID, id: "ces-" + accountID)
            }
        }
        if settings.triggers.contains(.periodic), settings.npsSample > 0, settings.npsEveryDays > 0 {
            let round = now.seconds / (Int64(settings.npsEveryDays) * 86_400)
            let reference = "round-\(round)"
            for people in Dictionary(grouping: dataset.contacts, by: \.account).sorted(by: { $0.key < $1.key }).map(\.value) {
                for contact in sample(people, share: settings.npsSample, round: round) {
                    offer(contact, .nps, .periodic, reference, id: "nps-\(round)-" + contact.id.rawValue)
                }
            }
        }
        return planned
    }

    /// Why `contact` may not be asked at `now`, or `nil` when it may (the limits of a manual send).
    public static func refusal(
        _ contact: Contact, in dataset: Dataset, settings: SurveySettings, suppressed: Set<String>, now: Timestamp
    ) -> Refusal? {
        Limits(dataset, settings: settings, suppressed: suppressed, now: now).refusal(contact)
    }

    /// The contacts of one account asked in NPS round `round`: `ceil(share x count)` of them, those with the smallest
    /// `hash(contact id, round)`.
    public static func sample(_ contacts: [Contact], share: Double, round: Int64) -> [Contact] {
        guard share > 0, !contacts.isEmpty else { return [] }
        let count = min(contacts.count, Int((share * Double(contacts.count)).rounded(.up)))
        let ranked = contacts.map { ($0, hash($0.id.rawValue, round)) }.sorted { ($0.1, $0.0.id) < ($1.1, $1.0.id) }
        return ranked.prefix(count).map(\.0).sorted { $0.id < $1.id }
    }

    /// FNV-1a of the text, mixed with the round by SplitMix64's finalizer: the same on every machine.
    static func hash(_ text: String, _ round: Int64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var generator = SplitMix64(state: h ^ UInt64(bitPattern: round))
        return generator.next()
    }

    /// When each account's onboarding completed: the last `completed_at` of its required milestones, for accounts
    /// whose required milestones are all complete.
    static func onboardingCompletions(_ dataset: Dataset) -> [(AccountIndex, Timestamp)] {
        var last: [AccountIndex: Timestamp] = [:]
        var open: Set<AccountIndex> = []
        for m in dataset.onboarding where m.required {
            if let done = m.completedAt {
                if last[m.account].map({ done > $0 }) ?? true { last[m.account] = done }
            } else {
                open.insert(m.account)
            }
        }
        return last.filter { !open.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One invitation per trigger, reference and contact.
    private struct Key: Hashable {
        var trigger: SurveyTrigger
        var reference: String?
        var contact: ContactID
        init(_ trigger: SurveyTrigger, _ reference: String?, _ contact: ContactID) {
            self.trigger = trigger
            self.reference = reference
            self.contact = contact
        }
    }

    /// The recontact limits, as the plan grows.
    private struct Limits {
        let settings: SurveySettings
        let suppressed: Set<String>
        /// The last time each contact was asked.
        var lastAsked: [ContactID: Timestamp] = [:]
        let now: Timestamp

        init(_ dataset: Dataset, settings: SurveySettings, suppressed: Set<String>, now: Timestamp) {
            self.settings = settings
            self.suppressed = suppressed
            self.now = now
            for i in dataset.surveyInvitations where lastAsked[i.contact].map({ i.sentAt > $0 }) ?? true {
                lastAsked[i.contact] = i.sentAt
            }
        }

        func refusal(_ contact: Contact) -> Refusal? {
            guard let address = EmailAddress.normalized(contact.email ?? "") else { return .noEmail }
            if suppressed.contains(address) { return .unsubscribed }
            if let at = lastAsked[contact.id],
                now.seconds - at.seconds < Int64(settings.minDaysBetweenSurveys) * 86_400
            {
                return .askedRecently(at: at, minDays: settings.minDaysBetweenSurveys)
            }
            return nil
        }

        mutating func asked(_ contact: Contact) { lastAsked[contact.id] = now }
    }
}
