import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// `/api/v1/goals`, the history, reviews due and review notes, on the fixture's workspace a: paying customers are
/// 2 in January 2024 (a and b), then 1 from February (b churns on 2024-02-15).
@Suite struct GoalsAPITests {
    /// Paying customers 3 by 2024-06-30, from 2024-02-01 (so January is the baseline).
    let body = """
        {"key": "customers", "name": "Win back customers", "owner": "ana", "deadline": "2024-06-30",
         "target": {"kpi": "paying_customers", "value": 3, "start": "2024-02-01"},
         "ksf": [{"name": "Retail", "targets": [{"kpi": "mrr", "value": 200, "start": "2024-02-01", "deadline": "2024-06",
                  "segment": "industry = Retail"}]}]}
        """

    func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }
    func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    @Test func aGoalIsCreatedEvaluatedEditedArchivedAndRestored() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            var id = 0
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.readA), body: ByteBuffer(string: body)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                let goal = try json(response.body)
                id = try #require(goal["id"] as? Int)
                #expect(goal["key"] as? String == "customers")
                #expect(try object(goal["definition"])["name"] as? String == "Win back customers")
            }
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: body)) {
                #expect($0.status == .conflict)
            }

            try await client.execute(uri: "/api/v1/goals?as_of=2024-04-30", method: .get, headers: headers(f.readA)) { response in
                #expect(response.status == .ok)
                let list = try json(response.body)
                #expect(list["as_of"] as? String == "2024-05-01")
                let goals = try #require(list["goals"] as? [[String: Any]])
                #expect(goals.count == 1)
                let target = try object(goals[0]["target"])
                // Whole months Jan..Apr 2024: 2, 1, 1, 1 paying customers. Baseline January 2; current April 1.
                #expect(number(target["baseline"]) == 2)
                #expect(target["baseline_period"] as? String == "2024-01")
                #expect(number(target["current"]) == 1)
                // Progress (1 - 2) / (3 - 2) = -1; April -> June is 2 months: pace (3 - 1) / 2 = 1 a month.
                #expect(number(target["progress"]) == -1)
                #expect(number(target["periods_left"]) == 2)
                #expect(number(target["required_pace"]) == 1)
                // Trend on x = 0..3, y = 2 1 1 1: x̄ 1.5, ȳ 1.25, Sxy = -3 - 0.5 + 0.5 + 1.5 = -1.5, Sxx = 5: slope -0.3,
                // intercept 1.25 + 0.45 = 1.7; June (x = 5): 1.7 - 1.5 = 0.2. Residuals 0.3 -0.4 -0.1 0.2: SSE 0.30,
                // s = √0.15 = 0.3872983; se = s √(1 + 1/4 + 3.5²/5) = s √3.7 = 0.3872983 x 1.9235384 = 0.7449832;
                // high = 0.2 + t(0.90; 2) se = 0.2 + 1.8856181 x 0.7449832 = 0.2 + 1.4047539 = 1.6047539 < 3: off track.
                let forecast = try object(target["forecast"])
                #expect(abs((number(forecast["slope"]) ?? 0) + 0.3) < 1e-9)
                #expect(abs((number(forecast["value"]) ?? 0) - 0.2) < 1e-9)
                #expect(abs((number(forecast["standard_error"]) ?? 0) - 0.744983) < 1e-6)
                #expect(abs((number(forecast["high"]) ?? 0) - 1.6047539) < 1e-6)
                #expect(target["status"] as? String == "off_track")
                // The list leaves the chart series out unless asked.
                #expect(target["history"] == nil)
                // The Retail KSF: account a pays 100 every month; 200 by June is off track on a flat line.
                let ksf = try #require(goals[0]["ksf"] as? [[String: Any]])
                let retail = try #require(ksf[0]["targets"] as? [[String: Any]])
                #expect(number(retail[0]["current"]) == 100)
                #expect(retail[0]["status"] as? String == "off_track")
                #expect(goals[0]["status"] as? String == "off_track")
                #expect(try object(goals[0]["counts"])["off_track"] as? Int == 2)
            }

            try await client.execute(uri: "/api/v1/goals/\(id)?as_of=2024-04-30", method: .get, headers: headers(f.readA)) { response in
                let target = try object(try json(response.body)["target"])
                let history = try #require(target["history"] as? [[String: Any]])
                #expect(history.compactMap { number($0["value"]) } == [2, 1, 1, 1])
                let path = try #require(try object(target["forecast"])["path"] as? [[String: Any]])
                #expect(path.compactMap { $0["period"] as? String } == ["2024-05", "2024-06"])
            }

            // Edit: 1 paying customer by June, which April already meets.
            let edited = body.replacingOccurrences(of: "\"value\": 3", with: "\"value\": 1")
            try await client.execute(uri: "/api/v1/goals/\(id)", method: .put, headers: headers(f.adminA), body: ByteBuffer(string: edited)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/goals/\(id)?as_of=2024-04-30", method: .get, headers: headers(f.readA)) { response in
                let body = try json(response.body)
                #expect(try object(body["target"])["status"] as? String == "achieved")
            }
            try await client.execute(uri: "/api/v1/goals/\(id)", method: .delete, headers: headers(f.adminA)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["archived"] as? Bool == true)
            }
            try await client.execute(uri: "/api/v1/goals", method: .get, headers: headers(f.readA)) { response in
                let body = try json(response.body)
                #expect(try #require(body["goals"] as? [Any]).isEmpty)
            }
            try await client.execute(uri: "/api/v1/goals?archived=only", method: .get, headers: headers(f.readA)) { response in
                let body = try json(response.body)
                #expect(try #require(body["goals"] as? [Any]).count == 1)
            }
            let restore = "{\"archived\": false," + edited.dropFirst()
            try await client.execute(uri: "/api/v1/goals/\(id)", method: .put, headers: headers(f.adminA), body: ByteBuffer(string: restore)) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["archived"] as? Bool == false)
            }
            try await client.execute(uri: "/api/v1/goals/\(id)/history", method: .get, headers: headers(f.readA)) { response in
                let changes = try #require(try json(response.body)["changes"] as? [[String: Any]])
                #expect(changes.compactMap { $0["action"] as? String } == ["created", "edited", "archived", "restored"])
                #expect(changes[1]["changes"] as? [String] == ["goal target: amount 3 -> 1"])
                #expect((changes[0]["actor"] as? String)?.hasPrefix("api:vk_") == true)
                #expect(try object(changes[0]["definition"])["key"] as? String == "customers")
            }
            // Another workspace's key sees none of it.
            try await client.execute(uri: "/api/v1/goals/\(id)", method: .get, headers: headers(f.readB)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/goals/\(id)/history", method: .get, headers: headers(f.readB)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func badDefinitionsAreAnsweredWithEveryProblem() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            let bad = """
                {"key": "x", "name": "", "deadline": "2024-06-30", "colour": 1,
                 "ksf": [{"name": "A", "targets": [{"kpi": "nope", "value": 1}, {"kpi": "mrr", "change": -2, "segment": "plan = x"}]}]}
                """
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .unprocessableContent)
                let problems = try #require(try json(response.body)["problems"] as? [[String: String]])
                #expect(problems.map { "\($0["path"]!)|\($0["key"]!)" } == [
                    "|colour", "|name", "ksf[0].targets[0]|kpi", "ksf[0].targets[0]|deadline", "ksf[0].targets[1]|deadline",
                ])
            }
            // A definition that reads cleanly but names an unknown attribute in a segment.
            let segment = """
                {"key": "x", "name": "X", "deadline": "2024-06-30",
                 "ksf": [{"name": "A", "targets": [{"kpi": "mrr", "value": 1, "start": "2024-01-01", "deadline": "2024-06-30", "segment": "plan = x"}]}]}
                """
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: segment)) { response in
                #expect(response.status == .unprocessableContent)
                let problems = try #require(try json(response.body)["problems"] as? [[String: String]])
                #expect(problems.map { "\($0["path"]!)|\($0["key"]!)" } == ["ksf[0].targets[0]|segment"])
            }
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: "{")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/goals?as_of=yesterday", method: .get, headers: headers(f.readA)) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test func targetsFallDueForReviewAndReviewsAreRecorded() async throws {
        let f = try APIFixture()
        try await f.app().test(.router) { client in
            var targetID = 0
            try await client.execute(uri: "/api/v1/goals", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: body)) { response in
                targetID = try #require(try object(try json(response.body)["target"])["id"] as? Int)
            }
            // Monthly from 2024-02-01, never reviewed: due on 2024-03-01, so due as of 2024-04-30 (both targets).
            try await client.execute(uri: "/api/v1/reviews/due?as_of=2024-04-30", method: .get, headers: headers(f.readA)) { response in
                let due = try #require(try json(response.body)["targets"] as? [[String: Any]])
                #expect(due.count == 2)
                #expect(due.contains { $0["target_id"] as? Int == targetID })
                let review = try object(due[0]["review"])
                #expect(review["next_due"] as? String == "2024-03-01")
            }
            try await client.execute(
                uri: "/api/v1/targets/\(targetID)/reviews", method: .post, headers: headers(f.readA),
                body: ByteBuffer(string: #"{"note": "x"}"#)
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/api/v1/targets/\(targetID)/reviews", method: .post, headers: headers(f.adminA),
                body: ByteBuffer(string: #"{"reviewer": "ana"}"#)
            ) { #expect($0.status == .unprocessableContent) }
            try await client.execute(
                uri: "/api/v1/targets/\(targetID)/reviews", method: .post, headers: headers(f.adminA),
                body: ByteBuffer(string: #"{"reviewer": "ana", "note": "Two churned in Feb; win-back campaign planned."}"#)
            ) { response in
                #expect(response.status == .created)
                let review = try json(response.body)
                #expect(review["reviewer"] as? String == "ana")
                #expect(review["target_id"] as? Int == targetID)
            }
            try await client.execute(uri: "/api/v1/targets/\(targetID)/reviews", method: .get, headers: headers(f.readA)) { response in
                let reviews = try #require(try json(response.body)["reviews"] as? [[String: Any]])
                #expect(reviews.compactMap { $0["note"] as? String } == ["Two churned in Feb; win-back campaign planned."])
            }
            // Reviewed today: only the Retail target is still due as of today.
            let today = Timestamp(seconds: Int64(Date().timeIntervalSince1970)).date
            try await client.execute(uri: "/api/v1/reviews/due?as_of=\(today)", method: .get, headers: headers(f.readA)) { response in
                let due = try #require(try json(response.body)["targets"] as? [[String: Any]])
                #expect(due.compactMap { $0["kpi"] as? String } == ["mrr"])
            }
            // The goal's evaluation shows the last review.
            try await client.execute(uri: "/api/v1/goals", method: .get, headers: headers(f.readA)) { response in
                let goals = try #require(try json(response.body)["goals"] as? [[String: Any]])
                let last = try object(try object(try object(goals[0]["target"])["review"])["last"])
                #expect(last["reviewer"] as? String == "ana")
            }
            try await client.execute(uri: "/api/v1/targets/\(targetID)/reviews", method: .get, headers: headers(f.readB)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/targets/999/reviews", method: .post, headers: headers(f.adminA), body: ByteBuffer(string: #"{"note": "x"}"#)
            ) { #expect($0.status == .notFound) }
        }
    }
}
