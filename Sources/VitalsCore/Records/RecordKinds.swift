/// The descriptions of the canonical record kinds (docs/data-format.md, "Files"). A test checks that the document's
/// column tables say exactly what these do.
extension RecordKind {
    public static let fxRates = RecordKind(
        id: .fxRates, table: "fx_rate", label: "exchange rates",
        summary: "the rate of one currency into the reporting currency from a date on",
        layout: FxRate.layout,
        key: .fields(["currency", "date"]), otherColumns: nil)

    public static let accounts = RecordKind(
        id: .accounts, table: "account", label: "accounts", summary: "a customer (or prospect) company",
        layout: Account.layout,
        key: .id("account_id"), otherColumns: "custom attribute")

    public static let subscriptions = RecordKind(
        id: .subscriptions, table: "subscription_version", label: "subscription versions",
        summary: "the terms of one subscription item over a span of time",
        layout: SubscriptionVersion.layout,
        // A subscription's versions share its id: one version is one product of it from one instant.
        key: .id("subscription_id"), unique: ["subscription_id", "product", "valid_from"], otherColumns: nil)

    public static let orders = RecordKind(
        id: .orders, table: "purchase_order", label: "orders", summary: "a one-time purchase (not MRR)",
        layout: Order.layout,
        key: .id("order_id"), otherColumns: nil)

    public static let trials = RecordKind(
        id: .trials, table: "trial", label: "trials", summary: "a free trial of an account",
        layout: Trial.layout,
        key: .id("trial_id"), otherColumns: nil)

    public static let acquisitionCosts = RecordKind(
        id: .acquisitionCosts, table: "acquisition_cost", label: "acquisition costs",
        summary: "sales and marketing spend over a span of days (not attributed to accounts)",
        layout: AcquisitionCost.layout,
        key: .fields(["period_start", "period_end", "channel"], optional: ["channel"]), otherColumns: nil)

    public static let surveyResponses = RecordKind(
        id: .surveyResponses, table: "survey_response", label: "survey responses",
        summary: "one answer to an NPS, CSAT or CES question",
        layout: SurveyResponse.layout,
        key: .id("response_id"), otherColumns: nil)

    public static let tickets = RecordKind(
        id: .tickets, table: "ticket", label: "tickets", summary: "a support ticket",
        layout: Ticket.layout,
        key: .id("ticket_id"), otherColumns: nil)

    public static let usageEvents = RecordKind(
        id: .usageEvents, table: "usage_event", label: "usage events", summary: "one thing a user did in the product",
        layout: UsageEvent.layout,
        key: .id("event_id"), otherColumns: "event property")

    public static let onboarding = RecordKind(
        id: .onboarding, table: "onboarding_milestone", label: "onboarding milestones",
        summary: "one milestone of an account's onboarding; the pair (account, milestone) is unique",
        layout: OnboardingMilestone.layout,
        key: .fields(["account_id", "milestone"]), otherColumns: nil)

    public static let leads = RecordKind(
        id: .leads, table: "lead", label: "leads", summary: "a sales lead, from a customer or elsewhere",
        layout: Lead.layout,
        key: .id("lead_id"), otherColumns: nil)

    public static let successGoals = RecordKind(
        id: .successGoals, table: "success_goal", label: "success goals",
        summary: "what a customer wants to achieve with the product",
        layout: SuccessGoal.layout,
        key: .id("goal_id"), otherColumns: nil)

    public static let csmPulse = RecordKind(
        id: .csmPulse, table: "csm_pulse", label: "CSM pulses", summary: "a CSM's rating of an account's health",
        layout: CsmPulse.layout,
        key: .fields(["account_id", "recorded_at"]), otherColumns: nil)

    public static let contacts = RecordKind(
        id: .contacts, table: "contact", label: "contacts", summary: "a person at a customer account",
        layout: Contact.layout,
        key: .id("contact_id"), otherColumns: nil)

    public static let activities = RecordKind(
        id: .activities, table: "activity", label: "activities",
        summary: "a note, call, meeting, email or business review the CS team logged on an account",
        layout: Activity.layout,
        key: .id("activity_id"), otherColumns: nil)

    public static let surveyInvitations = RecordKind(
        id: .surveyInvitations, table: "survey_invitation", label: "survey invitations",
        summary: "one contact asked to answer a hosted NPS, CSAT or CES survey, and how far it went",
        layout: SurveyInvitation.layout,
        key: .id("invitation_id"), otherColumns: nil)
}

