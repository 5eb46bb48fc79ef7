import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `GET /api/v1/kpis?from=&to=&grain=&segment=`: the same JSON as `vitals report --json`, for the key's workspace.
struct KPIController: Sendable {
    let cache: WorkspaceCache
    /// The clock renewals are decided by: as of the start of the dashboard's as-of day, as on the pages.
    let now: @Sendable () -> Date

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("kpis") { request, context in
            let grant = try context.requireCaller()
            let parameters = request.uri.queryParameters
            // The same question since the last write gets the same answer without recomputing it.
            let clock = now()
            let day = Int64(clock.timeIntervalSince1970) / 86_400
            let key = ["from", "to", "grain", "segment"].map { parameters.get($0) ?? "" }.joined(separator: "\u{1F}")
                + "\u{1F}\(day)"
            let json = try await cache.report(grant.workspace, query: key) { view in
                var scope = try ReportQuery(parameters, view: view).scope()
                scope.now = Timestamp(view.asOf(now: clock).date)
                return ReportJSON.encode(view.calculator.report(scope))
            }
            return Response.json(json)
        }
    }
}

/// The period and segment parameters shared by the report routes.
struct ReportQuery {
    /// The most periods one report computes.
    static let maximumPeriods = 5000
    /// The most periods a report without `from` holds (the last ones): 50 years of months.
    static let defaultPeriods = 600

    var first: CivilDate
    var last: CivilDate
    var grain: Grain
    var segment: SegmentFilter?

    /// - Parameter account: restricts the report to one account (the account page's KPIs).
    init(_ query: some Collection<(key: Substring, value: Substring)>, view: WorkspaceView, account: String? = nil) throws {
        func value(_ name: String) -> String? { query.first { $0.key == name }.map { String($0.value) } }
        if let text = value("grain") {
            guard let parsed = Grain(rawValue: text) else {
                throw APIError.badRequest("grain: '\(text)' is not one of day, week, month, quarter, year")
            }
            grain = parsed
        } else {
            grain = .month
        }
        func bound(_ name: String) throws -> (first: CivilDate, last: CivilDate)? {
            guard let text = value(name) else { return nil }
            do { return try CivilDate.parseBound(text) } catch { throw APIError.badRequest("\(name): \(error.description)") }
        }
        let from = try bound("from")?.first
        guard var first = from ?? view.dataset.earliestActivity?.date,
            let last = try bound("to")?.last ?? view.dataset.latestActivity?.date
        else {
            throw APIError.badRequest("the workspace has no dated records: give from and to")
        }
        guard first <= last else { throw APIError.badRequest("from is after to") }
        // Without `from`, the report starts at the earliest record, but holds at most `defaultPeriods`: one old
        // record (or a store written before dates were bounded) must not make every default read fail or crawl.
        if from == nil, Period.range(from: first, through: last, grain: grain).count > Self.defaultPeriods {
            first = Period(grain: grain, containing: last).startDate
            for _ in 1..<Self.defaultPeriods { first = Period(grain: grain, containing: first).previous.startDate }
        }
        self.first = first
        self.last = last
        segment = try Self.segment(value("segment"), view: view)
        if let account {
            let clause = SegmentFilter.Clause(attribute: "account_id", comparison: .equal, values: [account])
            segment = SegmentFilter(
                clauses: (segment?.clauses ?? []) + [clause],
                text: [segment?.text, "account_id = \(account)"].compactMap { $0 }.joined(separator: " and "))
        }
    }

    /// The `segment` parameter as a filter over the view's attributes (`nil` when absent or empty); 400 when bad.
    static func segment(_ text: String?, view: WorkspaceView) throws -> SegmentFilter? {
        guard let text, !text.isEmpty else { return nil }
        do {
            return try SegmentFilter.parse(text, knownAttributes: view.knownAttributes)
        } catch {
            throw APIError.badRequest("segment: \(error.description)")
        }
    }

    func scope() throws -> ReportScope {
        let periods = Period.range(from: first, through: last, grain: grain)
        guard periods.count <= Self.maximumPeriods else {
            throw APIError.badRequest("too many periods (\(periods.count)); use a longer grain")
        }
        return ReportScope(periods: periods, segment: segment)
    }
}
