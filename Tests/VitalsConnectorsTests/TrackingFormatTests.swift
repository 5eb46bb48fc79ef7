import Foundation
import Testing
import VitalsCore
@testable import VitalsConnectors
@testable import VitalsFormats
import VitalsStore

@Suite struct TrackingFormatTests {
    let received = Timestamp(year: 2024, month: 5, day: 1)

    func body(_ text: String) throws -> [String: Any] { try #require(JSONBody.object(Array(text.utf8))) }

    @Test func aBatchContextAppliesUnderEachMessagesOwn() throws {
        let messages = try TrackingFormat.segment(try body(#"""
            {"context":{"groupId":"acme"},"batch":[
              {"type":"track","userId":"u1","event":"A"},
              {"type":"track","userId":"u2","event":"B","context":{"groupId":"globex"}},
              {"type":"identify","userId":"u3","traits":{"company":{"id":"initech","name":"Initech"}}}
            ]}
            """#), type: nil, receivedAt: received)
        #expect(messages.map(\.group) == ["acme", "globex", "initech"])
        #expect(messages.map(\.kind) == [.event, .event, .group])
        #expect(messages[2].traits == ["name": "Initech"])
        // No timestamp: the time received. No messageId: a hash of the message, the same for the same message.
        #expect(messages[0].timestamp == received)
        #expect(messages[0].messageID.hasPrefix("sha256:"))
    }

    @Test func badMessagesAreNamed() throws {
        #expect(throws: (any Error).self) { try TrackingFormat.segment(try body(#"{"batch":[{"type":"track","event":"A"}]}"#), type: nil, receivedAt: received) }
        do {
            _ = try TrackingFormat.segment(try body(#"{"batch":[{"type":"track","userId":"u","event":"A","properties":{"duration_seconds":-5}}]}"#), type: nil, receivedAt: received)
            Issue.record("a negative duration was accepted")
        } catch {
            #expect("\(error)" == "batch[0]: properties.duration_seconds: must be a number of seconds, 0 or more")
        }
        do {
            _ = try TrackingFormat.segment(try body(#"{"userId":"u","event":"A","timestamp":"2024-03-01T10:00:00"}"#), type: "track", receivedAt: received)
            Issue.record("a timestamp without an offset was accepted")
        } catch {
            #expect("\(error)".hasPrefix("message: timestamp: "))
        }
    }

    @Test func posthogPrefersTheCompanyGroup() throws {
        #expect(TrackingFormat.group(["team": "t1", "company": "acme"]) == "acme")
        #expect(TrackingFormat.group(["team": "t1", "project": "p1"]) == "p1")
        #expect(TrackingFormat.group([:]) == nil)
        let messages = try TrackingFormat.posthog(try body(#"""
            {"api_key":"k","batch":[{"event":"$pageview","distinct_id":"u1","properties":{"$groups":{"organization":"acme"},"$current_url":"/x","tab":"mrr","duration_seconds":3.5}}]}
            """#), receivedAt: received)
        #expect(messages.map(\.event) == ["$pageview"])
        #expect(messages[0].group == "acme")
        #expect(messages[0].properties == ["tab": "mrr"])
        #expect(messages[0].durationSeconds == 3.5)
    }
}
