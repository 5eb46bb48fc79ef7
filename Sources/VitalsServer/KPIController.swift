import Hummingbird
import VitalsCore
import VitalsStore

/// `GET /api/v1/kpis?from=&to=&grain=&segment=`: the same JSON as `vitals report --json`.
struct KPIController: Sendable {
    let source: KPISource

    func register(on group: RouterGroup<some RequestContext>) {
        group.get("kpis") { request, _ in try kpis(request) }
    }

    func kpis(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let grain: Grain
        if let text = query.get("grain") {
            guard let parsed = Grain(rawValue: text) else {
                throw APIError.badRequest("grain: '\(text)' is not one of day, week, month, quarter, year")
            }
            grain = parsed
        } else {
            grain = .month
        }
        let dataset = source.calculator.dataset
        guard let first = try bound(query.get("from"), "from")?.first ?? dataset.earliestActivity?.date,
            let last = try bound(query.get("to"), "to")?.last ?? dataset.latestActivity?.date
        else {
            throw APIError.badRequest("the dataset has no dated records: give from and to")
        }
        guard first <= last else { throw APIError.badRequest("from is after to") }
        let periods = Period.range(from: first, through: last, grain: grain)
        guard periods.count <= 5000 else { throw APIError.badRequest("too many periods (\(periods.count)); use a longer grain") }
        var filter: SegmentFilter?
        if let segment = query.get("segment"), !segment.isEmpty {
            do {
                filter = try SegmentFilter.parse(segment, knownAttributes: source.knownAttributes)
            } catch {
                throw APIError.badRequest(error.description)
            }
        }
        let report = source.calculator.report(ReportScope(periods: periods, segment: filter))
        return .json(ReportJSON.encode(report))
    }

    private func bound(_ text: String?, _ name: String) throws -> (first: CivilDate, last: CivilDate)? {
        guard let text else { return nil }
        do {
            return try CivilDate.parseBound(text)
        } catch {
            throw APIError.badRequest("\(name): \(error.description)")
        }
    }
}
