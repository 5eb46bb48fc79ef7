import Crypto
import Foundation
import VitalsCore

/// A generic file of NPS, CSAT or CES answers, its columns matched loosely:
/// account (`account_id`, `account`, `company`, `organization`, `customer`), score (`score`, `rating`, `nps`,
/// `csat`, `ces`, `value`), time (`responded_at`, `date`, `submitted at`, `created at`, `timestamp`), and optional
/// `survey` (nps/csat/ces; else `--survey`, else the score column's name when it is nps, csat or ces), `response_id`
/// (else a hash of the row's account, time, contact and score, stable across re-exports), `scale_min`, `scale_max`,
/// contact (`contact`, `email`) and comment (`comment`, `feedback`, `reason`).
enum SurveyAnswersCSV {
    static func read(_ csv: VendorCSV, matcher: inout AccountMatcher, time: VendorTime, options: VendorImportOptions) -> VendorRecords? {
        let account = csv.required(options.accountColumn.map { [$0] } ?? ["account_id", "account", "company", "organization", "customer"], options.accountColumn ?? "account_id")
        let score = csv.required(["score", "rating", "nps", "csat", "ces", "value"], "score")
        let at = csv.required(["responded_at", "date", "submitted at", "created at", "timestamp", "response date"], "responded_at")
        let surveyColumn = csv.column(["survey", "survey type", "type"])
        let id = csv.column(["response_id", "response id", "id"])
        let scaleMin = csv.column(["scale_min"])
        let scaleMax = csv.column(["scale_max"])
        let contact = csv.column(["contact", "email", "email address"])
        let comment = csv.column(["comment", "feedback", "reason", "verbatim"])
        guard let account, let score, let at else { return nil }
        let implied = SurveyKind(rawValue: VendorCSV.loose(csv.header[score]))
        if surveyColumn == nil, options.survey == nil, implied == nil {
            csv.log.add(csv.file, 1, "survey", "no survey column: name the survey with --survey nps|csat|ces")
            return nil
        }
        var responses: [SurveyResponse] = []
        var seen: [String: Int] = [:]
        for (line, row) in csv.rows {
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            var kind = options.survey ?? implied
            if let text = csv.value(row, surveyColumn) {
                kind = SurveyKind(rawValue: text.lowercased())
                if kind == nil { fail(surveyColumn, "'\(text)' is not nps, csat or ces") }
            }
            let value = csv.value(row, score).flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil }
            if value == nil { fail(score, "'\(csv.value(row, score) ?? "")' is not a number") }
            func number(_ column: Int?) -> Double? {
                guard let text = csv.value(row, column) else { return nil }
                guard let n = Double(text), n.isFinite else {
                    fail(column, "'\(text)' is not a number")
                    return nil
                }
                return n
            }
            let low = number(scaleMin) ?? kind?.defaultScale.lowerBound ?? 0
            let high = number(scaleMax) ?? kind?.defaultScale.upperBound ?? 10
            if !(low < high) { fail(scaleMax, "the scale's maximum must be greater than its minimum") }
            // Only ends in order make a range (`low...high` would trap otherwise).
            if let value, ok, low < high, !(low...high).contains(value) { fail(score, "\(csv.value(row, score)!) is outside the scale \(formatted(low))-\(formatted(high))") }
            let when = csv.value(row, at).flatMap(time.parse)
            if when == nil { fail(at, "'\(csv.value(row, at) ?? "")' is not a date and time") }
            let index = Self.account(csv, row, account, line, &matcher, &ok)
            guard ok, let kind, let value, let when, let index else { continue }
            let responseID = csv.value(row, id) ?? stableID([matcher.dataset[index].id.rawValue, String(when.seconds), csv.value(row, contact) ?? "", String(value), kind.rawValue])
            if let first = seen[responseID] {
                fail(id, "response '\(responseID)' is also on line \(first)")
                continue
            }
            seen[responseID] = line
            responses.append(SurveyResponse(
                id: SurveyResponseID(responseID), account: index, survey: kind, score: value, scaleMin: low, scaleMax: high,
                respondedAt: when, contact: csv.value(row, contact), comment: csv.value(row, comment)))
        }
        var dataset = matcher.dataset
        dataset.surveyResponses = responses
        return .dataset(dataset, newRecords: responses.count)
    }

    static func account(_ csv: VendorCSV, _ row: [String], _ column: Int, _ line: Int, _ matcher: inout AccountMatcher, _ ok: inout Bool) -> AccountIndex? {
        guard let name = csv.value(row, column) else {
            csv.problem(line, column, "the answer names no account")
            ok = false
            return nil
        }
        switch matcher.account(name) {
        case .success(let index): return index
        case .failure(let problem):
            csv.problem(line, column, problem.reason)
            ok = false
            return nil
        }
    }

    private static func formatted(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    private static func stableID(_ parts: [String]) -> String {
        "row-" + SHA256.hash(data: Data(parts.joined(separator: "\u{1f}").utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
