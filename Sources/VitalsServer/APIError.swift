import Hummingbird
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// An API failure with its status, answered as `{"error": "..."}`.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json("{\"error\":\(ReportJSON.quoted(message))}")
        response.status = status
        return response
    }
}

extension Response {
    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
