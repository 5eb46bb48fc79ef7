/// The invitation email of a hosted survey (docs/surveys.md, "The email"): the question, one link per score (a click
/// answers) and the survey's own link; plain text and HTML with inline styles only (mail clients load no style sheets),
/// and nothing fetched from elsewhere. The unsubscribe link (scope `surveys`) is added by the mailer to every email it
/// sends, with the `List-Unsubscribe` header (docs/email.md).
public enum SurveyEmail {
    /// The email to `recipient` asking `question`; `surveyLink` is `/s/{token}` in full.
    public static func make(
        _ question: SurveyQuestion, recipient: String, recipientName: String?, company: String?, surveyLink: String,
        invitation: SurveyInvitationID
    ) -> NewEmail {
        let greeting = recipientName.map { "Hello \($0)," } ?? "Hello,"
        var text = "\(greeting)\n\n\(question.text)\n\nClick a score to answer (\(question.lowLabel) to \(question.highLabel)):\n\n"
        for score in question.scores { text += "  \(question.label(score)): \(surveyLink)?score=\(score)\n" }
        text += "\nOr answer on the page, with a comment: \(surveyLink)\n\nThank you" + (company.map { ",\n\($0)" } ?? ".") + "\n"

        let e = escape
        var cells = ""
        for score in question.scores {
            cells += """
                <td style="padding:2px"><a href="\(e(surveyLink))?score=\(score)" aria-label="\(e(question.label(score)))" \
                style="display:inline-block;min-width:28px;padding:10px 6px;border:1px solid #1d4ed8;border-radius:6px;\
                color:#1d4ed8;text-decoration:none;font-weight:bold;text-align:center">\(score)</a></td>
                """
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(e(question.subject))</title></head>
            <body style="margin:0;padding:16px;font-family:Helvetica,Arial,sans-serif;color:#111827;background:#ffffff">
            <p>\(e(greeting))</p>
            <p style="font-size:18px;font-weight:bold">\(e(question.text))</p>
            <table role="presentation" style="border-collapse:collapse"><tr>\(cells)</tr></table>
            <p style="font-size:13px;color:#374151">\(e(question.scores.first.map(String.init) ?? "")) = \(e(question.lowLabel)), \
            \(e(question.scores.last.map(String.init) ?? "")) = \(e(question.highLabel))</p>
            <p><a href="\(e(surveyLink))" style="color:#1d4ed8">Answer on the page, with a comment</a></p>
            <p>Thank you\(company.map { ",<br>" + e($0) } ?? ".")</p>
            </body></html>
            """
        return NewEmail(
            kind: .survey, recipient: recipient, recipientName: recipientName, subject: question.subject, text: text,
            html: html, reference: "invitation:" + invitation.rawValue)
    }

    /// Text made safe inside HTML and attribute values.
    public static func escape(_ text: String) -> String { HTMLEscape.text(text) }
}
