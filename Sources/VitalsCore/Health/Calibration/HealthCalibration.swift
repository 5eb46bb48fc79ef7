/// Learns component weights from churn: a regularised logistic regression of "churned within the next `horizonDays`
/// days" on the component scores, over monthly snapshots of the history, with a time-ordered split (train on the
/// older snapshots, test on the newest). `docs/health.md` describes the method and how to read the report.
public enum HealthCalibration {
    public struct Options: Sendable, Equatable {
        public var horizonDays: Int
        /// Share of the snapshot months held out for testing (the newest ones), at least one month.
        public var testShare: Double
        /// The L2 penalty λ.
        public var lambda: Double
        /// The model whose accounts are used and whose curves and bands apply (position in `HealthSettings.models`).
        public var model: Int?

        public init(horizonDays: Int = 90, testShare: Double = 0.25, lambda: Double = 0.001, model: Int? = nil) {
            self.horizonDays = horizonDays
            self.testShare = testShare
            self.lambda = lambda
            self.model = model
        }
    }

    /// How well a set of weights ranks and flags the held-out churners.
    public struct Evaluation: Sendable, Equatable {
        public var weights: [Double]
        /// AUC of the score (lower score = more risk) against churn within the horizon.
        public var auc: Double?
        /// Of the red accounts, the share that churned.
        public var redPrecision: Double?
        /// Of the churners, the share that were red.
        public var redRecall: Double?
        public var redCount: Int
    }

    public struct Report: Sendable, Equatable {
        public var model: String
        public var snapshots: [Timestamp]
        public var testFrom: Timestamp
        public var trainRows: Int
        public var trainChurned: Int
        public var testRows: Int
        public var testChurned: Int
        /// Logistic coefficients per component (on score / 100); negative means a higher score, less churn.
        public var coefficients: [Double]
        public var intercept: Double
        /// The training mean of each component's score (0-100), which stands in for a missing score.
        public var means: [Double]
        /// The position of the calibrated model in `HealthSettings.models`.
        public var modelIndex: Int
        public var converged: Bool
        public var configured: Evaluation
        public var learned: Evaluation
        /// Components by learned weight, largest first.
        public var ranking: [HealthComponent] {
            HealthComponent.allCases.sorted { (learned.weights[$0.position], $1) > (learned.weights[$1.position], $0) }
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooShort(String)
        public var description: String {
            switch self {
            case .tooShort(let why): why
            }
        }
    }

    /// The first instants of the months from two months after `from` (so the usage trend has two periods behind it)
    /// while the horizon after them still ends by `to`.
    public static func snapshots(from: Timestamp, to: Timestamp, horizonDays: Int) -> [Timestamp] {
        var month = Grain.month.start(containing: from.date).adding(months: 2)
        var result: [Timestamp] = []
        while Timestamp(month).adding(days: horizonDays) <= to {
            result.append(Timestamp(month))
            month = month.adding(months: 1)
        }
        return result
    }

