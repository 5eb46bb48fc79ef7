/// The one question of each hosted survey and the words at the ends of its scale (docs/surveys.md, "The pages"):
/// NPS 0-10, CSAT 1-5, CES 1-7, the standard scales of `SurveyKind.defaultScale`.
public struct SurveyQuestion: Sendable, Equatable {
    public var survey: SurveyKind
    /// The question, naming `company`.
    public var text: String
    /// What the lowest and the highest score mean.
    public var lowLabel: String
    public var highLabel: String
    /// The scores offered, lowest first.
    public var scores: [Int]

    /// The question of `survey` about `company` ("us" when not set); a CSAT question names the ticket when there is
    /// one.
    public static func of(_ survey: SurveyKind, company: String?, ticket: String? = nil) -> SurveyQuestion {
        let scale = survey.defaultScale
        let scores = Array(Int(scale.lowerBound)...Int(scale.upperBound))
        switch survey {
        case .nps:
            return SurveyQuestion(
                survey: survey, text: "How likely are you to recommend \(company ?? "us") to a friend or colleague?",
                lowLabel: "Not at all likely", highLabel: "Extremely likely", scores: scores)
        case .csat:
            let about = ticket.map { "your support request \($0)" } ?? "the support you received"
            return SurveyQuestion(
                survey: survey, text: "How satisfied are you with \(about)?", lowLabel: "Very dissatisfied",
                highLabel: "Very satisfied", scores: scores)
        case .ces:
            return SurveyQuestion(
                survey: survey, text: company.map { "\($0) made it easy for me to get started." } ?? "It was easy for me to get started.",
                lowLabel: "Strongly disagree",
                highLabel: "Strongly agree", scores: scores)
        }
    }

    /// The subject of the invitation email.
    public var subject: String {
        switch survey {
        case .nps: "A quick question: would you recommend us?"
        case .csat: "How did we do?"
        case .ces: "How easy was it to get started?"
        }
    }

    /// The words of one score for screen readers and the email ("4 – Very satisfied" at the top end).
    public func label(_ score: Int) -> String {
        if score == scores.first { return "\(score) – \(lowLabel)" }
        if score == scores.last { return "\(score) – \(highLabel)" }
        return String(score)
    }
}
