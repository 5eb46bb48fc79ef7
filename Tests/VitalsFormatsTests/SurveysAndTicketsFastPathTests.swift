import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats

/// The fast path for survey_responses.csv and tickets.csv reads what the general reader reads, and leaves every file
/// with a problem (or with ids out of order) to it, so the messages are the general reader's.
@Suite struct SurveysAndTicketsFastPathTests {
    let harness = FastPathHarness()
    var accounts: String { harness.accounts }

    /// The dataset after reading `text` as `file` by the fast path; `nil` when it gave up.
    func fast(_ file: String, _ text: String) -> Dataset? { harness.fast(file, text)?.dataset }

    /// The dataset after reading `text` as `file` by the general reader.
    func general(_ file: String, _ text: String) -> Dataset { harness.general(file, text).dataset }

    func problems(_ files: [String: String]) -> [String] { harness.problems(files) }

    @Test func surveysReadAsTheGeneralReaderReadsThem() throws {
        // A byte-order mark, CRLF, a blank line, padded fields, a quoted comment with a comma and doubled quotes, a
        // quoted field over two lines, an upper-case survey name, and scales given or left to the survey's default.
        let text = "\u{FEFF}response_id,account_id,survey,score,scale_min,scale_max,responded_at,contact,comment\r\n"
            + "r1, a1 ,nps,9,,,2024-01-05T10:00:00Z,u1,\"Great, \"\"fast\"\"\"\r\n"
            + "\r\n"
            + "r2,a1,CSAT,4,1,5,2024-01-06T10:00:00Z,,\r\n"
            + "r3,a2,ces,2.5,,,2024-02-01,u9,\"two\nlines\"\n"
        let read = try #require(fast("survey_responses.csv", text)).surveyResponses
        #expect(read == general("survey_responses.csv", text).surveyResponses)
        #expect(read.count == 3)
        #expect(read[0].id == SurveyResponseID("r1"))
        #expect(read[0].account == AccountIndex(0))
        #expect(read[0].comment == "Great, \"fast\"")
        #expect(read[0].scaleMin == 0 && read[0].scaleMax == 10)
        #expect(read[1].survey == .csat && read[1].contact == nil && read[1].comment == nil)
        #expect(read[2].account == AccountIndex(1) && read[2].score == 2.5 && read[2].scaleMax == 7)
        #expect(read[2].comment == "two\nlines")
        #expect(read[2].respondedAt == (try Timestamp.parse("2024-02-01T00:00:00Z")))
    }

    @Test func ticketsReadAsTheGeneralReaderReadsThem() throws {
        let text = "ticket_id,account_id,opened_at,resolved_at,agent_replies,reopens,first_contact_resolution,channel\n"
            + "t1,a1,2024-01-01T09:00:00Z,2024-01-01T10:30:00Z,2,0,,chat\n"
            + "t2,a2,2024-01-02T09:00:00Z,,,,YES, email \n"
            + "t3,a2,2024-01-03T09:00:00Z,2024-01-03T09:00:00Z,3.0,1,f,"
        let read = try #require(fast("tickets.csv", text)).tickets
        #expect(read == general("tickets.csv", text).tickets)
        #expect(read.count == 3)
        #expect(read[0].resolvedAt == (try Timestamp.parse("2024-01-01T10:30:00Z")))
        #expect(read[0].agentReplies == 2 && read[0].reopens == 0 && read[0].firstContactResolution == nil)
        #expect(read[1].resolvedAt == nil && read[1].agentReplies == nil && read[1].firstContactResolution == true)
        #expect(read[1].channel == "email")
        #expect(read[2].agentReplies == 3 && read[2].firstContactResolution == false && read[2].channel == nil)
    }

    @Test func ticketPrioritiesReadAsTheGeneralReaderReadsThem() throws {
        let text = "ticket_id,account_id,opened_at,priority\n"
            + "t1,a1,2024-01-01T09:00:00Z,urgent\n" + "t2,a2,2024-01-02T09:00:00Z,\n" + "t3,a2,2024-01-03,High\n"
        let read = try #require(fast("tickets.csv", text)).tickets
        #expect(read == general("tickets.csv", text).tickets)
        #expect(read.map(\.priority) == [.urgent, nil, .high])
        // A word outside the set: the general reader reads the file and says where.
        #expect(fast("tickets.csv", text.replacingOccurrences(of: "urgent", with: "asap")) == nil)
    }

