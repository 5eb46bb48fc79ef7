import Foundation
import TOMLKit
import VitalsCore

/// Reads the `[health]`, `[touch]`, `[alerts]`, `[[alerts.rules]]`, `[[alerts.webhooks]]`, `[[playbooks]]` and
/// `[digests]` sections of `vitals.toml` (`docs/health.md`, `docs/alerts.md`), listing every problem at once.
public enum HealthConfigurationLoader {
    /// The top-level sections this loader reads (the report loader accepts them).
    public static let sections = ["health", "touch", "alerts", "playbooks", "digests"]

    /// Loads the configuration from `configFile` (defaults when absent). Secrets named by `secret_env` are read from
    /// `environment`.
    public static func load(configFile: String?, report: ReportSettings, environment: [String: String] = [:])
        throws(ConfigurationError) -> HealthConfiguration
    {
        guard let configFile, FileManager.default.fileExists(atPath: configFile) else {
            var configuration = HealthConfiguration()
            configuration.health.report = report
            return configuration
        }
        guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
            throw ConfigurationError(problems: ["\(configFile): cannot be read as UTF-8 text"])
        }
        return try parse(text, source: configFile, report: report, environment: environment)
    }

    /// Parses configuration text; `source` names it in problems.
    public static func parse(_ text: String, source: String, report: ReportSettings, environment: [String: String] = [:])
        throws(ConfigurationError) -> HealthConfiguration
    {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(problems: ["\(source): line \(error.source.begin.line): \(error.description)"])
        } catch {
            throw ConfigurationError(problems: ["\(source): \(error)"])
        }
        var problems: [String] = []
        var configuration = HealthConfiguration()
        var reader = TOMLReader(source: source)
        configuration.health = readHealth(table, report: report, &reader)
        configuration.health.report = report
        AlertsConfiguration.read(table, into: &configuration, environment: environment, &reader)
        problems += reader.problems
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
        return configuration
    }

    static func readHealth(_ root: TOMLTable, report: ReportSettings, _ r: inout TOMLReader) -> HealthSettings {
        var settings = HealthSettings()
        if let touch = r.table(root, "touch") {
            r.only(touch, "[touch]", ["basis", "high", "low", "monthly_churn", "attribute"])
            if let basis = r.string(touch, "basis", "[touch]") {
                if let b = TouchSettings.Basis(rawValue: basis) { settings.touch.basis = b } else {
                    r.problem("[touch] basis: '\(basis)' is not arr or clv")
                }
            }
            settings.touch.highFrom = r.number(touch, "high", "[touch]", range: 0...1e15) ?? settings.touch.highFrom
            settings.touch.lowFrom = r.number(touch, "low", "[touch]", range: 0...1e15) ?? settings.touch.lowFrom
            settings.touch.monthlyChurn = r.number(touch, "monthly_churn", "[touch]", range: 0.0001...1)
            settings.touch.attribute = r.string(touch, "attribute", "[touch]") ?? settings.touch.attribute
            if settings.touch.lowFrom > settings.touch.highFrom { r.problem("[touch] low must not be above high") }
        }
        guard let health = r.table(root, "health") else { return settings }
        let where_ = "[health]"
        r.only(health, where_, [
            "period_days", "survey_window_days", "support_window_days", "pulse_window_days", "key_features",
            "renewal_window_days", "renewal_attribute", "yellow_from", "green_from", "weights", "thresholds", "segments",
        ])
        func days(_ key: String) -> Int? { r.int(health, key, where_, range: 1...3650) }
        settings.periodDays = days("period_days") ?? settings.periodDays
        settings.surveyWindowDays = days("survey_window_days") ?? settings.surveyWindowDays
        settings.supportWindowDays = days("support_window_days") ?? settings.supportWindowDays
        settings.pulseWindowDays = days("pulse_window_days") ?? settings.pulseWindowDays
        settings.renewalWindowDays = days("renewal_window_days") ?? settings.renewalWindowDays
        settings.renewalAttribute = r.string(health, "renewal_attribute", where_) ?? settings.renewalAttribute
        if let features = r.strings(health, "key_features", where_) {
            if features.count > 64 { r.problem("\(where_) key_features: at most 64 key features") }
            settings.keyFeatures = features
        }
        settings.defaultModel = readModel(health, name: "default", where: where_, base: HealthModel(), &r)
        if let segments = r.table(health, "segments", where_) {
            var models: [(order: Int, model: HealthModel)] = []
            for name in segments.keys {
                let at = "[health.segments.\(name)]"
                guard let section = r.table(segments, name, "[health.segments]") else { continue }
                r.only(section, at, ["filter", "order", "yellow_from", "green_from", "weights", "thresholds"])
                let filterText = r.string(section, "filter", at) ?? "\(settings.touch.attribute) = \(name)"
                let filter = r.segment(filterText, at + " filter")
                var model = readModel(section, name: name, where: at, base: settings.defaultModel, &r)
                model.segment = filter
                models.append((r.int(section, "order", at, range: -1_000_000...1_000_000) ?? 0, model))
            }
            settings.segmentModels = models.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }
                .map(\.element.model)
        }
        return settings
    }

    /// A model from a section's `yellow_from`, `green_from`, `[weights]` and `[thresholds]`, over `base`.
    static func readModel(_ section: TOMLTable, name: String, where at: String, base: HealthModel, _ r: inout TOMLReader)
        -> HealthModel
    {
        var model = base
        model.name = name
        model.segment = nil
        model.bands.yellowFrom = r.number(section, "yellow_from", at, range: 0...100) ?? model.bands.yellowFrom
        model.bands.greenFrom = r.number(section, "green_from", at, range: 0...100) ?? model.bands.greenFrom
        if model.bands.yellowFrom > model.bands.greenFrom { r.problem("\(at) yellow_from must not be above green_from") }
        let known = HealthComponent.allCases.map(\.rawValue)
        if let weights = r.table(section, "weights", at) {
            for key in weights.keys {
                guard let c = HealthComponent(rawValue: key) else {
                    r.problem("\(at) weights: unknown component '\(key)' (known: \(known.joined(separator: ", ")))")
                    continue
                }
                if let w = r.number(weights, key, "\(at) weights", range: 0...1_000_000) { model.setWeight(c, w) }
            }
            if model.weights.allSatisfy({ $0 == 0 }) { r.problem("\(at) weights: at least one weight must be above 0") }
        }
        if let thresholds = r.table(section, "thresholds", at) {
            for key in thresholds.keys {
                guard let c = HealthComponent(rawValue: key) else {
                    r.problem("\(at) thresholds: unknown component '\(key)' (known: \(known.joined(separator: ", ")))")
                    continue
                }
                let place = "\(at) thresholds.\(key)"
                guard let array = thresholds[key]?.array else {
                    r.problem("\(place): must be a list of [value, score] pairs, e.g. [[0, 100], [5, 30]]")
                    continue
                }
                var points: [(Double, Double)] = []
                var ok = true
                for element in array {
                    guard let pair = element.array, pair.count == 2, let v = TOMLReader.double(pair[0]),
                        let s = TOMLReader.double(pair[1])
                    else {
                        ok = false
                        break
                    }
                    points.append((v, s))
                }
                if !ok {
                    r.problem("\(place): must be a list of [value, score] pairs, e.g. [[0, 100], [5, 30]]")
                } else if let why = ScoreCurve.problem(with: points) {
                    r.problem("\(place): \(why)")
                } else {
                    model.setCurve(c, ScoreCurve(points))
                }
            }
        }
        return model
    }
}

