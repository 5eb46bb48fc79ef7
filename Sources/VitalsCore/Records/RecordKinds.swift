/// The descriptions of the canonical record kinds (docs/data-format.md, "Files"). A test checks that the document's
/// column tables say exactly what these do.
extension RecordKind {
    public static let fxRates = RecordKind(
        id: .fxRates, table: "fx_rate", label: "exchange rates",
        summary: "the rate of one currency into the reporting currency from a date on",
        columns: [
            RecordColumn("date", .timestamp, required: true, "the rate applies from this instant"),
            RecordColumn("currency", .currency, required: true, "one rate per (`date`, `currency`)"),
            RecordColumn("rate", .positiveNumber, required: true, "units of the **reporting currency** for one unit of `currency`"),
        ],
        key: .fields(["currency", "date"]), otherColumns: nil)

    public static let accounts = RecordKind(
        id: .accounts, table: "account", label: "accounts", summary: "a customer (or prospect) company",
        columns: [
            RecordColumn("account_id", .id, required: true, "unique account id"),
            RecordColumn("name", .text, required: true, "display name"),
            RecordColumn("created_at", .timestamp, "when the account was created"),
            RecordColumn("csm", .text, "the customer success manager who owns it"),
            RecordColumn("industry", .text),
            RecordColumn("country", .text),
            RecordColumn(
                "referred_by", .account,
                "the account that referred this one; must be in this file (earlier or later), not the account itself"),
        ],
        key: .id("account_id"), otherColumns: "custom attribute")

