import Foundation
import VitalsCore
import VitalsFormats
import VitalsStore

/// Where the health service's emails go (docs/email.md): the `[email]` settings, the base of links, and how the
/// monthly report is drawn (the HTML report lives with the server's pages, so it is handed in).
public struct EmailOutbox: Sendable {
    /// The HTML report of the month `month` (its first day) over `dataset`, limited to the accounts of CSM `csm` when set.
    public typealias ReportRenderer = @Sendable (_ dataset: Dataset, _ month: CivilDate, _ csm: String?) throws -> String

    public var settings: EmailSettings
    /// The base of links, without a trailing slash.
    public var publicURL: String
    public var report: ReportRenderer?

    public init(settings: EmailSettings, publicURL: String, report: ReportRenderer? = nil) {
        self.settings = settings
        self.publicURL = publicURL
        self.report = report
    }
}

extension HealthService {
    /// Sets where alert, digest and report emails go; `nil` (the default) sends none.
    public func setEmail(_ outbox: EmailOutbox?) { email = outbox }

    /// Queues the emails an evaluation causes: the alerts fired, the digest made, and the monthly report when a
    /// month has ended since the last one. Nothing without `setEmail`.
    func queueEmails(
        workspace: Int64, slug: String, fired: [StoredAlert], digest: StoredDigest?, view: WorkspaceView, now: Timestamp
    ) throws {
        guard let email else { return }
        var accounts: [AccountID: Account] = [:]
        for account in view.dataset.accounts { accounts[account.id] = account }
        var out: [NewEmail] = []
        if !fired.isEmpty {
            let users = email.settings.alertsTo == .csm ? try store.users(workspace: workspace) : []
            out += EmailComposer.alertEmails(
                fired: fired, accounts: accounts, recipients: email.settings.alertsTo, users: users, publicURL: email.publicURL,
                workspace: slug)
        }
        if let digest {
            out += EmailComposer.digestEmails(digest, to: email.settings.digestTo, publicURL: email.publicURL)
        }
        out += try monthlyReports(workspace: workspace, view: view, now: now, outbox: email)
        if !out.isEmpty { _ = try store.enqueueEmails(out, workspace: workspace, at: now) }
    }

    /// The report of the last complete month, once: to `report_to`, or to each CSM with their accounts' report.
    private func monthlyReports(workspace: Int64, view: WorkspaceView, now: Timestamp, outbox: EmailOutbox) throws -> [NewEmail] {
        guard let render = outbox.report else { return [] }
        let month = Grain.month.start(containing: now.date).adding(days: -1)
        let start = Grain.month.start(containing: month)
        let label = String(start.description.prefix(7))
        let reference = "report:\(label)"
        guard try store.emailCount(workspace: workspace, filter: EmailFilter(kind: .report, reference: reference)) == 0 else { return [] }
        var targets: [(address: String, name: String?, csm: String?)] = []
        switch outbox.settings.reportTo {
        case .addresses(let list): targets = list.map { ($0, nil, nil) }
        case .csm:
            let names = Set(view.dataset.accounts.compactMap { $0.csm?.trimmingCharacters(in: .whitespaces).lowercased() })
            for user in try store.users(workspace: workspace) where user.disabledAt == nil {
                guard let csm = user.csm, names.contains(csm.trimmingCharacters(in: .whitespaces).lowercased()),
                    let address = EmailAddress.normalized(user.email)
                else { continue }
                targets.append((address, user.name, csm))
            }
        }
        var out: [NewEmail] = []
        var rendered: [String: String] = [:]
        for target in targets {
            let key = target.csm ?? ""
            let whose = target.csm.map { " (accounts of \($0))" } ?? ""
            var text = "The Vitals report for \(label)\(whose) is in this email as HTML; open it in a mail client that shows HTML, "
                + "or see the dashboard: \(outbox.publicURL)/"
            let html: String
            if let done = rendered[key] { html = done } else {
                do {
                    html = try render(view.dataset, start, target.csm)
                } catch {
                    // The recipient (and the log) learn why, rather than the evaluation failing every time.
                    text = "The Vitals report for \(label)\(whose) could not be drawn: \(error)"
                    html = MailBodies.page(title: "Vitals monthly report for \(label)", body: "<p>\(MailBodies.escape(text))</p>")
                }
                rendered[key] = html
            }
            out.append(NewEmail(
                kind: .report, recipient: target.address, recipientName: target.name, subject: "Vitals monthly report for \(label)\(whose)",
                text: text, html: html, reference: reference))
        }
        return out
    }
}
