import Foundation
import Testing

@testable import VitalsFormats

/// Records sent as JSON become canonical CSV: the fast reader of flat records gives byte for byte what Foundation's
/// parser gives, and leaves every other body to it.
@Suite struct RecordsJSONTests {
    func text(_ csv: (csv: [UInt8], count: Int)) -> String { String(decoding: csv.csv, as: UTF8.self) }

    @Test func flatNDJSONBecomesCSVWithColumnsInOrderOfFirstAppearance() throws {
        let body = """
            {"event_id":"e1","account_id":"a","duration_seconds":30,"ok":true}
              
            {"account_id":"b","event_id":"e2","note":"say \\"hi\\", then\\nleave","ok":false,"gone":null}\r
            {"event_id":"e3","account_id":"c","duration_seconds":-7}
            """
        let fast = try #require(FlatJSONRecords.csv(from: Array(body.utf8), ndjson: true))
        // Each object's keys sorted; new keys appended as they first appear; null and absent keys empty.
        #expect(text(fast) == """
            account_id,duration_seconds,event_id,ok,gone,note
            a,30,e1,true,,
            b,,e2,false,,"say ""hi"", then
            leave"
            c,-7,e3,,,

            """)
        #expect(fast.count == 3)
        #expect(fast.csv == (try RecordsJSON.foundationCSV(from: Array(body.utf8), ndjson: true)).csv)
    }

    @Test func aJSONArrayReadsLikeTheSameNDJSON() throws {
        let body = "[\n {\"b\": \"x/y\", \"a\": 1},\n {\"a\": 2, \"c\": \"tab\\there\"}\n]\n"
        let fast = try #require(FlatJSONRecords.csv(from: Array(body.utf8), ndjson: false))
        #expect(text(fast) == "a,b,c\n1,x/y,\n2,,tab\there\n")
        #expect(fast.csv == (try RecordsJSON.foundationCSV(from: Array(body.utf8), ndjson: false)).csv)
        #expect(try RecordsJSON.csv(from: Array("[]".utf8), ndjson: false).count == 0)
    }

    @Test func otherShapesAreLeftToFoundation() throws {
        let general = [
            #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":{"b":1}}"#, #"{"a":[1]}"#, #"{"a":"\u00e9"}"#, #"{"a":"é"}"#,
            #"{"a":1,"a":2}"#, #"{"a":01}"#, #"{"a":-0}"#, #"{"a":1234567890123456789}"#, #"{"a":1} {"b":2}"#,
            "{\"a\":\n1}", #"{"a":tru}"#, #"{"a":"x"#, #"[1]"#,
        ]
        for body in general {
            #expect(FlatJSONRecords.csv(from: Array(body.utf8), ndjson: true) == nil, "\(body)")
        }
        // Foundation still reads the valid ones, and names the bad line of the others.
        #expect(text(try RecordsJSON.csv(from: Array(#"{"a":1.5,"b":"é"}"#.utf8), ndjson: true)) == "a,b\n1.5,é\n")
        #expect(throws: RecordsJSON.Malformed.self) {
            try RecordsJSON.csv(from: Array("{\"a\":1}\n{\"a\":\n".utf8), ndjson: true)
        }
    }
}
