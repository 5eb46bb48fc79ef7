import VitalsCore

/// The actions on an open alert, in place where it is listed (the health page's open alerts): acknowledge it, or
/// snooze it until a date. Each form returns to `back`.
struct AlertActions {
    var csrfToken: String
    /// The page to return to (a same-site path).
    var back: String
    var today: CivilDate

    func render(_ alert: StoredAlert) -> HTML {
        let id = String(alert.id)
        let common: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(csrfToken)\"><input type=\"hidden\" name=\"back\" value=\"\(back)\">"
        let acknowledge: HTML = alert.acknowledgedAt == nil
            ? """
            <form method="post" action="/health/alerts/\(id)/acknowledge" aria-label="Acknowledge alert \(id)">\(common)\
            <button type="submit">Acknowledge</button></form>
            """ : ""
        return """
            <details class="act"><summary>Act</summary>\(acknowledge)\
            <form method="post" action="/health/alerts/\(id)/snooze" aria-label="Snooze alert \(id)">\(common)\
            <input type="date" name="until" value="\(today.adding(days: 7).description)" min="\(today.adding(days: 1).description)" required> \
            <button type="submit">Snooze</button></form>\
            </details>
            """
    }
}
