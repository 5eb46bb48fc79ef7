/// Where the columns of survey_responses.csv sit in its header, looked up once per file: its rows come by the
/// million, and finding a dozen columns by name on each costs more than reading the values.
struct SurveyColumns {
    let id, account, survey, score, scaleMin, scaleMax, respondedAt, contact, comment: Int?

    init(_ table: some RecordRow) {
        id = table.position(of: "response_id")
        account = table.position(of: "account_id")
        survey = table.position(of: "survey")
        score = table.position(of: "score")
        scaleMin = table.position(of: "scale_min")
        scaleMax = table.position(of: "scale_max")
        respondedAt = table.position(of: "responded_at")
        contact = table.position(of: "contact")
        comment = table.position(of: "comment")
    }
}

/// Where the canonical usage columns sit in a usage_events file.
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
