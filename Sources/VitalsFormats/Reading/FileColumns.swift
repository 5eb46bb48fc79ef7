/// Where the canonical usage columns sit in a usage_events file, looked up once per file: its rows come by the million,
/// and finding the columns by name on each costs more than reading the values.
struct UsageColumns {
    let id, account, user, event, occurredAt, duration: Int?

    init(_ table: some RecordRow) {
        id = table.position(of: "event_id")
        account = table.position(of: "account_id")
        user = table.position(of: "user_id")
        event = table.position(of: "event")
        occurredAt = table.position(of: "occurred_at")
        duration = table.position(of: "duration_seconds")
    }
}