extension SurveyInvitation {
    /// The columns of its record kind.
    public static let layout = RecordLayout<SurveyInvitation>(
        \.surveyInvitations,
        blank: SurveyInvitation(
            id: "", account: AccountIndex(0), contact: "", survey: .nps, trigger: .manual, sentAt: Timestamp(seconds: 0)),
        [
            RecordField("invitation_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("contact_id", .text, required: true, "the contact asked: a contact of the same account", \.contact),
            RecordField("survey", .choice(SurveyKind.allCases.map(\.rawValue)), required: true, "", \.survey),
            RecordField(
                "trigger", .choice(SurveyTrigger.allCases.map(\.rawValue)), required: true, "why it was sent", \.trigger),
            RecordField("reference", .text, "what caused it, e.g. the resolved ticket's id", \.reference),
            RecordField("sent_at", .timestamp, required: true, "when it was queued for sending", \.sentAt),
            RecordField("opened_at", .timestamp, "first time its link was opened; not before `sent_at`", \.openedAt),
            RecordField("answered_at", .timestamp, "when it was answered; not before `sent_at`", \.answeredAt),
            RecordField("response_id", .text, "the answer's `survey_responses` record", \.response),
        ])
}

extension Contact {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Contact>(
        \.contacts, blank: Contact(id: "", account: AccountIndex(0)),
        [
            RecordField("contact_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "the account the person works for", \.account),
            RecordField("name", .text, "", \.name),
            RecordField("email", .text, "an address with an `@`", \.email),
            RecordField("role", .choice(ContactRole.allCases.map(\.rawValue)), default: "`other`", "", \.role),
            RecordField("title", .text, "job title", \.title),
            RecordField("primary", .boolean, default: "`false`", "the account's main contact", \.primary),
        ])
}

extension Activity {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Activity>(
        \.activities, blank: Activity(id: "", account: AccountIndex(0), kind: .note, occurredAt: Timestamp(seconds: 0)),
        [
            RecordField("activity_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("kind", .choice(ActivityKind.allCases.map(\.rawValue)), required: true, "", \.kind),
            RecordField("occurred_at", .timestamp, required: true, "", \.occurredAt),
            RecordField("author", .text, "who logged it", \.author),
            RecordField("contact_id", .text, "the contact it was with: a contact of the same account", \.contact),
            RecordField("subject", .text, "", \.subject),
            RecordField("body", .text, "", \.body),
            RecordField("sentiment", .choice(Sentiment.allCases.map(\.rawValue)), "how it went", \.sentiment),
        ])
}

extension FxRate {
    /// The columns of its record kind.
    public static let layout = RecordLayout<FxRate>(
        \.fxRates, blank: FxRate(date: Timestamp(seconds: 0), currency: .usd, rate: 1),
        [
            RecordField("date", .timestamp, required: true, "the rate applies from this instant", \.date),
            RecordField("currency", .currency, required: true, "one rate per (`date`, `currency`)", \.currency),
            RecordField("rate", .positiveNumber, required: true, "units of the **reporting currency** for one unit of `currency`", \.rate),
        ])
}

extension SubscriptionVersion {
    /// The columns of its record kind.
    public static let layout = RecordLayout<SubscriptionVersion>(
        \.subscriptions, blank: SubscriptionVersion(subscriptionID: "", account: AccountIndex(0), product: "", amount: Money(minorUnits: 0, currency: .usd), validFrom: Timestamp(seconds: 0)),
        [
            RecordField("subscription_id", .id, required: true, "the subscription; belongs to exactly one account", \.subscriptionID),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("product", .text, required: true, "the product this item is for", \.product),
            RecordField("plan", .text, "plan name (informational)", \.plan),
            RecordField(
                "amount", .money(nonNegative: true), required: true,
                "price per billing interval **per unit**; `amount` × `quantity` at most 10^15 minor units", \.amount),
            RecordField("currency", .currency, required: true, "currency of `amount` and `discount_amount`", \.amount.currency),
            RecordField("interval", .choice(BillingInterval.allCases.map(\.rawValue)), required: true, "billing interval", \.interval),
            RecordField(
                "interval_count", .integer(RecordLimits.intervalCount), default: "`1`",
                "bills every *n* intervals (`3` + `month` = quarterly)", \.intervalCount),
            RecordField("quantity", .integer(RecordLimits.quantity), default: "`1`", "units (seats)", \.quantity),
            RecordField("discount_percent", .number(0...100), default: "`0`", "recurring (\"forever\") percentage discount", \.discountPercent),
            RecordField(
                "discount_amount", .money(nonNegative: true), default: "`0`",
                "recurring fixed discount per billing interval (for the whole item, not per unit)",
                storage: .money, optional: false,
                get: { .money(Money(minorUnits: $0.discountAmount, currency: $0.amount.currency)) },
                set: { version, value in
                    guard case .money(let m) = value else { return false }
                    version.discountAmount = m.minorUnits
                    return true
                }),
            RecordField("status", .choice(SubscriptionStatus.allCases.map(\.rawValue)), default: "`active`", "see below", \.status),
            RecordField("valid_from", .timestamp, required: true, "first instant the version applies", \.validFrom),
            RecordField(
                "valid_to", .timestamp, default: "empty = still running", "**exclusive** end; must be after `valid_from`", \.validTo),
            RecordField(
                "renews_at", .timestamp, default: "end of the term",
                "next renewal date, overriding the term counted from the first `valid_from`; after `valid_from`", \.renewsAt),
            RecordField(
                "cancel_reason", .text,
                "why it was cancelled (free text or a code, at most \(RecordLimits.cancelReasonLength) characters), on the version that ends it",
                \.cancelReason),
        ])
}

extension Order {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Order>(
        \.orders, blank: Order(id: "", account: AccountIndex(0), orderedAt: Timestamp(seconds: 0), amount: Money(minorUnits: 0, currency: .usd)),
        [
            RecordField("order_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("ordered_at", .timestamp, required: true, "", \.orderedAt),
            RecordField("amount", .money(nonNegative: false), required: true, "", \.amount),
            RecordField("currency", .currency, required: true, "", \.amount.currency),
        ])
}

extension Trial {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Trial>(
        \.trials, blank: Trial(id: "", account: AccountIndex(0), startedAt: Timestamp(seconds: 0), endsAt: Timestamp(seconds: 0)),
        [
            RecordField("trial_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("started_at", .timestamp, required: true, "", \.startedAt),
            RecordField("ends_at", .timestamp, required: true, "scheduled end; not before `started_at`", \.endsAt),
            RecordField(
                "converted_at", .timestamp, "when the trial became a paid subscription; not before `started_at`", \.convertedAt),
            RecordField("canceled_at", .timestamp, "when it was canceled; not before `started_at`", \.canceledAt),
        ])
}

extension AcquisitionCost {
    /// The columns of its record kind.
    public static let layout = RecordLayout<AcquisitionCost>(
        \.acquisitionCosts, blank: AcquisitionCost(periodStart: Timestamp(seconds: 0), periodEnd: Timestamp(seconds: 0), amount: Money(minorUnits: 0, currency: .usd)),
        [
            RecordField("period_start", .date, required: true, "first day covered", \.periodStart),
            RecordField(
                "period_end", .date, required: true,
                "**last day covered, inclusive** (`2024-01-01` to `2024-01-31` is January); not before `period_start`", \.periodEnd),
            RecordField(
                "amount", .money(nonNegative: false), required: true,
                "spend over the whole span; CAC spreads it evenly over its days", \.amount),
            RecordField("currency", .currency, required: true, "converted at the rate on `period_start`", \.amount.currency),
            RecordField("channel", .text, "e.g. `ads`, `events`", \.channel),
        ])
}

extension SurveyResponse {
    /// The columns of its record kind.
    public static let layout = RecordLayout<SurveyResponse>(
        \.surveyResponses, blank: SurveyResponse(id: "", account: AccountIndex(0), survey: .nps, score: 0, respondedAt: Timestamp(seconds: 0)),
        [
            RecordField("response_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("survey", .choice(SurveyKind.allCases.map(\.rawValue)), required: true, "", \.survey),
            RecordField("score", .number(nil), required: true, "must lie within the scale", \.score),
            RecordField("scale_min", .number(nil), default: "nps `0`, csat `1`, ces `1`", "", \.scaleMin),
            RecordField("scale_max", .number(nil), default: "nps `10`, csat `5`, ces `7`", "must be greater than `scale_min`", \.scaleMax),
            RecordField("responded_at", .timestamp, required: true, "", \.respondedAt),
            RecordField("contact", .text, "who answered", \.contact),
            RecordField("comment", .text, "free text", \.comment),
            RecordField("source", .text, "where it was answered: `vitals` for Vitals' hosted surveys", \.source),
        ])
}

extension Ticket {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Ticket>(
        \.tickets, blank: Ticket(id: "", account: AccountIndex(0), openedAt: Timestamp(seconds: 0)),
        [
            RecordField("ticket_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("opened_at", .timestamp, required: true, "", \.openedAt),
            RecordField("resolved_at", .timestamp, "not before `opened_at`; empty = still open", \.resolvedAt),
            RecordField("agent_replies", .integer(0...100_000), "", \.agentReplies),
            RecordField("reopens", .integer(0...100_000), "", \.reopens),
            RecordField(
                "first_contact_resolution", .boolean, default: "derived",
                "overrides the derivation from replies and reopens", \.firstContactResolution),
            RecordField("channel", .text, "e.g. `email`, `chat`, `phone`", \.channel),
            RecordField(
                "priority", .choice(TicketPriority.allCases.map(\.rawValue)), "how urgent support judged it",
                \.priority),
            RecordField("contact_id", .text, "who asked: a contact of the same account", \.contact),
        ])
}

extension OnboardingMilestone {
    /// The columns of its record kind.
    public static let layout = RecordLayout<OnboardingMilestone>(
        \.onboarding, blank: OnboardingMilestone(account: AccountIndex(0), milestone: ""),
        [
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("milestone", .text, required: true, "e.g. `kickoff`, `data_connected`", \.milestone),
            RecordField(
                "required", .boolean, default: "`true`", "whether onboarding is complete only when this milestone is", \.required),
            RecordField("started_at", .timestamp, "", \.startedAt),
            RecordField("due_at", .timestamp, "", \.dueAt),
            RecordField("completed_at", .timestamp, "not before `started_at`", \.completedAt),
        ])
}

extension Lead {
    /// The columns of its record kind.
    public static let layout = RecordLayout<Lead>(
        \.leads, blank: Lead(id: "", source: .other, createdAt: Timestamp(seconds: 0), status: .open),
        [
            RecordField("lead_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, "the existing customer it comes from, if any", \.account),
            RecordField("source", .choice(LeadSource.allCases.map(\.rawValue)), required: true, "", \.source),
            RecordField("created_at", .timestamp, required: true, "", \.createdAt),
            RecordField("status", .choice(LeadStatus.allCases.map(\.rawValue)), required: true, "", \.status),
            RecordField("closed_at", .timestamp, "not before `created_at`", \.closedAt),
            RecordField("amount", .money(nonNegative: false), "expected or won value", \.amount),
            RecordField("currency", .currency, "required when `amount` is given",
                storage: .text, optional: true, get: { $0.amount.map { .text($0.currency.code) } ?? .null },
                set: { lead, value in
                    // The amount carries its currency; a stored or written currency only has to agree with it.
                    switch value {
                    case .null: return lead.amount == nil
                    case .text(let code): return lead.amount.map { $0.currency.code == code } ?? false
                    default: return false
                    }
                }),
        ])
}

extension SuccessGoal {
    /// The columns of its record kind.
    public static let layout = RecordLayout<SuccessGoal>(
        \.successGoals, blank: SuccessGoal(id: "", account: AccountIndex(0), name: ""),
        [
            RecordField("goal_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("name", .text, required: true, "what the customer wants to achieve", \.name),
            RecordField("target_date", .timestamp, "", \.targetDate),
            RecordField("achieved_at", .timestamp, "", \.achievedAt),
        ])
}

extension CsmPulse {
    /// The columns of its record kind.
    public static let layout = RecordLayout<CsmPulse>(
        \.csmPulses, blank: CsmPulse(account: AccountIndex(0), recordedAt: Timestamp(seconds: 0), rating: 1),
        [
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("recorded_at", .timestamp, required: true, "", \.recordedAt),
            RecordField("rating", .integer(1...5), required: true, "1 = at risk ... 5 = thriving", \.rating),
            RecordField("note", .text, "", \.note),
        ])
}

extension Account {
    /// The columns of accounts (`RecordKind.accounts`).
    public static let layout = RecordLayout<Account>(
        nil, blank: Account(id: "", name: ""),
        [
            RecordField("account_id", .id, required: true, "unique account id", \.id),
            RecordField("name", .text, required: true, "display name", \.name),
            RecordField("created_at", .timestamp, "when the account was created", \.createdAt),
            RecordField("csm", .text, "the customer success manager who owns it", \.csm),
            RecordField("industry", .text, "", \.industry),
            RecordField("country", .text, "", \.country),
            RecordField(
                "referred_by", .account,
                "the account that referred this one; must be in this file (earlier or later), not the account itself", \.referredBy),
            RecordField(
                "parent_account_id", .account,
                "the account this one belongs to (a subsidiary's parent company): a known account, not the account itself, and no loop of parents",
                \.parent),
        ])
}

extension UsageEvent {
    /// The columns of usage events (`RecordKind.usageEvents`).
    public static let layout = RecordLayout<UsageEvent>(
        nil, blank: UsageEvent(id: "", account: AccountIndex(0), user: "", event: "", occurredAt: Timestamp(seconds: 0)),
        [
            RecordField("event_id", .id, required: true, "unique", \.id),
            RecordField("account_id", .account, required: true, "", \.account),
            RecordField("user_id", .text, required: true, "the person who acted", \.user),
            RecordField("event", .text, required: true, "event name, e.g. `report_viewed`", \.event),
            RecordField("occurred_at", .timestamp, required: true, "", \.occurredAt),
            RecordField("duration_seconds", .number(0...Double.infinity), "session or activity length", \.durationSeconds),
        ])
}
