import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct HealthCalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Learn component weights from churn (regularised logistic regression, time-ordered split).",
        discussion: """
            Fits "churned within the next --horizon-days days" on the component scores over monthly snapshots of the \
            history, trains on the older snapshots and tests on the newest, and reports AUC and the precision and recall \
            of the red band on the held-out months for the configured and the learned weights. --write stores the \
            learned weights in the configuration file.
            """
    )

    @OptionGroup var options: HealthOptions

    @Option(help: "The segment model to calibrate (default: the default model).")
    var model: String?

    @Option(help: "Churn horizon in days.")
    var horizonDays = 90

    @Option(help: "Share of the snapshot months held out for testing (the newest).")
    var testShare = 0.25

    @Option(help: "L2 penalty.")
    var lambda = 0.001

    @Flag(help: "Write the learned weights to the configuration file.")
    var write = false

    func validate() throws {
        guard horizonDays >= 7 && horizonDays <= 730 else { throw ValidationError("--horizon-days must be from 7 to 730") }
        guard testShare > 0 && testShare < 1 else { throw ValidationError("--test-share must be between 0 and 1") }
        guard lambda >= 0 else { throw ValidationError("--lambda must be zero or more") }
    }

    func run() throws {
        let loading = Date()
        let (engine, instant, _, dataset) = try options.engine(at: nil)
        guard let first = dataset.earliestActivity else { throw Failure(description: "the dataset has no dated records") }
        var modelIndex: Int?
        if let model {
            guard let k = engine.settings.segmentModels.firstIndex(where: { $0.name == model }) else {
                let names = engine.settings.segmentModels.map(\.name)
                throw Failure(description: "--model: no segment model '\(model)' (models: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            modelIndex = k
        }
        let fitting = Date()
        let report: HealthCalibration.Report
        do {
            report = try HealthCalibration.run(
                engine, from: first, to: instant,
                options: .init(horizonDays: horizonDays, testShare: testShare, lambda: lambda, model: modelIndex))
        } catch {
            throw Failure(description: error.description)
        }
        let seconds = Date().timeIntervalSince(fitting)
        FileHandle.standardOutput.write(Data(Self.describe(report, seconds: seconds, loaded: fitting.timeIntervalSince(loading)).utf8))
        guard write else { return }
        guard let path = options.configPath ?? (options.data == nil ? "vitals.toml" : nil) else {
            throw Failure(description: "--write: no configuration file (give --config)")
        }
        let section = modelIndex == nil ? "health.weights" : "health.segments.\(model!).weights"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let weights = HealthComponent.allCases.map { (key: $0.rawValue, value: report.learned.weights[$0.position]) }
        let updated = HealthConfigWriter.setTable(section, to: weights, in: text)
        do {
            _ = try HealthConfigurationLoader.parse(updated, source: path, report: ReportSettings())
        } catch {
            throw Failure(description: "--write: the updated configuration would not load, nothing written:\n\(error)")
        }
        try updated.write(toFile: path, atomically: true, encoding: .utf8)
        print("Wrote the learned weights to [\(section)] in \(path).")
    }

    static func describe(_ r: HealthCalibration.Report, seconds: Double, loaded: Double) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f %%", $0 * 100) } ?? "-" }
        func auc(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }
        var out = "Calibration of model '\(r.model)': \(r.snapshots.count) monthly snapshots from \(r.snapshots.first!.date) to \(r.snapshots.last!.date), tested from \(r.testFrom.date)\n"
        out += "train: \(r.trainRows) account-months, \(r.trainChurned) churned; test: \(r.testRows), \(r.testChurned) churned\n"
        out += "fitted in \(String(format: "%.2f", seconds)) s (data loaded in \(String(format: "%.1f", loaded)) s)\(r.converged ? "" : "; the fit did not fully converge")\n\n"
        out += TextTable.render(
            ["component", "coefficient", "configured", "learned"],
            r.ranking.map { c in
                [c.rawValue, String(format: "%.3f", r.coefficients[c.position]), HealthComponent.format(r.configured.weights[c.position]),
                 HealthComponent.format(r.learned.weights[c.position])]
            }, numeric: [1, 2, 3])
        out += "\n" + TextTable.render(
            ["held out", "AUC", "red precision", "red recall", "red accounts"],
            [
                ["configured weights", auc(r.configured.auc), pct(r.configured.redPrecision), pct(r.configured.redRecall), String(r.configured.redCount)],
                ["learned weights", auc(r.learned.auc), pct(r.learned.redPrecision), pct(r.learned.redRecall), String(r.learned.redCount)],
            ], numeric: [1, 2, 3, 4])
        out += "\nA negative coefficient means a higher component score goes with less churn; learned weights are the negated coefficients, normalised to 100 (components that do not lower churn get 0).\n"
        return out
    }
}
