import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// Records sent as JSON (an array, or NDJSON) are decoded straight into records by the same readers as CSV files, so
/// the same bad input gets the same messages from every source.
@Suite struct JSONRecordsTests {
    let accounts = [Account(id: "a", name: "A"), Account(id: "b", name: "B")]

    func csvProblems(_ file: String, _ text: String) throws -> [LoadIssue] {
        do {
            _ = try DatasetLoader.load(files: [file: Array(text.utf8)], reportingCurrency: .usd, knownAccounts: accounts)
        } catch { return error.issues }
        Issue.record("\(file) loaded without problems")
        return []
    }

    func jsonProblems(_ kind: RecordKind, _ text: String, ndjson: Bool) throws -> [LoadIssue] {
        do {
            _ = try DatasetLoader.load(json: Array(text.utf8), kind: kind, ndjson: ndjson, reportingCurrency: .usd, knownAccounts: accounts)
        } catch {
            guard case .invalid(let problems) = error else {
                Issue.record("malformed: \(error)")
                return []
            }
            return problems.issues
        }
        Issue.record("\(kind) loaded without problems")
        return []
    }

    /// (record number from 0, column, reason) of each problem: CSV rows start on line 2.
    func located(_ issues: [LoadIssue], firstLine: Int) -> [String] {
        issues.map { "\($0.line - firstLine) \($0.column ?? "-"): \($0.reason)" }
    }

    @Test func theSameBadTicketsGetTheSameMessagesFromCSVJSONAndNDJSON() throws {
        let csv = """
            ticket_id,account_id,opened_at,resolved_at,agent_replies,first_contact_resolution
            t1,a,2024-02-03,,2,true
            t2,zz,2024-02-03,,,
            t3,b,nope,,100001,maybe
            t4,a,2024-03-01,2024-02-01,,
            t1,b,2024-02-05,,,

            """
        let objects = [
            #"{"ticket_id":"t1","account_id":"a","opened_at":"2024-02-03","agent_replies":2,"first_contact_resolution":true}"#,
            #"{"ticket_id":"t2","account_id":"zz","opened_at":"2024-02-03","resolved_at":null}"#,
            #"{"ticket_id":"t3","account_id":"b","opened_at":"nope","agent_replies":100001,"first_contact_resolution":"maybe"}"#,
            #"{"ticket_id":"t4","account_id":"a","opened_at":"2024-03-01","resolved_at":"2024-02-01"}"#,
            #"{"ticket_id":"t1","account_id":"b","opened_at":"2024-02-05"}"#,
        ]
        let fromCSV = located(try csvProblems("tickets.csv", csv), firstLine: 2)
        let expected = [
            "1 account_id: unknown account 'zz' (not in accounts.csv)",
            "2 opened_at: 'nope' is not an ISO 8601 date or timestamp (use 2024-03-01 or 2024-03-01T12:00:00Z)",
            "2 agent_replies: 100001 is outside 0...100000",
            "2 first_contact_resolution: 'maybe' is not true or false",
            "3 resolved_at: must not be before opened_at",
        ]
        #expect(Array(fromCSV.prefix(5)) == expected)
        // The repeated id names where it was first: line 2 of the file, element 0 of the body.
        #expect(fromCSV.last == "4 ticket_id: duplicate ticket_id 't1' (first on line 2)")
        let array = located(try jsonProblems(.tickets, "[" + objects.joined(separator: ",\n") + "]", ndjson: false), firstLine: 0)
        let lines = located(try jsonProblems(.tickets, objects.joined(separator: "\n"), ndjson: true), firstLine: 0)
        // The same checks and messages, but for where an unknown account was looked for: a request body is checked
        // against the workspace, not against an accounts.csv beside it.
        var fromJSON = expected
        fromJSON[0] = "1 account_id: unknown account 'zz' (not in this workspace)"
        #expect(Array(array.prefix(5)) == fromJSON)
        #expect(array.last == "4 ticket_id: duplicate ticket_id 't1' (first on element 0)")
        #expect(lines == array)
    }

