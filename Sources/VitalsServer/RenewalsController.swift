import Foundation
import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// The renewals: the page (`/renewals`, a forecast call set by a form) and the API (`GET /api/v1/renewals`,
/// `GET`/`PUT /api/v1/renewals/forecast`). Thin: the listing is `RenewalListing`, the page `RenewalsPage`.
struct RenewalsController: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache
    let now: @Sendable () -> Date

    var clock: Timestamp { Timestamp(seconds: Int64(now().timeIntervalSince1970)) }

    func register(pages: RouterGroup<VitalsContext>) {
        pages.get("/renewals") { request, context in try await page(request, context) }
        pages.post("/renewals/forecast") { request, context in try await setFromForm(request, context) }
    }

    func register(api: RouterGroup<VitalsContext>) {
        api.get("renewals") { request, context in
            let grant = try context.requireCaller()
            let view = try await cache.view(grant.workspace)
            let q = request.uri.queryParameters
            let asOf = view.asOf(now: now()).date
            let from = try day(q.get("from"), "from") ?? asOf
            let to = try day(q.get("to"), "to") ?? asOf.adding(days: 89)
            guard from <= to else { throw APIError.badRequest("from: must not be after to") }
            let listing = self.listing(
                view, from: from, to: to.adding(days: 1), likelihood: try await likelihood(grant.workspace, view: view))
            let calls = try store.forecastCalls(workspace: grant.workspace).mapValues(\.call.rawValue)
            return Response.json(RenewalsOutput.json(
                listing.rows, asOf: listing.asOf, currency: view.calculator.settings.reportingCurrency, calls: calls))
        }
        api.get("renewals/forecast") { request, context in
            let grant = try context.requireCaller()
            guard let key = request.uri.queryParameters.get("key"), !key.isEmpty else {
                throw APIError.badRequest("key: required, the renewal's key (its `key` in GET /api/v1/renewals)")
            }
            guard let call = try store.forecastCalls(workspace: grant.workspace)[key] else {
                throw APIError(status: .notFound, message: "no forecast call on renewal '\(key)'")
            }
            return Response.json(Self.json(call))
        }
        api.put("renewals/forecast") { request, context in
            let grant = try context.requireCaller()
            let body = try await request.body.collect(upTo: 16 << 10)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                throw APIError.badRequest(#"the body must be a JSON object: {"key": "...", "forecast": "commit", "set_by": "ana"}"#)
            }
            guard let key = object["key"] as? String, !key.isEmpty else { throw APIError.badRequest("key: required, a renewal's key") }
            let text = object["forecast"] as? String ?? ""
            guard let call = ForecastCall(rawValue: text) else {
                throw APIError.badRequest("forecast: '\(text)' is not one of \(ForecastCall.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let by = object["set_by"] as? String, !by.isEmpty, by.count <= 200 else {
                throw APIError.badRequest("set_by: required, who made the call (at most 200 characters)")
            }
            let view = try await cache.view(grant.workspace)
            guard isRenewal(key, view) else { throw APIError(status: .notFound, message: "key: no renewal '\(key)' in this workspace") }
            let stored = try store.setForecastCall(workspace: grant.workspace, key: key, call: call, by: by, at: clock)
            try AuditTrail(store: store).note(
                grant.workspace, actor: grant.actor, "renewal.forecast", target: key, change: "call -> \(call.rawValue)", at: clock)
            return Response.json(Self.json(stored))
        }
    }

    static func json(_ call: StoredForecastCall) -> String {
        "{\"key\":\(ReportJSON.quoted(call.key)),\"forecast\":\(ReportJSON.quoted(call.call.rawValue)),"
            + "\"set_by\":\(ReportJSON.quoted(call.setBy)),\"set_at\":\(ReportJSON.quoted(call.setAt.description))}"
    }

    /// The renewals due in `[from, to)` with each account's health band as of the health instant.
    func listing(_ view: WorkspaceView, from: CivilDate, to: CivilDate, likelihood model: RenewalLikelihood?) -> RenewalListing {
        let at = view.healthInstant(now: clock)
        return RenewalListing(
            calculator: view.calculator, from: Timestamp(from), to: Timestamp(to), now: view.asOf(now: now()),
            band: { view.health.score($0, at: at)?.band },
            likelihood: { account in model?.likelihood(of: account, engine: view.health, at: at) })
    }

    /// The health model calibrated on the workspace's churn, as `vitals health calibrate` fits it (its whole history up
    /// to the health instant, a 90-day horizon), kept until the next write; nil when the history cannot calibrate it
    /// (too short, or without both churned and retained accounts).
    func likelihood(_ workspace: Int64, view: WorkspaceView) async throws -> RenewalLikelihood? {
        let at = view.healthInstant(now: clock)
        let fitted = try await cache.derived(workspace, key: "renewal-likelihood|\(at.seconds)") { view in
            Calibrated(model: view.dataset.earliestActivity.flatMap { first in
                let options = HealthCalibration.Options()
                return (try? HealthCalibration.run(view.health, from: first, to: at, options: options))
                    .map { RenewalLikelihood($0, horizonDays: options.horizonDays) }
            })
        }
        return fitted.model
    }

    /// A calibration kept in the cache, including the absence of one.
    struct Calibrated: Sendable { var model: RenewalLikelihood? }

    /// Whether `key` names a renewal of the workspace: its due date (the key's last part) is one of its item's.
    func isRenewal(_ key: String, _ view: WorkspaceView) -> Bool {
        guard key.count <= 600, let seconds = key.split(separator: "|").last.flatMap({ Int64($0) }),
            let due = Timestamp(checkedSeconds: seconds)
        else { return false }
        return view.calculator.renewals(asOf: due, through: due).contains { $0.key == key }
    }

    private func day(_ text: String?, _ name: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard text.count == 10, let date = try? CivilDate.parseBound(text).first else {
            throw APIError.badRequest("\(name): '\(text)' is not a date, YYYY-MM-DD")
        }
        return date
    }

    func page(_ request: Request, _ context: VitalsContext) async throws -> Response {
        guard let session = context.session else { throw HTTPError(.unauthorized) }
        var parameters: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { parameters[String(k)] = String(v) }
        let view = try await cache.view(session.user.workspace)
        let asOf = view.asOf(now: now()).date
        let window = RenewalsPage.Window(parameters, asOf: asOf)
        let (from, to) = window.range(asOf: asOf)
        let me = session.user.csm
        let owner = parameters["everyone"] == "1" ? nil : parameters["csm"].flatMap { $0.isEmpty ? nil : $0 } ?? me
        var listed = listing(view, from: from, to: to, likelihood: try await likelihood(session.user.workspace, view: view))
        if let owner { listed.rows = listed.rows.filter { $0.owner == owner } }
        var model = RenewalsPage(
            window: window, asOf: asOf, listing: listed,
            calls: try store.forecastCalls(workspace: session.user.workspace),
            currency: view.calculator.settings.reportingCurrency, csrfToken: session.csrfToken,
            page: max(1, parameters["page"].flatMap { Int($0) } ?? 1))
        model.owner = owner
        model.me = me
        if parameters["format"] == "csv" {
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: model.table(all: true).csv)))
            response.headers[.contentType] = "text/csv; charset=utf-8"
            return response
        }
        let layout = PageLayout(
            title: "Renewals", active: .renewals, userName: session.user.name, csrfToken: session.csrfToken, role: session.user.role)
        return .html(layout.render(model.render()))
    }

    /// Sets a forecast call from the page's form, then goes back to the page as it was.
    func setFromForm(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let back = "/renewals?" + (form["back"].flatMap { $0.hasPrefix("window=") ? $0 : nil } ?? "")
        guard let key = form["key"], let text = form["call"] else { throw HTTPError(.badRequest, message: "key and call are required") }
        guard !text.isEmpty else { return .redirect(to: back, type: .normal) }
        guard let call = ForecastCall(rawValue: text) else { throw HTTPError(.badRequest, message: "call: '\(text)' is not a forecast call") }
        let view = try await cache.view(session.user.workspace)
        guard isRenewal(key, view) else { throw HTTPError(.notFound, message: "no such renewal in this workspace") }
        _ = try store.setForecastCall(workspace: session.user.workspace, key: key, call: call, by: session.user.name, at: clock)
        try AuditTrail(store: store).note(
            session.user.workspace, actor: session.user.email, "renewal.forecast", target: key, change: "call -> \(call.rawValue)", at: clock)
        return .redirect(to: back, type: .normal)
    }
}
