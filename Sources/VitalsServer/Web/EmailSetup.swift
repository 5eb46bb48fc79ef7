import Foundation
import VitalsConnectors
import VitalsCore
import VitalsApp
import VitalsFormats
import VitalsStore

/// Wires email into `vitals serve` (docs/email.md): the health service queues alert, digest and monthly report
/// emails, and a mailer sends the queue. Without `[email]` host and from, neither happens and queued mail waits.
public enum EmailSetup {
    /// Sets up the health service's emails and returns the mailer to run beside the server; nil when email is not set up.
    public static func start(
        health: HealthService, store: any VitalsStorage, server: ServerConfiguration, settings: ReportSettings
    ) async -> Mailer? {
        guard server.email.isConfigured else { return nil }
        await health.setEmail(EmailOutbox(settings: server.email, publicURL: server.publicURL, report: report(settings)))
        return Mailer(store: store, settings: server.email, publicURL: server.publicURL)
    }

    /// The monthly report: the HTML report (`vitals report --html`) of the month, for one CSM's accounts when given.
    static func report(_ settings: ReportSettings) -> EmailOutbox.ReportRenderer {
        { dataset, month, csm in
            let segment = csm.map { "csm = \"\($0.replacingOccurrences(of: "\"", with: ""))\"" }
            let end = Grain.month.start(containing: month).adding(days: 40)
            let last = Grain.month.start(containing: end).adding(days: -1)
            return try HTMLReport.render(
                dataset: dataset, settings: settings, options: .init(to: last, grain: .month, segment: segment),
                now: Date(timeIntervalSince1970: TimeInterval(Timestamp(last.adding(days: 1)).seconds)))
        }
    }
}
