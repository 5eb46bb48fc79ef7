import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct CLVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv",
        abstract: "Customer lifetime: BG/NBD + Gamma-Gamma CLV from orders, Kaplan-Meier survival of subscriptions.",
        discussion: """
            From orders.csv (repeat purchases), fits the BG/NBD and Gamma-Gamma models by maximum likelihood on the \
            orders up to --calibration-end and prints each customer's expected purchases, P(alive), expected spend \
            and CLV over --horizon-months. With --survival, also estimates the Kaplan-Meier survival of subscription \
            tenure (first paying instant to churn, censored while still paying) as of the end of --calibration-end, \
            per --by segment, with the log-rank test between segments and a survival-based CLV. See docs/lifetime.md.
            """
    )

    @Option(help: "The dataset folder (canonical CSV files).")
    var data: String

    @Option(help: "Last day of the calibration period (orders after it are ignored) and the as-of day of --survival (default: the day of the latest data).")
    var calibrationEnd: String?

    @Option(help: "CLV horizon in months.")
    var horizonMonths = 12

    @Option(help: "Monthly discount rate, e.g. 0.01 for 1 % a month.")
    var discountRate = 0.01

    @Option(help: "Customers in the top-CLV table (0 = all).")
    var top = 20

    @Option(help: "Time unit of recency and age: week or day.")
    var timeUnit: LifetimeTimeUnit = .week

    @Flag(help: "Print JSON (every customer's predictions) instead of tables.")
    var json = false

    @Flag(help: "Add the Kaplan-Meier survival of subscription tenure, with median, CI, log-rank and survival CLV.")
    var survival = false

    @Option(help: "Segment by this account attribute, or by signup cohort: signup_year, signup_quarter, signup_month.")
    var by: String?

    @Flag(help: .hidden)
    var bench = false

    @Option(help: .hidden)
    var benchSurvival: String?

    @Option(help: .hidden)
    var benchRuns = 20

    @OptionGroup var settingsOptions: SettingsOptions

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--data \(data): no such folder")
        }
        if let calibrationEnd { _ = try parseDay(calibrationEnd) }
        guard horizonMonths >= 1 && horizonMonths <= 1200 else { throw ValidationError("--horizon-months must be from 1 to 1200") }
        guard discountRate >= 0 && discountRate < 1 else { throw ValidationError("--discount-rate must be from 0 to below 1 (a monthly fraction)") }
        guard top >= 0 else { throw ValidationError("--top must be zero or more") }
        if let by, by.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--by needs an attribute name") }
        guard benchRuns >= 1 else { throw ValidationError("--bench-runs must be positive") }
        if let benchSurvival, !FileManager.default.fileExists(atPath: benchSurvival) {
            throw ValidationError("--bench-survival \(benchSurvival): no such file")
        }
    }

    func run() throws {
        let settings = try settingsOptions.settings(dataDirectory: data)
        let loaded = try DatasetLoader.load(directory: data, reportingCurrency: settings.reportingCurrency)
        guard let end = try calibrationEnd.map(parseDay) ?? loaded.latestActivity?.date else {
            throw Failure(description: "the dataset has no dated records: give --calibration-end")
        }
        // Touch tiers (docs/health.md) as of the calibration end, so that --by touch works like any attribute.
        let health = try HealthConfigurationLoader.load(
            configFile: (data as NSString).appendingPathComponent("vitals.toml"), report: settings,
            environment: ProcessInfo.processInfo.environment)
        let dataset = TouchModel.tagged(loaded, settings: health.health, at: Timestamp(end.adding(days: 1)))
        let fx = FxTable(reportingCurrency: settings.reportingCurrency, rates: dataset.fxRates)
        let summary = RFMSummary(orders: dataset.orders, fx: fx, calibrationEnd: end, unit: timeUnit)
        if bench { return try runBench(summary) }

        let segmentOf = try segmenter(dataset)
        var analysis: CustomerLifetimeValue.Analysis?
        var clvProblem: String?
        do {
            analysis = try CustomerLifetimeValue.analyse(
                summary, horizonMonths: horizonMonths, monthlyDiscountRate: discountRate)
        } catch {
            clvProblem = "\(summary.customers.count) customers with orders up to \(end): \(error)"
            if !survival { throw Failure(description: "cannot fit the CLV models: " + clvProblem!) }
        }
        var survivalAnalysis: SurvivalAnalysis?
        if survival {
            let asOf = Timestamp(end.adding(days: 1))
            let tenures = SubscriptionTenure.tenures(dataset: dataset, settings: settings, asOf: asOf)
            survivalAnalysis = SurvivalLifetimeValue.analyse(
                tenures, grossMargin: settings.grossMargin, segmentOf: segmentOf.map { f in { f($0.account, $0) } })
        }
        let view = LifetimeReport(
            dataset: dataset, settings: settings, summary: summary, analysis: analysis, clvProblem: clvProblem,
            survival: survivalAnalysis, by: by, segmentOf: segmentOf, top: top)
        var output = json ? view.json() : view.text()
        if !output.hasSuffix("\n") { output += "\n" }
        FileHandle.standardOutput.write(Data(output.utf8))
    }

    private func segmenter(_ dataset: Dataset) throws -> ((AccountIndex, AccountTenure?) -> String)? {
        do {
            return try LifetimeReport.segmenter(dataset, by: by)
        } catch {
            throw Failure(description: "--by: \(error.description)")
        }
    }

    private func parseDay(_ text: String) throws -> CivilDate {
        do {
            return try CivilDate.parseBound(text).last
        } catch {
            throw ValidationError("--calibration-end: \(error)")
        }
    }

    /// Times the model fits (and, with --bench-survival, Kaplan-Meier on its durations) and prints one line each:
    /// `bench <name> median_ms=... min_ms=... runs=...`. Used by scripts/bench-lifetime.
    private func runBench(_ summary: RFMSummary) throws {
        let clock = ContinuousClock()
        func measure(_ name: String, _ extra: String, _ body: () throws -> Void) rethrows {
            try body()  // warm-up
            var times: [Double] = []
            for _ in 0..<benchRuns {
                let elapsed = try clock.measure(body)
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
            times.sort()
            print(String(format: "bench %@ median_ms=%.3f min_ms=%.3f runs=%d %@", name, times[times.count / 2], times[0], benchRuns, extra))
        }
        let fit = try BGNBD.fit(summary.customers)
        let gg = try GammaGamma.fit(summary.customers)
        let p = fit.parameters
        let extra = String(
            format: "customers=%d r=%.4f alpha=%.4f a=%.4f b=%.4f ll=%.2f p=%.4f q=%.4f gamma=%.4f evals=%d+%d",
            summary.customers.count, p.r, p.alpha, p.a, p.b, fit.logLikelihood, gg.parameters.p, gg.parameters.q,
            gg.parameters.gamma, fit.evaluations, gg.evaluations)
        try measure("bgnbd_gg_fit", extra) {
            _ = try BGNBD.fit(summary.customers)
            _ = try GammaGamma.fit(summary.customers)
        }
        guard let benchSurvival else { return }
        // duration,observed per line (header optional), e.g. as scripts/bench-lifetime writes it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: benchSurvival))
        var durations: [Double] = []
        var observed: [Bool] = []
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ",")
            guard fields.count == 2, let d = Double(fields[0]) else { continue }
            durations.append(d)
            observed.append(fields[1] == "1" || fields[1] == "true")
        }
        let km = KaplanMeier(durations: durations, observed: observed)
        let ci = km.medianConfidenceInterval
        let extra2 = "subjects=\(km.subjects) events=\(km.events) median=\(km.median.map { String($0) } ?? "none") ci=[\(ci.lower.map { String($0) } ?? "none"), \(ci.upper.map { String($0) } ?? "none")]"
        measure("kaplan_meier", extra2) {
            let km = KaplanMeier(durations: durations, observed: observed)
            _ = km.medianConfidenceInterval
        }
    }
}

extension LifetimeTimeUnit: ExpressibleByArgument {}