    @Test func badSurveysGoToTheGeneralReader() {
        let header = "response_id,account_id,survey,score,responded_at\n"
        let rows = "r1,a1,nps,9,2024-01-05\n" + "r2,zz,nps,9,2024-01-05\n" + "r3,a1,nps,11,2024-01-05\n"
            + "r4,a1,xyz,3,2024-01-05\n" + "r1,a1,csat,3,2024-13-05\n"
        #expect(fast("survey_responses.csv", header + rows)?.surveyResponses == nil)
        #expect(
            problems(["accounts.csv": accounts, "survey_responses.csv": header + rows]) == [
                "survey_responses.csv:3: account_id: unknown account 'zz' (not in accounts.csv)",
                "survey_responses.csv:4: score: 11 is outside the scale 0-10",
                "survey_responses.csv:5: survey: 'xyz' is not one of nps, csat, ces",
                "survey_responses.csv:6: responded_at: '2024-13-05' is not a real calendar date or time",
                "survey_responses.csv:6: response_id: duplicate response_id 'r1' (first on line 2)",
            ])
    }

    @Test func badTicketsGoToTheGeneralReader() {
        let header = "ticket_id,account_id,opened_at,resolved_at,agent_replies,first_contact_resolution\n"
        let rows = "t1,a1,2024-01-02,2024-01-01,,\n" + "t2,a1,2024-01-02,,2.5,\n" + "t3,a1,2024-01-02,,,maybe\n"
            + "t4,a1,2024-01-02,,\"1\n"
        #expect(fast("tickets.csv", header + rows)?.tickets == nil)
        #expect(
            problems(["accounts.csv": accounts, "tickets.csv": header + rows]) == [
                "tickets.csv:2: resolved_at: must not be before opened_at",
                "tickets.csv:3: agent_replies: '2.5' is not a whole number",
                "tickets.csv:4: first_contact_resolution: 'maybe' is not true or false",
                "tickets.csv:5: a quoted field is never closed",
            ])
    }

    /// Ids out of order may repeat, which the fast path does not check: the general reader takes the file.
    @Test func idsOutOfOrderTakeTheGeneralPath() throws {
        let text = "ticket_id,account_id,opened_at\nt2,a1,2024-01-02\nt1,a1,2024-01-03\nt10,a2,2024-01-04\n"
        #expect(fast("tickets.csv", text)?.tickets == nil)
        let loaded = try DatasetLoader.load(
            files: ["accounts.csv": Array(accounts.utf8), "tickets.csv": Array(text.utf8)], reportingCurrency: .usd)
        #expect(loaded.tickets.map(\.id.rawValue) == ["t2", "t1", "t10"])
    }

    /// Without accounts.csv, rows imply their accounts: the general reader's job.
    @Test func noAccountsFileTakesTheGeneralPath() throws {
        var reader = RecordReader(log: IssueLog(), reportingCurrency: .usd)
        let text = "ticket_id,account_id,opened_at\nt1,a9,2024-01-02\n"
        #expect(!Array(text.utf8).withUnsafeBufferPointer { reader.readFast(file: "tickets.csv", bytes: $0) })
        let loaded = try DatasetLoader.load(files: ["tickets.csv": Array(text.utf8)], reportingCurrency: .usd)
        #expect(loaded.accounts.map(\.id.rawValue) == ["a9"])
        #expect(loaded.tickets.count == 1)
    }

    /// The rows `CSVParser` reads from `text`, as strings.
    func parserRows(_ text: String) throws -> [[String]] {
        var parser = CSVParser(bytes: Array(text.utf8))
        var rows: [[String]] = []
        var fields: [CSVParser.Field] = []
        while try parser.nextRow(into: &fields) { rows.append(fields.map { parser.string($0) }) }
        return rows
    }

    /// The rows `CSVRowScanner` reads from `text` into scratch memory of `capacity` fields (the fields that fit, as
    /// strings), with how many fields each row has.
    func scannerRows(_ text: String, capacity: Int) -> (rows: [[String]], widths: [Int]) {
        var rows: [[String]] = []
        var widths: [Int] = []
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var scanner = CSVRowScanner(buffer)
            withUnsafeTemporaryAllocation(of: CSVParser.Field.self, capacity: capacity) { scratch in
                while case .fields(let n) = scanner.next(into: scratch) {
                    rows.append(scratch.prefix(min(n, capacity)).map { scanner.string($0) })
                    widths.append(n)
                }
            }
        }
        return (rows, widths)
    }

    @Test func scannerSplitsRowsAsTheParserDoes() throws {
        let text = "a,\"b,\"\"c\"\"\",d\r\n\n\r\n x ,\"\",\n\"e\"\r\nf"
        let expected = try parserRows(text)
        let rows = scannerRows(text, capacity: 8).rows
        #expect(rows == expected)
        #expect(rows == [["a", "b,\"c\"", "d"], [" x ", "", ""], ["e"], ["f"]])
        for malformed in ["a,\"b", "a,\"b\"c,d"] {
            let bytes = Array(malformed.utf8)
            let row = bytes.withUnsafeBufferPointer { buffer in
                var scanner = CSVRowScanner(buffer)
                return withUnsafeTemporaryAllocation(of: CSVParser.Field.self, capacity: 8) { scanner.next(into: $0) }
            }
            #expect(row == .malformed, "\(malformed)")
        }
    }

    /// Rows with no quote are split eight bytes at a time: the same fields as the parser's, with carriage returns
    /// before commas dropped, rows wider than the scratch memory counted, and a quote anywhere sending the row back
    /// to the field-by-field split.
    @Test func scannerSplitsPlainRowsWordByWordAsTheParserDoes() throws {
        let rows = [
            "resp_0000001,acc_000001,nps,6,0,10,2023-11-05T02:56:22Z,u_acc_000001_2,",
            "a\r,bb\r,ccc,dddd,eeeee,ffffff,ggggggg,hhhhhhhh,iiiiiiiii\r",
            ",,,,,,,,,,,,",
            "one,two,three,four,five,six,seven,eight,nine,ten,eleven,twelve",
            "plain,then a \"quote\" inside,x,y,z,w",
            "q,\"quoted, with comma\",after the quote,1234567890",
            "s",
            "last,row,without,a,line,end",
        ]
        let text = rows.joined(separator: "\n")
        let expected = try parserRows(text)
        let (read, widths) = scannerRows(text, capacity: 10)
        #expect(widths == [9, 9, 13, 12, 6, 4, 1, 6])
        #expect(read == expected.map { Array($0.prefix(10)) })
        #expect(read[0] == ["resp_0000001", "acc_000001", "nps", "6", "0", "10", "2023-11-05T02:56:22Z", "u_acc_000001_2", ""])
        #expect(read[1] == ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh", "iiiiiiiii"])
        #expect(read[4] == ["plain", "then a \"quote\" inside", "x", "y", "z", "w"])
        #expect(read[5] == ["q", "quoted, with comma", "after the quote", "1234567890"])
    }
}
