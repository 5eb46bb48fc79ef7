import Testing

@testable import VitalsFormats

@Suite struct LineMapTests {
    /// A header on line 1, records on lines 2-4, a blank line 5, records on 6-7, a bad row on 8, a record on 9.
    @Test func linesOfRecordsAcrossGaps() {
        var map = LineMap()
        map.append(run: 2, count: 3)
        map.append(line: 6)
        map.append(line: 7)
        map.append(run: 9, count: 1)
        map.append(run: 10, count: 0)  // nothing
        #expect(map.count == 6)
        #expect((0..<6).map(map.line(of:)) == [2, 3, 4, 6, 7, 9])
    }

    @Test func contiguousRunsMerge() {
        var map = LineMap()
        for line in 2..<1_002 { map.append(line: line) }
        map.append(run: 1_002, count: 500)
        #expect(map.count == 1_500)
        #expect(map.line(of: 0) == 2)
        #expect(map.line(of: 1_499) == 1_501)
    }
}
