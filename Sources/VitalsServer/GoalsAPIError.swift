import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore
import Hummingbird
import VitalsCore

/// 422 with every problem: `{"error": "...", "problems": [{"path", "key", "reason"}]}`.
struct GoalsAPIError: HTTPResponseError {
    var problems: [GoalProblem]
    var status: HTTPResponse.Status { .unprocessableContent }

    static func invalid(_ problems: [GoalProblem]) -> GoalsAPIError { GoalsAPIError(problems: problems) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONText()
        json.beginObject()
        json.field("error", problems.map(\.description).joined(separator: "; "))
        json.key("problems")
        json.beginArray()
        for p in problems {
            json.beginObject()
            json.field("path", p.path)
            json.field("key", p.key)
            json.field("reason", p.reason)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        var response = Response.json(json.text)
        response.status = status
        return response
    }
}
