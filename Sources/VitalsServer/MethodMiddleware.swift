import Foundation
import Hummingbird
import VitalsFormats

/// Answers 405 Method Not Allowed, with an `Allow` header, to a method the OpenAPI document does not list for a path it
/// does list (PUT /api/v1/accounts, TRACE anywhere under /api/v1), rather than the router's bare 404: the responses
/// then stay inside the document. Paths it does not list pass through (an unknown record kind explains itself).
struct MethodMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each documented path as its segments (`{id}` matches any one segment), with its methods.
    let routes: [(segments: [Substring], methods: Set<String>)]

    init(document: String = OpenAPIDocument.json) {
        let parsed = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any]
        let paths = parsed?["paths"] as? [String: [String: Any]] ?? [:]
        routes = paths.map { path, operations in
            (path.split(separator: "/"), Set(operations.keys.map { $0.uppercased() }))
        }
    }

    /// The methods documented for `path`, or nil when no documented path matches it.
    func methods(for path: Substring) -> Set<String>? {
        let segments = path.split(separator: "/")
        var found: Set<String>?
        for route in routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { template, segment in
                template.first == "{" || template == segment
            }
            if matches { found = (found ?? []).union(route.methods) }
        }
        return found
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path[...]
        if path.hasPrefix("/api/v1/"), var methods = methods(for: path) {
            if methods.contains("GET") { methods.insert("HEAD") }
            if !methods.contains(request.method.rawValue) {
                let allowed = methods.sorted().joined(separator: ", ")
                let message = "\(request.method.rawValue) is not a method of \(path) (it takes \(allowed))"
                var response = Response.json("{\"error\":\(ReportJSON.quoted(message))}")
                response.status = .methodNotAllowed
                response.headers[.allow] = allowed
                return response
            }
        }
        return try await next(request, context)
    }
}