    /// Calibrates the chosen model (the default model unless `options.model`) on the accounts it scores, over the
    /// history from `from` to `to`.
    public static func run(_ engine: HealthEngine, from: Timestamp, to: Timestamp, options: Options = Options())
        throws(Failure) -> Report
    {
        let settings = engine.settings
        let modelIndex = options.model ?? settings.segmentModels.count
        let model = settings.models[modelIndex]
        let times = snapshots(from: from, to: to, horizonDays: options.horizonDays)
        guard times.count >= 2 else {
            throw .tooShort("calibration needs at least two monthly snapshots whose \(options.horizonDays)-day horizon has passed: the history from \(from.date) to \(to.date) is too short")
        }
        let testMonths = min(times.count - 1, max(1, Int((Double(times.count) * options.testShare).rounded())))
        let testFrom = times[times.count - testMonths]
        let k = HealthComponent.count
        var train = Matrix(columns: k)
        var test = Matrix(columns: k)
        var values = [Double](repeating: .nan, count: k)
        values.withUnsafeMutableBufferPointer { buffer in
            for t in times {
                let isTest = t >= testFrom
                // A training label must be known before the test period starts.
                guard isTest || t.adding(days: options.horizonDays) <= testFrom else { continue }
                for a in 0..<engine.index.accountCount where Int(engine.modelOf[a]) == modelIndex {
                    let account = AccountIndex(a)
                    guard engine.index.mrr(of: account, at: t) > 0 else { continue }
                    engine.index.measure(account, at: t, into: buffer)
                    let churned = engine.index.churns(account, after: t, within: options.horizonDays)
                    // Rows hold component scores (0-100), NaN when missing.
                    for c in 0..<k where !buffer[c].isNaN { buffer[c] = model.curves[c].score(buffer[c]) }
                    if isTest { test.append(buffer, churned) } else { train.append(buffer, churned) }
                }
            }
        }
        guard train.rows > 0, test.rows > 0 else {
            throw .tooShort("the history is too short to calibrate: \(train.rows) paying account-months to train on (snapshots whose horizon ends before \(testFrom.date)) and \(test.rows) to test on")
        }
        // Without a churn among them, or without an account that stayed, there is nothing to tell apart: any weights
        // would "fit" (the regression's coefficients stay at 0).
        guard train.positives > 0, train.positives < train.rows else {
            throw .tooShort("the history is too short to calibrate: \(train.positives) of the \(train.rows) paying account-months to train on (snapshots whose horizon ends before \(testFrom.date)) churned within \(options.horizonDays) days; calibration needs both accounts that churned and accounts that stayed")
        }
        // Features: score / 100, a missing score imputed with the training mean of the component.
        let means = train.columnMeans()
        let features = train.features(means: means)
        let fit = features.withUnsafeBufferPointer { x in
            train.labels.withUnsafeBufferPointer { y in
                LogisticRegression.fit(x: x, y: y, features: k, lambda: options.lambda)
            }
        }
        // A weight is how much a higher score lowers the log-odds of churn; components that do not lower it get 0.
        let raw = fit.coefficients.map { max(0, -$0) }
        let sum = raw.reduce(0, +)
        let learned = sum > 0 ? raw.map { ($0 / sum * 1000).rounded() / 10 } : model.weights
        return Report(
            model: model.name, snapshots: times, testFrom: testFrom, trainRows: train.rows,
            trainChurned: train.positives, testRows: test.rows, testChurned: test.positives,
            coefficients: fit.coefficients, intercept: fit.intercept, means: means, modelIndex: modelIndex, converged: fit.converged,
            configured: evaluate(test, weights: model.weights, bands: model.bands),
            learned: evaluate(test, weights: learned, bands: model.bands))
    }

    /// Scores the held-out rows with `weights` (missing components dropping out) and measures AUC, red precision and
    /// red recall.
    static func evaluate(_ rows: Matrix, weights: [Double], bands: HealthBands) -> Evaluation {
        let k = rows.columns
        var risk: [Double] = []
        var positive: [Bool] = []
        risk.reserveCapacity(rows.rows)
        positive.reserveCapacity(rows.rows)
        var red = 0
        var redChurned = 0
        for i in 0..<rows.rows {
            var total = 0.0
            var weight = 0.0
            for c in 0..<k {
                let s = rows.scores[i * k + c]
                guard !s.isNaN, weights[c] > 0 else { continue }
                total += weights[c] * Double(s)
                weight += weights[c]
            }
            // Unscorable rows (no weighted component with data) sit in the middle of the bands.
            let score = weight > 0 ? total / weight : (bands.yellowFrom + bands.greenFrom) / 2
            let churned = rows.labels[i] == 1
            risk.append(-score)
            positive.append(churned)
            if bands.band(score) == .red {
                red += 1
                if churned { redChurned += 1 }
            }
        }
        return Evaluation(
            weights: weights, auc: ROC.auc(risk: risk, positive: positive),
            redPrecision: red == 0 ? nil : Double(redChurned) / Double(red),
            redRecall: rows.positives == 0 ? nil : Double(redChurned) / Double(rows.positives), redCount: red)
    }

    /// Rows of component scores (NaN when missing) with their churn labels.
    struct Matrix {
        let columns: Int
        var scores: [Float] = []
        var labels: [UInt8] = []
        var positives = 0
        var rows: Int { labels.count }

        init(columns: Int) { self.columns = columns }

        mutating func append(_ row: UnsafeMutableBufferPointer<Double>, _ churned: Bool) {
            for c in 0..<columns { scores.append(Float(row[c])) }
            labels.append(churned ? 1 : 0)
            if churned { positives += 1 }
        }

        func columnMeans() -> [Double] {
            var sums = [Double](repeating: 0, count: columns)
            var counts = [Int](repeating: 0, count: columns)
            for i in 0..<rows {
                for c in 0..<columns where !scores[i * columns + c].isNaN {
                    sums[c] += Double(scores[i * columns + c])
                    counts[c] += 1
                }
            }
            return (0..<columns).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 50 }
        }

        /// score / 100 with missing values imputed by `means`.
        func features(means: [Double]) -> [Float] {
            var x = scores
            for i in 0..<rows {
                for c in 0..<columns where x[i * columns + c].isNaN { x[i * columns + c] = Float(means[c]) }
            }
            for i in x.indices { x[i] /= 100 }
            return x
        }
    }
}
