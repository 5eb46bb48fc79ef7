import CompressNIO
import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Writes records: `POST /api/v1/{kind}` upserts a JSON array of objects (or NDJSON with
/// `Content-Type: application/x-ndjson`) whose fields are the canonical CSV columns; `DELETE /api/v1/{kind}/{id}`
/// deletes one record. Records are checked exactly as `vitals import` checks a file; a request is stored whole, in
/// one transaction (or a savepoint of one shared with concurrent requests: `IngestWriter`), and answered only once it
/// is committed to disk, or not stored at all.
struct IngestController: Sendable {
    let store: any VitalsStorage
    /// Saves the records of concurrent requests in shared transactions (group commit).
    let writer: IngestWriter
    let cache: WorkspaceCache
    /// Bodies larger than this are refused with 413.
    let maxBodyBytes: Int

    func register(on group: RouterGroup<VitalsContext>) {
        // Every kind's routes by name, so that no other route on the same path (GET /accounts) shadows them. A method a
        // kind's path does not take is answered 405 before routing (MethodMiddleware); the catch-alls answer for
        // names that are no kind, and for an id given to a kind named by its key fields.
        for kind in RecordKind.all {
            // POST /api/v1/survey_invitations sends a survey (SurveyAPIController), within the recontact limits.
            if kind.id != .surveyInvitations {
                group.post(RouterPath(kind.name)) { request, context in
                    try await upsert(request, kind: kind, grant: try context.requireCaller())
                }
            }
            switch kind.key {
            case .id: group.delete(RouterPath("\(kind.name)/{id}")) { _, context in try await delete(kind, context) }
            case .fields: group.delete(RouterPath(kind.name)) { request, context in try await delete(kind, request, context) }
            }
        }
        for method in [HTTPRequest.Method.post, .delete] {
            group.on("{kind}", method: method) { _, context -> Response in
                _ = try context.requireCaller()
                throw Self.unknown(try context.parameters.require("kind"))
            }
        }
        group.delete("{kind}/{id}") { _, context -> Response in
            _ = try context.requireCaller()
            let kind = try Self.kind(context.parameters.require("kind"))
            throw APIError.badRequest("\(kind) have no id to delete by (DELETE /api/v1/\(kind) with its key fields)")
        }
    }

    /// `DELETE /api/v1/{kind}/{id}`.
    func delete(_ kind: RecordKind, _ context: VitalsContext) async throws -> Response {
        let grant = try context.requireCaller()
        let id = try context.parameters.require("id")
        guard let deleted = try store.delete(kind: kind, id: id, workspace: grant.workspace) else {
            throw APIError.badRequest("\(kind) have no id to delete by")
        }
        guard deleted > 0 else { throw APIError(status: .notFound, message: "no \(kind) '\(id)' in this workspace") }
        await cache.invalidate(grant.workspace)
        return Response.json("{\"deleted\":\(deleted)}")
    }

    /// `DELETE /api/v1/{kind}?field=...`: kinds without an id (onboarding, CSM pulses, rates, acquisition costs) are
    /// named by their key fields.
    func delete(_ kind: RecordKind, _ request: Request, _ context: VitalsContext) async throws -> Response {
        let grant = try context.requireCaller()
        guard case .fields(let keys, _) = kind.key else { throw APIError.badRequest("\(kind) are deleted by id") }
        let query = request.uri.queryParameters
        var fields: [String: String] = [:]
        for key in keys { fields[key] = query.get(key) }
        let deleted: Int
        do {
            deleted = try store.delete(kind: kind, fields: fields, workspace: grant.workspace)
        } catch {
            throw APIError.badRequest("\(error) (give \(keys.joined(separator: ", ")) as query parameters)")
        }
        guard deleted > 0 else { throw APIError(status: .notFound, message: "no such \(kind) in this workspace") }
        await cache.invalidate(grant.workspace)
        return Response.json("{\"deleted\":\(deleted)}")
    }

    static func unknown(_ name: String) -> APIError {
        APIError(
            status: .notFound,
            message: "no record kind '\(name)' (one of \(RecordKind.all.map(\.name).sorted().joined(separator: ", ")))")
    }

    /// The record kind a path names; 404 for anything else.
    static func kind(_ name: String) throws -> RecordKind {
        guard let kind = RecordKind.ID(rawValue: name).map({ RecordKind[id: $0] }) else { throw unknown(name) }
        return kind
    }

    func upsert(_ request: Request, kind: RecordKind, grant: Caller) async throws -> Response {
        var body = try await request.body.collect(upTo: maxBodyBytes)
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else {
                throw APIError(status: .unsupportedMediaType, message: "Content-Encoding '\(encoding)' (only gzip)")
            }
            // The limit holds for the decompressed body too, so a small bomb cannot fill the memory.
            do {
                body = try body.decompress(with: .gzip(), maxSize: maxBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw APIError(status: .contentTooLarge, message: "the decompressed body is larger than \(maxBodyBytes) bytes")
            } catch {
                throw APIError.badRequest("the body is not valid gzip")
            }
            // The inflater's bound is its buffer's capacity, which may round up: the limit is checked exactly here.
            guard body.readableBytes <= maxBodyBytes else {
                throw APIError(status: .contentTooLarge, message: "the decompressed body is larger than \(maxBodyBytes) bytes")
            }
        }
        let ndjson = request.headers[.contentType]?.hasPrefix("application/x-ndjson") ?? false
        let references = try await cache.references(grant.workspace)
        // The workspace's own reporting currency (an admin may have saved another than the server's).
        let reporting = try await cache.settings(grant.workspace).report.reportingCurrency
        let contacts = [.activities, .tickets, .surveyInvitations].contains(kind.id) ? try await cache.contactOwners(grant.workspace) : [:]
        let (dataset, count): (Dataset, Int)
        do {
            (dataset, count) = try DatasetLoader.load(
                json: Array(buffer: body), kind: kind, ndjson: ndjson, reportingCurrency: reporting,
                knownAccounts: references.accounts, ratedCurrencies: references.rated,
                knownContacts: contacts)
        } catch {
            switch error {
            case .malformed(let reason): throw APIError.badRequest(reason)
            case .invalid(let problems): throw Self.rejection(problems, kind: kind.name)
            }
        }
        let changesReferences = kind.id == .accounts || kind.id == .fxRates
        // Records of other kinds only refer to the stored accounts: they need not be written again.
        try await writer.save(
            SaveRequest(dataset, workspace: grant.workspace, storedAccounts: kind.id == .accounts ? nil : references.rows),
            appending: kind.id == .usageEvents ? dataset.usageEvents : nil, changesReferences: changesReferences)
        await cache.invalidate(grant.workspace, references: changesReferences)
        // The request was checked whole and saved in one transaction: every record of it is stored.
        return Response.json("{\"stored\":\(count)}")
    }

    /// 422 with every problem, each located as `kind[element].field: reason` (element 0 is the first record).
    static func rejection(_ error: DatasetLoadError, kind: String) -> APIError {
        let problems = error.issues.map { issue in
            "\(kind)[\(issue.line)]" + (issue.column.map { ".\($0)" } ?? "") + ": " + issue.reason
        }
        var message = problems.joined(separator: "; ")
        if error.total > problems.count { message += "; and \(error.total - problems.count) more problems" }
        return APIError(status: .unprocessableContent, message: message)
    }
}
