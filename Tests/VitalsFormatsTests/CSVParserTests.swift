import Testing
@testable import VitalsFormats

@Suite struct CSVParserTests {
    func rows(_ text: String) throws -> [[String]] {
        var parser = CSVParser(bytes: Array(text.utf8))
        var fields: [CSVParser.Field] = []
        var rows: [[String]] = []
        while try parser.nextRow(into: &fields) { rows.append(fields.map(parser.string)) }
        return rows
    }

    @Test func readsRFC4180() throws {
        #expect(try rows("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try rows("a,b\r\n1,\r\n") == [["a", "b"], ["1", ""]])
        #expect(try rows("x\n\"Acme, Inc.\"\n") == [["x"], ["Acme, Inc."]])
        #expect(try rows("x\n\"say \"\"hi\"\"\"\n") == [["x"], ["say \"hi\""]])
        #expect(try rows("x,y\n\"two\nlines\",2\n3,4") == [["x", "y"], ["two\nlines", "2"], ["3", "4"]])
        #expect(try rows("\u{FEFF}id\n1\n") == [["id"], ["1"]])
        #expect(try rows("a\n\n\nb\n") == [["a"], ["b"]])
    }

    @Test func countsLinesAcrossQuotedNewlines() throws {
        var parser = CSVParser(bytes: Array("h\n\"a\nb\"\nc\n".utf8))
        var fields: [CSVParser.Field] = []
        var lines: [Int] = []
        while try parser.nextRow(into: &fields) { lines.append(parser.line) }
        #expect(lines == [1, 2, 4])
    }

    @Test func rejectsBrokenQuotes() {
        #expect(throws: CSVParser.Failure.unterminatedQuote(line: 2)) { try rows("h\n\"open\n") }
        #expect(throws: CSVParser.Failure.textAfterQuote(line: 2)) { try rows("h\n\"a\"b\n") }
    }
}
