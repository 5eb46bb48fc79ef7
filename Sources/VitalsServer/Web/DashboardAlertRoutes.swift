import Foundation
import Hummingbird
import VitalsCore
import VitalsStore

/// Acknowledging and snoozing an open alert where it is listed (the health page), audited as `alert.acknowledge` and
/// `alert.snooze` (docs/alerts.md).
extension DashboardController {
    /// Acknowledges an open alert as the person signed in.
    func acknowledgeAlert(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let at = clock
        let result: AlertUpdate
        do {
            result = try store.acknowledgeAlert(workspace: session.user.workspace, id: id, by: session.user.name, at: at)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .updated(let alert) = result {
            try AuditTrail(store: store).alertUpdate(
                alert, acknowledged: true, snoozed: nil, workspace: session.user.workspace, actor: session.user.email, at: at)
        }
        return try Self.afterUpdate(result, form)
    }

    /// Snoozes an open alert until the date given (at its start, UTC).
    func snoozeAlert(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw HTTPError(.notFound) }
        let until = try Self.snoozeDate(form)
        let result: AlertUpdate
        do {
            result = try store.snoozeAlert(workspace: session.user.workspace, id: id, until: until)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        if case .updated(let alert) = result {
            try AuditTrail(store: store).alertUpdate(
                alert, acknowledged: false, snoozed: .some(until), workspace: session.user.workspace, actor: session.user.email,
                at: clock)
        }
        return try Self.afterUpdate(result, form)
    }

    static func afterUpdate(_ result: AlertUpdate, _ form: [String: String]) throws -> Response {
        switch result {
        case .updated: return .redirect(to: back(form), type: .normal)
        case .notFound: throw HTTPError(.notFound, message: "no such alert in this workspace")
        case .alreadyCleared: throw HTTPError(.conflict, message: "the alert has cleared already")
        }
    }
}