    @Test func usageEventsReadTheSameFromCSVAndAnNDJSONFile() throws {
        let csv = """
            event_id,account_id,user_id,event,occurred_at,duration_seconds,browser
            e1,a,u1,login,2024-03-04T08:00:00Z,420,firefox
            e2,a,,login,2024-03-04T09:00:00Z,-5,
            e3,b,u2,export,2024-03-05,abc,

            """
        let ndjson = """
            {"event_id":"e1","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-03-04T08:00:00Z","duration_seconds":420,"browser":"firefox"}
            {"event_id":"e2","account_id":"a","user_id":"","event":"login","occurred_at":"2024-03-04T09:00:00Z","duration_seconds":-5}
            {"event_id":"e3","account_id":"b","user_id":"u2","event":"export","occurred_at":"2024-03-05","duration_seconds":"abc"}

            """
        let fromCSV = try csvProblems("usage_events.csv", csv)
        let fromNDJSON = try csvProblems("usage_events.ndjson", ndjson)
        // The NDJSON file's problems are on its own lines (1, 2, 3), the CSV's one line lower (header).
        #expect(located(fromCSV, firstLine: 2) == located(fromNDJSON, firstLine: 1))
        #expect(located(fromCSV, firstLine: 2) == [
            "1 duration_seconds: must not be negative", "1 user_id: a value is required",
            "2 duration_seconds: 'abc' is not a number",
        ])
        #expect(fromNDJSON.first?.file == "usage_events.ndjson")
    }

    @Test func jsonValuesBecomeWhatACSVFieldWouldHold() throws {
        let body = #"""
            [{"subscription_id":"s1","account_id":"a","product":"Core","amount":49.9,"currency":"usd","interval":"MONTH",
              "quantity":2e1,"discount_percent":12.5,"valid_from":"2024-01-01","plan":"Caf\u00e9 \ud83d\ude00","status":null}]
            """#
        let (dataset, count) = try DatasetLoader.load(
            json: Array(body.utf8), kind: .subscriptions, ndjson: false, reportingCurrency: .usd, knownAccounts: accounts)
        #expect(count == 1)
        let version = try #require(dataset.subscriptions.first)
        #expect(version.amount == Money(minorUnits: 4990, currency: .usd))
        #expect(version.quantity == 20)
        #expect(version.discountPercent == 12.5)
        #expect(version.interval == .month)
        #expect(version.status == .active)
        #expect(version.plan == "Café 😀")
    }

    @Test func nestedValuesAreKeptOutsideColumnsAndRefusedInThem() throws {
        let body = #"[{"event_id":"e1","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-03-04","ctx":{"b":[1,2,{"c":null}]}},"#
            + #"{"event_id":{"x":1},"account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-03-04","event":"again"}]"#
        let problems = located(try jsonProblems(.usageEvents, body, ndjson: false), firstLine: 0)
        #expect(problems == ["1 event: appears twice in the object", "1 event_id: must be a string, number, boolean or null"])
        let good = String(body[..<body.range(of: "},{")!.lowerBound]) + "}]"
        let (dataset, _) = try DatasetLoader.load(
            json: Array(good.utf8), kind: .usageEvents, ndjson: false, reportingCurrency: .usd, knownAccounts: accounts)
        #expect(dataset.usageEvents.properties(at: 0)["ctx"] == #"{"b":[1,2,{"c":null}]}"#)
    }

    @Test func malformedBodiesNameTheirFirstProblemAndReadNothing() {
        func malformed(_ body: String, ndjson: Bool = false) -> String? {
            do {
                _ = try DatasetLoader.load(json: Array(body.utf8), kind: .tickets, ndjson: ndjson, reportingCurrency: .usd)
            } catch {
                if case .malformed(let reason) = error { return reason }
            }
            return nil
        }
        #expect(malformed(#"[{"ticket_id":"t1"}, 7]"#) == "element 1 is not a JSON object")
        #expect(malformed(#"{"ticket_id":"t1"}"#) == "the body must be a JSON array of objects")
        #expect(malformed("") == "the body is empty: send a JSON array of objects")
        #expect(malformed("{\"a\":1}\n{\"a\":\n", ndjson: true) == "line 2 is not a JSON object")
        #expect(malformed(#"[{"a":01}]"#)?.hasPrefix("the body is not JSON (not a value") == true)
        #expect(malformed(#"[{"a":"x}]"#)?.hasPrefix("the body is not JSON (a string is never closed") == true)
        #expect(malformed(#"[{"a":1}] x"#)?.hasPrefix("the body is not JSON (text after the array") == true)
        #expect(malformed(#"[{"a":"\q"}]"#)?.hasPrefix("the body is not JSON (an unknown escape") == true)
        // Nested a million deep: read without recursion, refused as unclosed, no crash.
        let deep = "[{\"ctx\":" + String(repeating: "[", count: 1_000_000) + "}]"
        #expect(malformed(deep)?.hasPrefix("the body is not JSON") == true)
    }

    @Test func anNDJSONFileLogsLinesThatAreNoObjectsAndReadsTheRest() throws {
        let ndjson = """
            {"event_id":"e1","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-03-04"}
            [1,2]
            {"event_id":"e2","account_id":"a","user_id":"u1","event":"login","occurred_at":"2024-03-05"} trailing
            """
        let problems = try csvProblems("usage_events.ndjson", ndjson)
        #expect(problems.map(\.description) == [
            "usage_events.ndjson:2: not a JSON object", "usage_events.ndjson:3: not a JSON object",
        ])
    }
}

/// Ids with a control character are refused by every reader, the fast paths of large files included (issue 26,
/// defect 9: a NUL byte was accepted in ids).
@Suite struct ControlCharacterIDTests {
    func problems(_ file: String, _ text: String) -> [String] {
        let accounts = [Account(id: "a", name: "A"), Account(id: "b", name: "B")]
        do {
            _ = try DatasetLoader.load(files: [file: Array(text.utf8)], reportingCurrency: .usd, knownAccounts: accounts)
        } catch { return error.issues.map(\.description) }
        return []
    }

    @Test func everyKindsIDsRefuseControlCharacters() {
        #expect(problems("tickets.csv", "ticket_id,account_id,opened_at\nt1,a,2024-02-03\nt\u{0}2,a,2024-02-04\n")
            == ["tickets.csv:3: ticket_id: must not contain control characters"])
        #expect(problems("subscriptions.csv", "subscription_id,account_id,product,amount,currency,interval,valid_from\ns\u{1}1,a,Core,10,USD,month,2024-01-01\n")
            == ["subscriptions.csv:2: subscription_id: must not contain control characters"])
        #expect(problems("usage_events.csv", "event_id,account_id,user_id,event,occurred_at\ne1,a,u1,login,2024-03-04\ne\u{7F}2,b,u2,login,2024-03-05\n")
            == ["usage_events.csv:3: event_id: must not contain control characters"])
        #expect(problems("leads.csv", "lead_id,source,created_at,status\nl\u{0}1,referral,2024-01-01,open\n")
            == ["leads.csv:2: lead_id: must not contain control characters"])
    }
}
