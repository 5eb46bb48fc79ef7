import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `GET /api/v1/lifetime`: the customer-lifetime models of the key's workspace (the JSON of
/// `vitals clv --json --survival`), computed once per question until the next write.
struct LifetimeController: Sendable {
    let cache: WorkspaceCache

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("lifetime") { request, context in
            let grant = try context.requireCaller()
            let parameters = request.uri.queryParameters
            func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
            let horizon = try value("horizon_months").map { text -> Int in
                guard let n = Int(text), (1...1200).contains(n) else { throw APIError.badRequest("horizon_months: '\(text)' is not a whole number from 1 to 1200") }
                return n
            } ?? 12
            let rate = try value("discount_rate").map { text -> Double in
                guard let x = Double(text), x >= 0, x < 1 else { throw APIError.badRequest("discount_rate: '\(text)' is not a monthly fraction from 0 to below 1") }
                return x
            } ?? 0.01
            let asOf = try value("as_of").map { text -> CivilDate in
                do { return try CivilDate.parseBound(text).last } catch { throw APIError.badRequest("as_of: \(error)") }
            }
            let by = value("by")
            let key = "lifetime|\(asOf?.description ?? "")|\(by ?? "")|\(horizon)|\(rate)"
            let json = try await cache.report(grant.workspace, query: key) { view in
                guard let end = asOf ?? view.latestActivity?.date else {
                    throw APIError.badRequest("the workspace has no dated records: give as_of")
                }
                do {
                    return try LifetimeReport.analyse(
                        dataset: view.dataset, settings: view.calculator.settings, end: end, horizonMonths: horizon,
                        discountRate: rate, by: by
                    ).json()
                } catch {
                    throw APIError.badRequest("by: \(error)")
                }
            }
            return Response.json(json)
        }
    }
}
