import VitalsCore

/// The actions on an open task, in place where the task is listed (the health page's task list, an account page):
/// done or dismissed with a note, snoozed until a date, or given to someone else. Each form returns to `back`.
struct TaskActions {
    var csrfToken: String
    /// The page to return to (a same-site path).
    var back: String
    /// Owners to suggest when reassigning.
    var owners: [String]
    var today: CivilDate

    func render(_ task: StoredTask) -> HTML {
        let id = String(task.id)
        let common: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(csrfToken)\"><input type=\"hidden\" name=\"back\" value=\"\(back)\">"
        let suggestions = owners.map { o -> HTML in "<option value=\"\(o)\">" }
        return """
            <details class="act"><summary>Act</summary>\
            <form method="post" action="/health/tasks/\(id)/close" aria-label="Close task \(id)">\(common)\
            <input name="note" placeholder="Outcome" size="18" maxlength="2000"> \
            <button type="submit" name="status" value="done">Done</button> \
            <button type="submit" name="status" value="dismissed">Dismiss</button></form>\
            <form method="post" action="/health/tasks/\(id)/snooze" aria-label="Snooze task \(id)">\(common)\
            <input type="date" name="until" value="\(today.adding(days: 7).description)" min="\(today.adding(days: 1).description)" required> \
            <button type="submit">Snooze</button></form>\
            <form method="post" action="/health/tasks/\(id)/reassign" aria-label="Reassign task \(id)">\(common)\
            <input name="owner" list="owners-\(id)" placeholder="Owner" size="14" maxlength="200" required>\
            <datalist id="owners-\(id)">\(suggestions)</datalist> <button type="submit">Reassign</button></form>\
            </details>
            """
    }

    /// A table of tasks with their actions; snoozed ones say until when.
    func table(_ tasks: [StoredTask], name: String, caption: String, showAccount: Bool, now: Timestamp) -> DataTable {
        var columns: [DataTable.Column] = [.init(title: "Due"), .init(title: "Owner")]
        if showAccount { columns += [.init(title: "Account ID", inHTML: false), .init(title: "Account")] }
        columns += [.init(title: "Task", wraps: true), .init(title: "Playbook"), .init(title: "Snoozed until"), .init(title: "Act", inCSV: false)]
        return DataTable(
            name: name, caption: caption, columns: columns,
            rows: tasks.map { t in
                let overdue = t.dueAt < now
                var row: [DataTable.Cell] = [
                    .init(text: t.dueAt.date.description + (overdue ? " (overdue)" : ""), raw: t.dueAt.date.description),
                    .init(text: t.owner),
                ]
                if showAccount {
                    row += [
                        .init(text: t.account.rawValue),
                        .init(text: t.accountName, link: "/accounts/\(URLQuery.escape(t.account.rawValue))"),
                    ]
                }
                let snoozed = t.snoozedUntil.flatMap { $0 > now ? $0.date.description : nil } ?? ""
                row += [
                    .init(text: t.title, data: [("task", String(t.id))]), .init(text: t.playbook), .init(text: snoozed),
                    .init(text: "", markup: render(t)),
                ]
                return row
            })
    }
}
