import VitalsCore

/// SurveyMonkey's CSV export ("All responses data", two header rows: the questions, then each column's answer
/// option) as NPS answers: the 0-10 question's answer (`9` or `9 - Very likely`) is the score.
///
/// The question is the one given by `--question` (part of its text), else the first asking how likely ...
/// recommend. The account is the `--account-column`, else a column named `account_id`, `account`, `company`,
/// `organization` or `Custom Data 1`. `Respondent ID` is the answer's id, `End Date` its time, `Email Address` the
/// contact, and an open-ended answer right after the 0-10 question its comment. Respondents who skipped the question
/// are left out.
enum SurveyMonkeyCSV {
    static func read(_ csv: VendorCSV, matcher: inout AccountMatcher, time: VendorTime, options: VendorImportOptions) -> VendorRecords? {
        let respondent = csv.required(["Respondent ID"], "Respondent ID")
        let ended = csv.required(["End Date", "Date Modified"], "End Date")
        let account = csv.required(options.accountColumn.map { [$0] } ?? ["account_id", "account", "company", "organization", "Custom Data 1"], options.accountColumn ?? "account_id")
        let email = csv.column(["Email Address"])
        let question = csv.header.firstIndex { header in
            let text = header.lowercased()
            if let wanted = options.question?.lowercased() { return text.contains(wanted) }
            return text.contains("likely") && text.contains("recommend")
        }
        if question == nil {
            csv.log.add(csv.file, 1, options.question, options.question == nil
                ? "no 0-10 question asking how likely ... recommend (name it with --question)"
                : "no question contains '\(options.question!)'")
        }
        guard let respondent, let ended, let account, let question else { return nil }
        let commentColumn = question + 1 < csv.header.count && csv.header[question + 1].lowercased().contains("open-ended") ? question + 1 : nil
        var responses: [SurveyResponse] = []
        for (line, row) in csv.rows {
            guard let answer = csv.value(row, question) else { continue }
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            let digits = answer.prefix { $0.isNumber }
            let score = Int(digits)
            if score == nil || !(0...10).contains(score!) { fail(question, "'\(answer)' is not a score from 0 to 10") }
            let id = csv.value(row, respondent)
            if id == nil { fail(respondent, "a respondent id is required") }
            let at = csv.value(row, ended).flatMap(time.parse)
            if at == nil { fail(ended, "'\(csv.value(row, ended) ?? "")' is not a date and time") }
            let index = SurveyAnswersCSV.account(csv, row, account, line, &matcher, &ok)
            guard ok, let score, let id, let at, let index else { continue }
            responses.append(SurveyResponse(
                id: SurveyResponseID(id), account: index, survey: .nps, score: Double(score), respondedAt: at,
                contact: csv.value(row, email), comment: csv.value(row, commentColumn)))
        }
        var dataset = matcher.dataset
        dataset.surveyResponses = responses
        return .dataset(dataset, newRecords: responses.count)
    }
}
