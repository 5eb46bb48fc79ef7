import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one webhook request and reports the HTTP status; throws on a timeout or a connection failure.
public protocol WebhookTransport: Sendable {
    func post(url: URL, headers: [String: String], body: Data, timeout: Double) async throws -> Int
}

/// The transport over Foundation's URLSession.
public struct URLSessionTransport: WebhookTransport {
    public init() {}

    public func post(url: URL, headers: [String: String], body: Data, timeout: Double) async throws -> Int {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