    public static let subscriptions = RecordKind(
        id: .subscriptions, table: "subscription_version", label: "subscription versions",
        summary: "the terms of one subscription item over a span of time",
        columns: [
            RecordColumn("subscription_id", .id, required: true, "the subscription; belongs to exactly one account"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("product", .text, required: true, "the product this item is for"),
            RecordColumn("plan", .text, "plan name (informational)"),
            RecordColumn(
                "amount", .money(nonNegative: true), required: true,
                "price per billing interval **per unit**; `amount` × `quantity` at most 10^15 minor units"),
            RecordColumn("currency", .currency, required: true, "currency of `amount` and `discount_amount`"),
            RecordColumn("interval", .choice(BillingInterval.allCases.map(\.rawValue)), required: true, "billing interval"),
            RecordColumn(
                "interval_count", .integer(RecordLimits.intervalCount), default: "`1`",
                "bills every *n* intervals (`3` + `month` = quarterly)"),
            RecordColumn("quantity", .integer(RecordLimits.quantity), default: "`1`", "units (seats)"),
            RecordColumn("discount_percent", .number(0...100), default: "`0`", "recurring (\"forever\") percentage discount"),
            RecordColumn(
                "discount_amount", .money(nonNegative: true), default: "`0`",
                "recurring fixed discount per billing interval (for the whole item, not per unit)"),
            RecordColumn("status", .choice(SubscriptionStatus.allCases.map(\.rawValue)), default: "`active`", "see below"),
            RecordColumn("valid_from", .timestamp, required: true, "first instant the version applies"),
            RecordColumn(
                "valid_to", .timestamp, default: "empty = still running", "**exclusive** end; must be after `valid_from`"),
        ],
        key: .id("subscription_id"), otherColumns: nil)

    public static let orders = RecordKind(
        id: .orders, table: "purchase_order", label: "orders", summary: "a one-time purchase (not MRR)",
        columns: [
            RecordColumn("order_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("ordered_at", .timestamp, required: true),
            RecordColumn("amount", .money(nonNegative: false), required: true),
            RecordColumn("currency", .currency, required: true),
        ],
        key: .id("order_id"), otherColumns: nil)

    public static let trials = RecordKind(
        id: .trials, table: "trial", label: "trials", summary: "a free trial of an account",
        columns: [
            RecordColumn("trial_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("started_at", .timestamp, required: true),
            RecordColumn("ends_at", .timestamp, required: true, "scheduled end; not before `started_at`"),
            RecordColumn(
                "converted_at", .timestamp, "when the trial became a paid subscription; not before `started_at`"),
            RecordColumn("canceled_at", .timestamp, "when it was canceled; not before `started_at`"),
        ],
        key: .id("trial_id"), otherColumns: nil)

    public static let acquisitionCosts = RecordKind(
        id: .acquisitionCosts, table: "acquisition_cost", label: "acquisition costs",
        summary: "sales and marketing spend over a span of days (not attributed to accounts)",
        columns: [
            RecordColumn("period_start", .date, required: true, "first day covered"),
            RecordColumn(
                "period_end", .date, required: true,
                "**last day covered, inclusive** (`2024-01-01` to `2024-01-31` is January); not before `period_start`"),
            RecordColumn(
                "amount", .money(nonNegative: false), required: true,
                "spend over the whole span; CAC spreads it evenly over its days"),
            RecordColumn("currency", .currency, required: true, "converted at the rate on `period_start`"),
            RecordColumn("channel", .text, "e.g. `ads`, `events`"),
        ],
        key: .fields(["period_start", "period_end", "channel"], optional: ["channel"]), otherColumns: nil)

    public static let surveyResponses = RecordKind(
        id: .surveyResponses, table: "survey_response", label: "survey responses",
        summary: "one answer to an NPS, CSAT or CES question",
        columns: [
            RecordColumn("response_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("survey", .choice(SurveyKind.allCases.map(\.rawValue)), required: true),
            RecordColumn("score", .number(nil), required: true, "must lie within the scale"),
            RecordColumn("scale_min", .number(nil), default: "nps `0`, csat `1`, ces `1`"),
            RecordColumn("scale_max", .number(nil), default: "nps `10`, csat `5`, ces `7`", "must be greater than `scale_min`"),
            RecordColumn("responded_at", .timestamp, required: true),
            RecordColumn("contact", .text, "who answered"),
            RecordColumn("comment", .text, "free text"),
        ],
        key: .id("response_id"), otherColumns: nil)

    public static let tickets = RecordKind(
        id: .tickets, table: "ticket", label: "tickets", summary: "a support ticket",
        columns: [
            RecordColumn("ticket_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("opened_at", .timestamp, required: true),
            RecordColumn("resolved_at", .timestamp, "not before `opened_at`; empty = still open"),
            RecordColumn("agent_replies", .integer(0...100_000)),
            RecordColumn("reopens", .integer(0...100_000)),
            RecordColumn(
                "first_contact_resolution", .boolean, default: "derived",
                "overrides the derivation from replies and reopens"),
            RecordColumn("channel", .text, "e.g. `email`, `chat`, `phone`"),
        ],
        key: .id("ticket_id"), otherColumns: nil)

    public static let usageEvents = RecordKind(
        id: .usageEvents, table: "usage_event", label: "usage events", summary: "one thing a user did in the product",
        columns: [
            RecordColumn("event_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("user_id", .text, required: true, "the person who acted"),
            RecordColumn("event", .text, required: true, "event name, e.g. `report_viewed`"),
            RecordColumn("occurred_at", .timestamp, required: true),
            RecordColumn("duration_seconds", .number(0...Double.infinity), "session or activity length"),
        ],
        key: .id("event_id"), otherColumns: "event property")

    public static let onboarding = RecordKind(
        id: .onboarding, table: "onboarding_milestone", label: "onboarding milestones",
        summary: "one milestone of an account's onboarding; the pair (account, milestone) is unique",
        columns: [
            RecordColumn("account_id", .account, required: true),
            RecordColumn("milestone", .text, required: true, "e.g. `kickoff`, `data_connected`"),
            RecordColumn(
                "required", .boolean, default: "`true`", "whether onboarding is complete only when this milestone is"),
            RecordColumn("started_at", .timestamp),
            RecordColumn("due_at", .timestamp),
            RecordColumn("completed_at", .timestamp, "not before `started_at`"),
        ],
        key: .fields(["account_id", "milestone"]), otherColumns: nil)

    public static let leads = RecordKind(
        id: .leads, table: "lead", label: "leads", summary: "a sales lead, from a customer or elsewhere",
        columns: [
            RecordColumn("lead_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, "the existing customer it comes from, if any"),
            RecordColumn("source", .choice(LeadSource.allCases.map(\.rawValue)), required: true),
            RecordColumn("created_at", .timestamp, required: true),
            RecordColumn("status", .choice(LeadStatus.allCases.map(\.rawValue)), required: true),
            RecordColumn("closed_at", .timestamp, "not before `created_at`"),
            RecordColumn("amount", .money(nonNegative: false), "expected or won value"),
            RecordColumn("currency", .currency, "required when `amount` is given"),
        ],
        key: .id("lead_id"), otherColumns: nil)

    public static let successGoals = RecordKind(
        id: .successGoals, table: "success_goal", label: "success goals",
        summary: "what a customer wants to achieve with the product",
        columns: [
            RecordColumn("goal_id", .id, required: true, "unique"),
            RecordColumn("account_id", .account, required: true),
            RecordColumn("name", .text, required: true, "what the customer wants to achieve"),
            RecordColumn("target_date", .timestamp),
            RecordColumn("achieved_at", .timestamp),
        ],
        key: .id("goal_id"), otherColumns: nil)

    public static let csmPulse = RecordKind(
        id: .csmPulse, table: "csm_pulse", label: "CSM pulses", summary: "a CSM's rating of an account's health",
        columns: [
            RecordColumn("account_id", .account, required: true),
            RecordColumn("recorded_at", .timestamp, required: true),
            RecordColumn("rating", .integer(1...5), required: true, "1 = at risk ... 5 = thriving"),
            RecordColumn("note", .text),
        ],
        key: .fields(["account_id", "recorded_at"]), otherColumns: nil)
}
