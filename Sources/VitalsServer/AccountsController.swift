import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `GET /api/v1/accounts` (paged, sortable, filterable by segment) and `GET /api/v1/accounts/{id}` with the
/// account's KPIs.
struct AccountsController: Sendable {
    let cache: WorkspaceCache

    func register(on group: RouterGroup<VitalsContext>) {
        group.get("accounts") { request, context in
            let grant = try context.requireCaller()
            return try list(request, view: try await cache.view(grant.workspace))
        }
        group.get("accounts/{id}") { request, context in
            let grant = try context.requireCaller()
            let id = try context.parameters.require("id")
            return try detail(id, request, view: try await cache.view(grant.workspace))
        }
    }

    /// Sort keys: `name`, `mrr`, `created_at`, `account_id` (prefix `-` for descending); `limit` 1...1000 (50),
    /// `offset`; `segment` as for the KPIs. MRR is as of now.
    func list(_ request: Request, view: WorkspaceView) throws -> Response {
        let query = request.uri.queryParameters
        let limit = try number(query.get("limit"), "limit", default: 50, range: 1...1000)
        let offset = try number(query.get("offset"), "offset", default: 0, range: 0...Int.max)
        let filter = try ReportQuery.segment(query.get("segment"), view: view)
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        var rows = view.dataset.accounts.indices.filter { filter?.matches(view.dataset.accounts[$0]) ?? true }
            .map { (index: $0, mrr: view.calculator.timeline.mrr(of: AccountIndex($0), before: now)) }
        let sort = query.get("sort") ?? "name"
        let descending = sort.hasPrefix("-")
        let key = descending ? String(sort.dropFirst()) : sort
        let accounts = view.dataset.accounts
        let ascending: ((index: Int, mrr: Int64), (index: Int, mrr: Int64)) -> Bool
        switch key {
        case "name": ascending = { (accounts[$0.index].name, $0.index) < (accounts[$1.index].name, $1.index) }
        case "account_id": ascending = { accounts[$0.index].id < accounts[$1.index].id }
        case "mrr": ascending = { ($0.mrr, $0.index) < ($1.mrr, $1.index) }
        case "created_at":
            ascending = {
                (accounts[$0.index].createdAt?.seconds ?? .min, $0.index) < (accounts[$1.index].createdAt?.seconds ?? .min, $1.index)
            }
        default: throw APIError.badRequest("sort: '\(sort)' is not one of name, account_id, mrr, created_at (- for descending)")
        }
        rows.sort { descending ? ascending($1, $0) : ascending($0, $1) }
        let page = rows.dropFirst(offset).prefix(limit)
        let currency = view.calculator.settings.reportingCurrency
        var json = JSONText()
        json.beginObject()
        json.field("total", rows.count)
        json.field("limit", limit)
        json.field("offset", offset)
        json.key("accounts")
        json.beginArray()
        for row in page { account(&json, accounts[row.index], mrr: row.mrr, currency: currency) }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }

    func detail(_ id: String, _ request: Request, view: WorkspaceView) throws -> Response {
        guard let index = view.dataset.index(of: AccountID(id)) else {
            throw APIError(status: .notFound, message: "no account '\(id)' in this workspace")
        }
        let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
        let scope = try ReportQuery(request.uri.queryParameters, view: view, account: id).scope()
        let report = view.calculator.report(scope)
        var json = JSONText()
        json.beginObject()
        json.key("account")
        account(&json, view.dataset[index], mrr: view.calculator.timeline.mrr(of: index, before: now),
                currency: view.calculator.settings.reportingCurrency)
        json.key("kpis")
        json.raw(ReportJSON.encode(report))
        json.endObject()
        return .json(json.text)
    }

    private func account(_ json: inout JSONText, _ a: Account, mrr: Int64, currency: CurrencyCode) {
        json.beginObject()
        json.field("account_id", a.id.rawValue)
        json.field("name", a.name)
        json.field("created_at", a.createdAt?.description)
        json.field("csm", a.csm)
        json.field("industry", a.industry)
        json.field("country", a.country)
        json.field("referred_by", a.referredBy?.rawValue)
        json.field("mrr", Double(mrr) / Money.powerOfTen(currency.minorUnitExponent))
        json.key("attributes")
        json.beginObject()
        for (k, v) in a.attributes.sorted(by: { $0.key < $1.key }) { json.field(k, v) }
        json.endObject()
        json.endObject()
    }

    private func number(_ text: String?, _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name): '\(text)' is not a whole number from \(range.lowerBound)")
        }
        return value
    }
}
