/// Which KPI reports goal targets need: one per distinct (grain, segment), over the periods from a little before
/// the earliest baseline (or enough for the trend) to the last period that has ended by the evaluation instant.
public struct GoalSeriesPlan: Sendable {
    /// The accounts and period length a report is computed for.
    public struct Key: Hashable, Sendable {
        public var grain: Grain
        public var segment: String?
    }

    /// One report to compute, or why it cannot be.
    public struct Request: Sendable {
        public var key: Key
        /// The report's scope, or `nil` when the segment does not parse (then `problem` says why).
        public var scope: ReportScope?
        public var problem: String?
        /// The KPIs the targets of this key measure.
        public var kpis: [KPI]
    }

    public var requests: [Request]

    /// The most periods one report covers.
    public static let periodLimit = 5000

    /// - Parameters:
    ///   - dataStart: the day of the earliest record (no period before it is computed).
    ///   - knownAttributes: the account attributes segment filters may name.
    public init(goals: [GoalDefinition], dataStart: CivilDate?, asOf: Timestamp, knownAttributes: Set<String>) {
        var byKey: [Key: [KPITarget]] = [:]
        var order: [Key] = []
        for target in goals.flatMap(\.allTargets) {
            let key = Key(grain: target.grain, segment: target.segment)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(target)
        }
        let lastDay = asOf.adding(seconds: -1).date
        requests = order.map { key in
            let targets = byKey[key] ?? []
            var kpis: [KPI] = []
            for t in targets where !kpis.contains(t.kpi) { kpis.append(t.kpi) }
            // Enough periods for the baseline before each start and for three times the trend window.
            var first = targets.map { Period(grain: key.grain, containing: $0.start).previous.startDate }.min() ?? lastDay
            let window = 3 * (targets.map(\.trendPeriods).max() ?? KPITarget.defaultTrendPeriods)
            var back = Period(grain: key.grain, containing: lastDay)
            for _ in 0..<window { back = back.previous }
            first = min(first, back.startDate)
            if let dataStart { first = max(first, key.grain.start(containing: dataStart)) }
            // At most the latest `periodLimit` periods (a daily target started years before the data, say).
            let periods = first <= lastDay
                ? Array(Period.range(from: first, through: lastDay, grain: key.grain).suffix(Self.periodLimit)) : []
            var filter: SegmentFilter?
            if let text = key.segment {
                do {
                    filter = try SegmentFilter.parse(text, knownAttributes: knownAttributes)
                } catch {
                    return Request(key: key, scope: nil, problem: "\(error)", kpis: kpis)
                }
            }
            return Request(key: key, scope: ReportScope(periods: periods, segment: filter), problem: nil, kpis: kpis)
        }
    }
}

/// The KPI series goal targets are evaluated on, by (grain, segment) and KPI, with the problem of any report that
/// could not be computed.
public struct GoalSeriesTable: Sendable {
    private var series: [GoalSeriesPlan.Key: [KPI: KPISeries]] = [:]
    private var problems: [GoalSeriesPlan.Key: String] = [:]

    public init() {}

    /// Computes every report of `plan` with `report`.
    public init(plan: GoalSeriesPlan, report: (ReportScope) -> KPIReport) {
        for request in plan.requests {
            guard let scope = request.scope else {
                problems[request.key] = request.problem
                continue
            }
            add(report(scope), kpis: request.kpis, key: request.key)
        }
    }

    /// Adds the series of `kpis` in `report` under `key`.
    public mutating func add(_ report: KPIReport, kpis: [KPI], key: GoalSeriesPlan.Key) {
        var entry = series[key] ?? [:]
        for kpi in kpis { entry[kpi] = KPISeries(report, kpi: kpi) }
        series[key] = entry
    }

    /// Adds ready series under `key`.
    public mutating func add(_ entries: [KPI: KPISeries], key: GoalSeriesPlan.Key) {
        series[key, default: [:]].merge(entries) { $1 }
    }

    public mutating func fail(_ key: GoalSeriesPlan.Key, problem: String) { problems[key] = problem }

    /// The series of `target`'s KPI for its grain and segment, or why there is none.
    public func lookup(_ target: KPITarget) -> (series: KPISeries?, problem: String?) {
        let key = GoalSeriesPlan.Key(grain: target.grain, segment: target.segment)
        if let problem = problems[key] { return (nil, problem) }
        guard let found = series[key]?[target.kpi] else { return (nil, "no report was computed for \(target.kpi.id)") }
        return (found, nil)
    }

    /// `kpis` of `report` as text, one line per KPI: `id<TAB>v1,v2,,v4` (empty for no value), after a first line
    /// with the grain and first period's start. Lets a text cache keep the series between requests.
    public static func encode(_ report: KPIReport, kpis: [KPI]) -> String {
        var lines = ["\(report.grain.rawValue)\t\(report.rows.first?.period.startDate.description ?? "")"]
        for kpi in kpis {
            let values = KPISeries(report, kpi: kpi).points.map { $0.value.map { String($0) } ?? "" }
            lines.append(kpi.id + "\t" + values.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    /// The series `encode` wrote, or `nil` if `text` is not such an encoding.
    public static func decode(_ text: String) -> [KPI: KPISeries]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let head = lines.first?.split(separator: "\t", omittingEmptySubsequences: false), head.count == 2,
            let grain = Grain(rawValue: String(head[0]))
        else { return nil }
        let first = try? CivilDate.parseBound(String(head[1])).first
        var result: [KPI: KPISeries] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2, let kpi = KPI(rawValue: String(parts[0])) else { return nil }
            let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0)) }
            result[kpi] = first.map { KPISeries(grain: grain, first: $0, values: values) } ?? KPISeries(points: [])
        }
        return result
    }
}
