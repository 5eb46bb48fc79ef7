import HTTPTypes
import Hummingbird
import VitalsApp
import VitalsCore

/// The hosted survey pages at `/s/{token}` (docs/surveys.md): public, like `/welcome`, because the signed token is
/// the proof. GET shows the question (or, with `?score=N`, records that score at once and offers a comment); POST
/// takes the form. No CSRF token: the form changes nothing but the invitation its own token names, and the token is
/// checked again on POST. A link that is forged, expired or used shows a page that says so and stores nothing.
struct SurveyController: Sendable {
    let surveys: SurveyService

    func register(on router: Router<VitalsContext>) {
        router.get("/s/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let page = try await answer { try await surveys.view(token: token, score: request.uri.queryParameters["score"].map(String.init)) }
            return Self.response(page, token: token)
        }
        router.post("/s/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let fields = try await LoginController.form(request, context: context)
            let page = try await answer { try await surveys.submit(token: token, score: fields["score"], comment: fields["comment"]) }
            return Self.response(page, token: token)
        }
    }

    /// A second answer at the same instant is told to try again rather than stored twice.
    private func answer(_ body: () async throws -> SurveyPage) async throws -> SurveyPage {
        do {
            return try await body()
        } catch is SurveyAnswerBusy {
            throw HTTPError(.conflict, message: "This survey is being answered in another window.")
        }
    }

    static func response(_ page: SurveyPage, token: String) -> Response {
        let status: HTTPResponse.Status
        switch page {
        case .forged: status = .notFound
        case .expired, .used: status = .gone
        case .question(_, _, let invalid): status = invalid ? .unprocessableContent : .ok
        case .comment, .thanks: status = .ok
        }
        var response = Response.html(SurveyPages.render(page, token: token), status: status)
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
