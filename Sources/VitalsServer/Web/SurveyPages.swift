import VitalsApp
import VitalsCore

/// The pages of a hosted survey (docs/surveys.md, "The pages"), seen by a customer's contact without signing in:
/// one question with its scale as large labelled radio buttons, an optional comment, a thank-you page, and clear
/// pages for a link that is not valid, expired or already used. Self-contained (inline styles, no script, nothing
/// fetched elsewhere), readable on a phone, usable by keyboard, with contrast of at least 4.5:1.
enum SurveyPages {
    /// The whole page for `page`; `token` is the link's, for the form's action.
    static func render(_ page: SurveyPage, token: String) -> HTML {
        switch page {
        case .forged:
            return frame(
                "Link not valid", company: nil,
                "<h1>This link is not valid</h1><p>It may have been copied incompletely. Please use the link in the email you received.</p>")
        case .expired(let at):
            return frame(
                "Link expired", company: nil,
                "<h1>This survey link has expired</h1><p>It could be used until \(at.date.description). Thank you all the same.</p>")
        case .used(let company):
            return frame(
                "Already answered", company: company,
                "<h1>This survey was already answered</h1><p>Each link can be used once, and this one has been. Thank you for your time.</p>")
        case .thanks(let company):
            return frame(
                "Thank you", company: company,
                "<h1>Thank you!</h1><p>Your answer has been recorded. It helps \(company ?? "us") do better.</p>")
        case .question(let question, let company, let invalid):
            let error: HTML = invalid
                ? "<p class=\"error\" role=\"alert\" id=\"score-error\">Please choose a score from \(question.scores.first ?? 0) to \(question.scores.last ?? 0).</p>"
                : ""
            let body: HTML = """
                <form method="post" action="/s/\(token)">\(error)
                <fieldset\(HTML(raw: invalid ? " aria-describedby=\"score-error\"" : ""))><legend><h1>\(question.text)</h1></legend>
                \(scale(question))</fieldset>
                \(commentField(optional: true))
                <button type="submit">Send my answer</button></form>
                """
            return frame("Survey", company: company, body)
        case .comment(let question, let score, let company):
            let body: HTML = """
                <p class="notice" role="status">Thank you: your score of <strong>\(Int(score))</strong> is recorded.</p>
                <h1>\(question.text)</h1>
                <form method="post" action="/s/\(token)">\(commentField(optional: false))
                <button type="submit">Send my comment</button></form>
                <p class="muted">Nothing more is needed: you may close this page.</p>
                """
            return frame("Add a comment", company: company, body)
        }
    }

    /// The scale: one radio button per score in a row that wraps, the ends' meaning under it.
    static func scale(_ question: SurveyQuestion) -> HTML {
        let options = question.scores.map { score -> HTML in
            """
            <label class="score"><input type="radio" name="score" value="\(score)" required \
            aria-label="\(question.label(score))"><span>\(score)</span></label>
            """
        }
        return """
            <div class="scale s\(question.scores.count)">\(options)</div>
            <div class="ends" aria-hidden="true"><span>\(question.scores.first ?? 0) = \(question.lowLabel)</span>\
            <span>\(question.scores.last ?? 0) = \(question.highLabel)</span></div>
            """
    }

    static func commentField(optional: Bool) -> HTML {
        """
        <label for="comment" class="comment-label">\(optional ? "Anything you would like to add? (optional)" : "Your comment")</label>
        <textarea id="comment" name="comment" rows="4" maxlength="\(SurveyService.commentLimit)"\(HTML(raw: optional ? "" : " required"))></textarea>
        """
    }

    static func frame(_ title: String, company: String?, _ body: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(title)\(company.map { " · " + $0 } ?? "")</title>
        <style>\(HTML(raw: styles))</style></head>
        <body><main class="survey">\(company.map { name -> HTML in "<p class=\"from\">\(name)</p>" })\(body)</main></body></html>
        """
    }

    static let styles = """
        *{box-sizing:border-box}body{margin:0;font:17px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;background:#f3f4f6}
        main.survey{max-width:640px;margin:24px auto;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:24px}
        .from{margin:0 0 8px;color:#374151;font-weight:600}h1{font-size:22px;line-height:1.3;margin:0 0 16px}
        fieldset{border:0;margin:0;padding:0}legend{padding:0}
        .scale{display:grid;gap:6px;grid-template-columns:repeat(11,minmax(0,1fr))}.scale.s5{grid-template-columns:repeat(5,minmax(0,1fr))}
        .scale.s7{grid-template-columns:repeat(7,minmax(0,1fr))}
        .score{position:relative;display:block}
        .score input{position:absolute;opacity:0;width:100%;height:100%;margin:0;cursor:pointer}
        .score span{display:flex;align-items:center;justify-content:center;min-height:48px;border:2px solid #1d4ed8;border-radius:8px;
        color:#1d4ed8;font-weight:700;font-size:18px;background:#fff}
        .score input:checked+span{background:#1d4ed8;color:#fff}
        .score input:focus-visible+span{outline:3px solid #111827;outline-offset:2px}
        .ends{display:flex;justify-content:space-between;gap:12px;margin:6px 0 18px;font-size:14px;color:#374151}
        .comment-label{display:block;font-weight:600;margin:8px 0 6px}
        textarea{width:100%;font:inherit;padding:8px;border:2px solid #6b7280;border-radius:8px}
        textarea:focus{outline:3px solid #1d4ed8;outline-offset:1px}
        button{margin-top:16px;width:100%;min-height:48px;font:inherit;font-weight:700;color:#fff;background:#1d4ed8;border:0;border-radius:8px;cursor:pointer}
        button:focus-visible{outline:3px solid #111827;outline-offset:2px}
        .error{background:#fee2e2;color:#991b1b;padding:8px 12px;border-radius:8px}
        .notice{background:#dcfce7;color:#14532d;padding:8px 12px;border-radius:8px}.muted{color:#4b5563;font-size:15px}
        @media (max-width:520px){main.survey{margin:0;border-radius:0;border-width:0 0 1px;padding:16px}
        .scale{grid-template-columns:repeat(6,minmax(0,1fr))}.scale.s5{grid-template-columns:repeat(5,minmax(0,1fr))}
        .scale.s7{grid-template-columns:repeat(7,minmax(0,1fr))}.score span{min-height:52px}}
        """
}
