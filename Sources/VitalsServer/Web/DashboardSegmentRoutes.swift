import Foundation
import Hummingbird
import VitalsCore
import VitalsStore

/// Segments saved under a name for everyone in the workspace, from any filtered page.
extension DashboardController {
    func saveSegment(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let name = form["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let expression = form["expression"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard (1...100).contains(name.count) else { throw HTTPError(.badRequest, message: "name: 1 to 100 characters") }
        let view = try await cache.view(session.user.workspace)
        do {
            _ = try SegmentFilter.parse(expression, knownAttributes: view.knownAttributes)
        } catch {
            throw HTTPError(.badRequest, message: "expression: \(error.description)")
        }
        guard expression.count <= 2000 else { throw HTTPError(.badRequest, message: "expression: at most 2,000 characters") }
        let at = clock
        do {
            try store.saveSegment(workspace: session.user.workspace, name: name, expression: expression, by: session.user.name, at: at)
        } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        try AuditTrail(store: store).note(
            session.user.workspace, actor: session.user.email, "segment.save", target: name, change: expression, at: at)
        return .redirect(to: LoginController.safeNext(form["back"]), type: .normal)
    }

    func deleteSegment(_ request: Request, _ context: VitalsContext) async throws -> Response {
        let (session, form) = try await LoginController.sessionForm(request, context: context)
        let name = form["name"] ?? ""
        let deleted: Bool
        do { deleted = try store.deleteSegment(workspace: session.user.workspace, name: name) } catch {
            throw HTTPError(.internalServerError, message: "\(error)")
        }
        guard deleted else { throw HTTPError(.notFound, message: "no saved segment '\(name)'") }
        try AuditTrail(store: store).note(
            session.user.workspace, actor: session.user.email, "segment.delete", target: name, change: "deleted",
            at: clock)
        return .redirect(to: LoginController.safeNext(form["back"]), type: .normal)
    }
}
