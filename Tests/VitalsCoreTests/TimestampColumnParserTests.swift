import Testing

@testable import VitalsCore

/// `TimestampColumnParser` reads rows of the month before without calendar arithmetic, and must give exactly what
/// `Timestamp.parseCommonForm` gives, `nil` included.
@Suite struct TimestampColumnParserTests {
    func parse(_ texts: [String]) -> [Int64?] {
        var parser = TimestampColumnParser()
        return texts.map { text in
            var text = text
            return text.withUTF8 { parser.parse($0)?.seconds }
        }
    }

    @Test func rowsOfTheSameMonthAreReadFromTheirDayAndTime() {
        // 2024-03-01T00:00:00Z is 1,709,251,200 s (2024-01-01 is 1,704,067,200 s, then 31 + 29 days).
        #expect(
            parse(["2024-03-01", "2024-03-15T12:30:45Z", "2024-03-31T23:59:59Z", "2024-02-29", "2024-02-01T00:00:01Z"])
                == [1_709_251_200, 1_710_505_845, 1_711_929_599, 1_709_164_800, 1_706_745_601])
    }

    @Test func badDaysAndTimesInAKnownMonthAreRejected() {
        let read = parse([
            "2023-02-01", "2023-02-29", "2023-02-00", "2023-02-1x", "2023-02-28T24:00:00Z", "2023-02-28T23:60:00Z",
            "2023-02-28T23:59:60Z", "2023-02-28t12:00:00Z", "2023-02-28T12:00:00z", "2023-02-28T12:00:00+01:00",
            "2023-02-28 12:00:00Z", "2023-02-28",
        ])
        // 2023-02-01 is 1,675,209,600 s; the 28th is 27 days later. Everything between is not a common form.
        #expect(read == [1_675_209_600, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, 1_677_542_400])
    }

    /// A long random walk over months, days, times and damaged bytes: the same as `parseCommonForm` at every row.
    @Test func agreesWithTheCommonFormParserRowByRow() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var year = 2023
        var month = 1
        var texts: [String] = []
        for _ in 0..<20_000 {
            if next(10) == 0 { (year, month) = (1999 + next(103), 1 + next(13)) }  // month 13 now and then
            var text = "\(year)-\(two(month))-\(two(next(33)))"
            if next(2) == 0 { text += "T\(two(next(25))):\(two(next(61))):\(two(next(61)))Z" }
            if next(50) == 0 {  // a damaged byte
                var bytes = Array(text.utf8)
                bytes[next(bytes.count)] = UInt8(32 + next(90))
                text = String(decoding: bytes, as: UTF8.self)
            }
            texts.append(text)
        }
        let expected = texts.map { text -> Int64? in
            var text = text
            return text.withUTF8 { Timestamp.parseCommonForm($0)?.seconds }
        }
        #expect(parse(texts) == expected)
        #expect(expected.compactMap { $0 }.count > 5_000)  // the walk reads many valid rows, not only bad ones
    }
}
