import VitalsCore

/// The fast path for survey_responses.csv and tickets.csv (millions of rows each on a large dataset): the rows are
/// read by `FastCSVRows` and become records with the checks of `readSurveyResponse` and `readTicket`. It applies
/// when accounts.csv was given and the file has no problem at all; otherwise nothing is kept and the general reader
/// reads the file, reporting every problem as ever.
extension RecordReader {
    /// Reads survey_responses.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readSurveyResponsesFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        readFast("survey_responses.csv", bytes, into: \.surveyResponses) { rows, expected throws(FastCSVRows.GiveUp) in
            let c = rows.columns
            let (id, account, survey, score) = (c["response_id"], c["account_id"], c["survey"], c["score"])
            let (low, high, at) = (c["scale_min"], c["scale_max"], c["responded_at"])
            let (contact, comment, source) = (c["contact"], c["comment"], c["source"])
            var kinds = KnownValues<SurveyKind>()
            var responses: [SurveyResponse] = []
            responses.reserveCapacity(expected)
            while try rows.next() {
                let id = try rows.ascendingID(id)
                let account = try rows.account(account)
                let survey = try rows.requiredKnown(survey, in: &kinds, FastCSVRows.choice)
                guard let score = try rows.decimal(score), let at = try rows.timestamp(at) else {
                    throw FastCSVRows.GiveUp()
                }
                let low = try rows.decimal(low) ?? survey.defaultScale.lowerBound
                let high = try rows.decimal(high) ?? survey.defaultScale.upperBound
                guard low < high, (low...high).contains(score) else { throw FastCSVRows.GiveUp() }
                responses.append(
                    SurveyResponse(
                        id: SurveyResponseID(id), account: account, survey: survey, score: score, scaleMin: low,
                        scaleMax: high, respondedAt: at, contact: rows.text(contact), comment: rows.text(comment),
                        source: rows.text(source)))
            }
            return responses
        }
    }

    /// Reads tickets.csv from `bytes`; false (having added nothing) when the general reader must.
    mutating func readTicketsFast(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        readFast("tickets.csv", bytes, into: \.tickets) { rows, expected throws(FastCSVRows.GiveUp) in
            let c = rows.columns
            let (id, account, openedAt, resolvedAt) = (c["ticket_id"], c["account_id"], c["opened_at"], c["resolved_at"])
            let (replies, reopens, fcr, channel, priority) = (
                c["agent_replies"], c["reopens"], c["first_contact_resolution"], c["channel"], c["priority"]
            )
            let contact = c["contact_id"]
            var priorities = KnownValues<TicketPriority>()
            var channels = KnownValues<String>()  // a handful, so each row's is not made anew
            var flags = KnownValues<Bool>()
            var tickets: [Ticket] = []
            tickets.reserveCapacity(expected)
            while try rows.next() {
                let id = try rows.ascendingID(id)
                let account = try rows.account(account)
                guard let opened = try rows.timestamp(openedAt) else { throw FastCSVRows.GiveUp() }
                let resolved = try rows.timestamp(resolvedAt)
                if let resolved, resolved < opened { throw FastCSVRows.GiveUp() }
                // A ticket's contact is checked against the contacts by the general reader.
                if rows.text(contact) != nil { throw FastCSVRows.GiveUp() }
                tickets.append(
                    Ticket(
                        id: TicketID(id), account: account, openedAt: opened, resolvedAt: resolved,
                        agentReplies: try rows.integer(replies, range: 0...100_000),
                        reopens: try rows.integer(reopens, range: 0...100_000),
                        firstContactResolution: try rows.known(fcr, in: &flags, FastCSVRows.boolean),
                        channel: try rows.known(channel, in: &channels) { $0 },
                        priority: try rows.known(priority, in: &priorities, FastCSVRows.choice)))
            }
            return tickets
        }
    }
}
