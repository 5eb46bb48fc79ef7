import CompressNIO
import Foundation
import Hummingbird
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// Product usage from trackers (docs/integrations/segment.md, posthog.md):
/// Segment's tracking API (`POST /v1/batch`, `/v1/track`, `/v1/identify`, `/v1/group`, `/v1/page`, `/v1/screen`,
/// `/v1/alias`) and PostHog's capture API (`POST /batch/`, `/capture/`).
///
/// The write key is an ingest (or admin) API key of the workspace: as the HTTP Basic user (Segment's libraries), a
/// Bearer token, or in the body (`writeKey` for Segment, `api_key` for PostHog). Bodies may be gzip. A request is
/// checked whole before anything is stored: 413 when larger than 500 KB (decompressed) or with a message over 32 KB,
/// 400 for a malformed message, 401 for a missing or unknown key, 403 for a read-only key. Otherwise it is stored in
/// one transaction and answered 200 once durable.
struct TrackingController: Sendable {
    let store: any VitalsStorage
    let cache: WorkspaceCache

    /// The clock for messages without a timestamp.
    var now: @Sendable () -> Timestamp = { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    func register(on router: Router<VitalsContext>) {
        for type in ["batch", "track", "identify", "group", "page", "screen", "alias"] {
            router.post("/v1/\(type)") { request, _ in
                try await receive(request, segmentType: type == "batch" ? nil : type)
            }
        }
        for path in ["/batch", "/capture"] {
            router.post(RouterPath(path)) { request, _ in try await receive(request, segmentType: nil, posthog: true) }
        }
    }

    func receive(_ request: Request, segmentType: String?, posthog: Bool = false) async throws -> Response {
        // A gzip body is read compressed up to the limit, then inflated up to it: a small bomb cannot fill the memory.
        let limit = TrackingFormat.maxBatchBytes
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit + 1)
        } catch {
            throw TrackingFailure(.contentTooLarge, "the request body is larger than \(limit) bytes")
        }
        guard body.readableBytes <= limit else { throw TrackingFailure(.contentTooLarge, "the request body is larger than \(limit) bytes") }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else { throw TrackingFailure(.unsupportedMediaType, "Content-Encoding '\(encoding)' (only gzip)") }
            do {
                body = try body.decompress(with: .gzip(), maxSize: limit)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw TrackingFailure(.contentTooLarge, "the decompressed body is larger than \(limit) bytes")
            } catch {
                throw TrackingFailure(.badRequest, "the body is not valid gzip")
            }
            // The inflater's bound is its buffer's capacity, which may round up: the limit is checked exactly here.
            guard body.readableBytes <= limit else {
                throw TrackingFailure(.contentTooLarge, "the decompressed body is larger than \(limit) bytes")
            }
        }
        guard let json = JSONBody.object(Array(buffer: body)) else { throw TrackingFailure(.badRequest, "the body is not a JSON object") }
        let grant = try authorize(request, body: json, posthog: posthog)
        let messages: [TrackingMessage]
        do {
            messages = posthog
                ? try TrackingFormat.posthog(json, receivedAt: now())
                : try TrackingFormat.segment(json, type: segmentType, receivedAt: now())
        } catch {
            throw TrackingFailure(error.tooLarge ? .contentTooLarge : .badRequest, error.description)
        }
        let result = try await apply(messages, workspace: grant.workspace)
        let counts = "\"stored\":\(result.stored),\"duplicates\":\(result.duplicates),\"unattributed\":\(result.unattributed),\"groups\":\(result.groups)"
        return .json(posthog ? "{\"status\":1,\(counts)}" : "{\"success\":true,\(counts)}")
    }

    /// Stores `messages` in `workspace` and lets the cache follow: events for accounts it knows are appended to the
    /// records it holds (recorded in the journal as the batch commits, as the ingest writer records its saves); group
    /// calls and new accounts make it read the workspace again.
    func apply(_ messages: [TrackingMessage], workspace: Int64) async throws -> TrackingResult {
        let references = try await cache.references(workspace)
        let journal = cache.journal
        let result = try journal.committing { () -> Result<TrackingResult, StoreError> in
            let applied = Result { () throws(StoreError) in try store.applyTracking(messages, workspace: workspace) }
            if case .success(let result) = applied {
                let changesReferences = result.accountsCreated > 0 || result.groups > 0
                journal.record(
                    workspace, version: result.dataVersion,
                    events: changesReferences ? nil : Self.usageLog(result.storedEvents, references),
                    accountRows: references.rows, changesReferences: changesReferences)
            }
            return applied
        }.get()
        await cache.invalidate(workspace, references: result.accountsCreated > 0 || result.groups > 0)
        return result
    }

    /// `events` as a log whose account indexes are those of `references`; nil if an account is not among them
    /// (created or written since they were read: the reader then loads the workspace from the store).
    static func usageLog(_ events: [TrackingResult.StoredEvent], _ references: References) -> UsageLog? {
        var log = UsageLog()
        for stored in events {
            let m = stored.message
            guard let account = references.indexes[stored.account], let user = m.user, let event = m.event else { return nil }
            log.append(
                UsageEvent(
                    id: UsageEventID(m.messageID), account: AccountIndex(account), user: UserID(user), event: event,
                    occurredAt: m.timestamp, durationSeconds: m.durationSeconds, properties: m.properties))
        }
        return log
    }

    /// The grant of the request's write key, which must allow ingest.
    private func authorize(_ request: Request, body: [String: Any], posthog: Bool) throws -> APIGrant {
        var key: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: parts[1]) {
                key = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            } else if parts.count == 2, parts[0].lowercased() == "bearer" {
                key = parts[1]
            }
        }
        if key?.isEmpty ?? true { key = body[posthog ? "api_key" : "writeKey"] as? String }
        guard let key, !key.isEmpty else {
            throw TrackingFailure(.unauthorized, posthog ? "api_key is required" : "a write key is required (HTTP Basic user, or writeKey)")
        }
        guard let grant = try store.grant(forKey: key) else { throw TrackingFailure(.unauthorized, "unknown or revoked write key") }
        guard grant.scope.permissions.contains(.ingest) else {
            throw TrackingFailure(.forbidden, "this key's scope (\(grant.scope.rawValue)) does not allow ingest")
        }
        if grant.scope == .admin {
            // Every use of an admin-scope key is noted, here as on the API (docs/security.md, "Audit log").
            try store.recordAudit(
                AuditEvent(actor: grant.actor, action: "key.use", target: "POST \(request.uri.path)", change: "tracking batch"),
                workspace: grant.workspace, at: Date(timeIntervalSince1970: TimeInterval(now().seconds)))
        }
        return grant
    }
}

/// A tracking API failure, answered as `{"success": false, "code": ..., "message": ...}` (the shape Segment's
/// libraries read).
struct TrackingFailure: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let code = ReportJSON.quoted(status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"))
        var response = Response.json("{\"success\":false,\"code\":\(code),\"message\":\(ReportJSON.quoted(message))}")
        response.status = status
        return response
    }
}
