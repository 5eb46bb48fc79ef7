import ArgumentParser
import Foundation
import VitalsApp
import VitalsCore
import VitalsFormats

/// `vitals renewals`: every renewal due in a window, with its ARR before and after, outcome, health band and owner
/// (docs/metrics.md, renewals). Thin: the listing is `RenewalListing`, the output `RenewalsOutput`.
struct RenewalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renewals",
        abstract: "Renewals due in a window: ARR before and after, outcome, health band and owner.",
        discussion: """
            Subscription items with a term of a quarter or longer renew at the end of each term (or at renews_at). \
            Outcomes are decided as of now or the end of --to, whichever is earlier, after renewal_grace_days. \
            See docs/metrics.md, renewals.
            """
    )

    @OptionGroup var options: HealthOptions

    @Option(help: "First period with due dates: 2025, 2025-Q1, 2025-01 or 2025-01-15 (default: a year before today).")
    var from: String?

    @Option(help: "Last period with due dates, as --from (default: 90 days after today).")
    var to: String?

    @Flag(help: "Print JSON ({\"renewals\": [...]}) instead of a table.")
    var json = false

    func run() throws {
        let now = Timestamp.now
        func bound(_ text: String?, _ name: String) throws -> (first: CivilDate, last: CivilDate)? {
            guard let text else { return nil }
            do { return try CivilDate.parseBound(text) } catch {
                throw ValidationError("--\(name): '\(text)' is not a year, quarter, month or day (2025, 2025-Q1, 2025-01, 2025-01-15)")
            }
        }
        let first = try bound(from, "from")?.first ?? now.date.adding(days: -365)
        let last = try bound(to, "to")?.last ?? now.date.adding(days: 90)
        guard first <= last else { throw ValidationError("--from must not be after --to") }
        let (engine, instant, configuration, dataset) = try options.engine(at: nil)
        let settings = configuration.health.report
        let calculator = KPICalculator(dataset: dataset, settings: settings)
        let listing = RenewalListing(
            calculator: calculator, from: Timestamp(first), to: Timestamp(last.adding(days: 1)), now: now,
            band: { engine.score($0, at: instant)?.band })
        let currency = settings.reportingCurrency
        let out = json
            ? RenewalsOutput.json(listing.rows, asOf: listing.asOf, currency: currency) + "\n"
            : "Renewals due \(first) to \(last), as of \(listing.asOf.date) (\(listing.rows.count)):\n"
                + RenewalsOutput.table(listing.rows, currency: currency)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