/// Typed reads of TOML values that collect problems instead of stopping at the first.
struct TOMLReader {
    let source: String
    var problems: [String] = []

    init(source: String) { self.source = source }

    mutating func problem(_ text: String) { problems.append("\(source): \(text)") }

    static func double(_ value: any TOMLValueConvertible) -> Double? { value.double ?? value.int.map(Double.init) }

    mutating func table(_ parent: TOMLTable, _ key: String, _ at: String = "") -> TOMLTable? {
        guard let value = parent[key] else { return nil }
        guard let table = value.table else {
            problem("\(at.isEmpty ? "" : at + " ")\(key): must be a table")
            return nil
        }
        return table
    }

    mutating func only(_ table: TOMLTable, _ at: String, _ known: [String]) {
        for key in table.keys where !known.contains(key) {
            problem("\(at) \(key): unknown key (known: \(known.joined(separator: ", ")))")
        }
    }

    mutating func string(_ table: TOMLTable, _ key: String, _ at: String) -> String? {
        guard let value = table[key] else { return nil }
        guard let s = value.string else {
            problem("\(at) \(key): must be a string")
            return nil
        }
        return s
    }

    mutating func strings(_ table: TOMLTable, _ key: String, _ at: String) -> [String]? {
        guard let value = table[key] else { return nil }
        if let s = value.string { return [s] }
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            problem("\(at) \(key): must be a list of strings")
            return nil
        }
        return array.map { $0.string! }
    }

    mutating func number(_ table: TOMLTable, _ key: String, _ at: String, range: ClosedRange<Double>) -> Double? {
        guard let value = table[key] else { return nil }
        guard let d = TOMLReader.double(value), range.contains(d) else {
            problem("\(at) \(key): must be a number from \(HealthComponent.format(range.lowerBound)) to \(HealthComponent.format(range.upperBound))")
            return nil
        }
        return d
    }

    mutating func int(_ table: TOMLTable, _ key: String, _ at: String, range: ClosedRange<Int>) -> Int? {
        guard let value = table[key] else { return nil }
        guard let i = value.int, range.contains(i) else {
            problem("\(at) \(key): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return i
    }

    /// A segment filter; its attribute names are checked against the data when it is used, not here (the data is
    /// not known when the configuration is read).
    mutating func segment(_ text: String, _ at: String) -> SegmentFilter? {
        var known = Set(Account.builtInAttributes)
        for _ in 0..<32 {
            do {
                return try SegmentFilter.parse(text, knownAttributes: known)
            } catch {
                // Any attribute name is accepted here: learn it from the message and try again.
                let marker = "unknown attribute '"
                if let start = error.message.range(of: marker),
                    let end = error.message[start.upperBound...].firstIndex(of: "'")
                {
                    known.insert(String(error.message[start.upperBound..<end]))
                    continue
                }
                problem("\(at): \(error.message)")
                return nil
            }
        }
        problem("\(at): too many attributes")
        return nil
    }
}
