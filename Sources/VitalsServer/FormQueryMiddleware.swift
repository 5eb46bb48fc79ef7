import Hummingbird

/// Reads a `+` in a query string as a space, as HTML forms write it (application/x-www-form-urlencoded): a search
/// for two words, or the segment `industry in (Retail, Media)` typed into a form, arrives as `industry+in+(Retail,+Media)`.
/// A literal plus arrives as `%2B` and stays one. The path is left alone, so routing is unchanged.
struct FormQueryMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let path = request.head.path, let mark = path.firstIndex(of: "?"), path[mark...].contains("+") else {
            return try await next(request, context)
        }
        var head = request.head
        head.path = String(path[..<mark]) + path[mark...].replacingOccurrences(of: "+", with: "%20")
        return try await next(Request(head: head, body: request.body), context)
    }
}
