import Testing
import VitalsCore

@Suite struct MoneyTests {
    @Test func parsesMajorUnitsExactly() throws {
        #expect(try Money.parse("49.90", currency: .usd).minorUnits == 4990)
        #expect(try Money.parse("49.9", currency: .usd).minorUnits == 4990)
        #expect(try Money.parse("-3.05", currency: .usd).minorUnits == -305)
        #expect(try Money.parse("1000", currency: CurrencyCode("JPY")!).minorUnits == 1000)
        #expect(try Money.parse("1.234", currency: CurrencyCode("KWD")!).minorUnits == 1234)
        #expect(try Money.parse("49.900", currency: .usd).minorUnits == 4990)
    }

    @Test func rejectsBadAmounts() {
        #expect(throws: Money.ParseError.tooManyDecimals("49.905", allowed: 2, currency: .usd)) {
            try Money.parse("49.905", currency: .usd)
        }
        #expect(throws: Money.ParseError.notADecimal("4,99")) { try Money.parse("4,99", currency: .usd) }
        #expect(throws: Money.ParseError.notADecimal("")) { try Money.parse("", currency: .usd) }
        #expect(throws: Money.ParseError.tooManyDecimals("5.5", allowed: 0, currency: CurrencyCode("JPY")!)) {
            try Money.parse("5.5", currency: CurrencyCode("JPY")!)
        }
    }

    /// The bytes of an amount (as the fast readers pass them), and a substring of a longer text, read as the string.
    @Test func parsesBytesAndSubstringsAsStrings() throws {
        func bytes(_ text: String) throws(Money.ParseError) -> Money {
            var text = text
            return try text.withUTF8 { bytes in Result { () throws(Money.ParseError) in try Money.parse(utf8: bytes, currency: .usd) } }
                .get()
        }
        #expect(try bytes("49.90").minorUnits == 4990)
        #expect(try bytes("+0.5").minorUnits == 50)
        #expect(try bytes("-1200").minorUnits == -120_000)
        #expect(throws: Money.ParseError.notADecimal("4,99")) { try bytes("4,99") }
        #expect(throws: Money.ParseError.outOfRange("99999999999999999", currency: .usd)) { try bytes("99999999999999999") }
        // RecordLimits.money: 10^15 cents is the largest amount, one cent more is out of range.
        #expect(try bytes("10000000000000").minorUnits == 1_000_000_000_000_000)
        #expect(throws: Money.ParseError.outOfRange("10000000000000.01", currency: .usd)) { try bytes("10000000000000.01") }
        #expect(throws: Money.ParseError.outOfRange("-10000000000000.01", currency: .usd)) { try bytes("-10000000000000.01") }
        let row = "sub_1,149.50,USD"
        let amount = row.split(separator: ",")[1]
        #expect(try Money.parse(amount, currency: .usd).minorUnits == 14_950)
    }

    @Test func formatsDecimals() {
        #expect(Money(minorUnits: 4990, currency: .usd).decimalString == "49.90")
        #expect(Money(minorUnits: -5, currency: .usd).decimalString == "-0.05")
        #expect(Money(minorUnits: 1234, currency: CurrencyCode("KWD")!).decimalString == "1.234")
        #expect(Money(minorUnits: 1000, currency: CurrencyCode("JPY")!).decimalString == "1000")
    }

    @Test func knowsCurrencies() {
        #expect(CurrencyCode("usd") == .usd)
        #expect(CurrencyCode("XYZ") == nil)
        #expect(CurrencyCode("JPY")!.minorUnitExponent == 0)
    }
}

@Suite struct TimestampTests {
    @Test func parsesDatesAsMidnightUTC() throws {
        #expect(try Timestamp.parse("1970-01-01").seconds == 0)
        #expect(try Timestamp.parse("2024-03-01").seconds == 1_709_251_200)
    }

    @Test func parsesOffsets() throws {
        #expect(try Timestamp.parse("2024-03-01T12:00:00Z").seconds == 1_709_251_200 + 43_200)
        #expect(try Timestamp.parse("2024-03-01T12:00:00+02:00").seconds == 1_709_251_200 + 36_000)
        #expect(try Timestamp.parse("2024-03-01T12:00:00.999-0130").seconds == 1_709_251_200 + 43_200 + 5_400)
        #expect(try Timestamp.parse("2024-03-01 00:30Z").seconds == 1_709_251_200 + 1_800)
    }

    @Test func rejectsBadTimestamps() {
        #expect(throws: Timestamp.ParseError.invalidDate("2023-02-29")) { try Timestamp.parse("2023-02-29") }
        #expect(throws: Timestamp.ParseError.missingOffset("2024-03-01T12:00:00")) {
            try Timestamp.parse("2024-03-01T12:00:00")
        }
        #expect(throws: Timestamp.ParseError.malformed("03/01/2024")) { try Timestamp.parse("03/01/2024") }
    }

    @Test func civilDatesRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 2000, month: 2, day: 29).daysSinceEpoch == 11_016)
        #expect(CivilDate(year: 2024, month: 1, day: 31).adding(months: 1) == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate(year: 2024, month: 3, day: 4).isoWeekday == 1)  // a Monday
    }

    @Test func printsISO8601() {
        #expect(at("2024-03-01").description == "2024-03-01")
        #expect(at("2024-03-01T12:30:05+01:00").description == "2024-03-01T11:30:05Z")
    }
}

@Suite struct PeriodTests {
    @Test func labelsEveryGrain() {
        let day = CivilDate(year: 2024, month: 3, day: 5)
        #expect(Period(grain: .day, containing: day).label == "2024-03-05")
        #expect(Period(grain: .week, containing: day).label == "2024-W10")
        #expect(Period(grain: .month, containing: day).label == "2024-03")
        #expect(Period(grain: .quarter, containing: day).label == "2024-Q1")
        #expect(Period(grain: .year, containing: day).label == "2024")
        // ISO week-numbering years differ from calendar years at the edges.
        #expect(Period(grain: .week, containing: CivilDate(year: 2024, month: 12, day: 30)).label == "2025-W01")
        #expect(Period(grain: .week, containing: CivilDate(year: 2021, month: 1, day: 3)).label == "2020-W53")
    }

    @Test func isHalfOpen() {
        let march = Period(grain: .month, containing: CivilDate(year: 2024, month: 3, day: 10))
        #expect(march.contains(at("2024-03-01")))
        #expect(!march.contains(at("2024-04-01")))
        #expect(march.contains(at("2024-03-31T23:59:59Z")))
        #expect(march.end == march.next.start)
    }

    @Test func rangesIncludeBothBounds() throws {
        let from = try CivilDate.parseBound("2024-01").first
        let to = try CivilDate.parseBound("2024-12").last
        let months = Period.range(from: from, through: to, grain: .month)
        #expect(months.count == 12)
        #expect(months.first?.label == "2024-01")
        #expect(months.last?.label == "2024-12")
        #expect(Period.range(from: from, through: to, grain: .quarter).map(\.label) == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"])
        let q2 = try CivilDate.parseBound("2024-Q2")
        #expect(q2.first == CivilDate(year: 2024, month: 4, day: 1))
        #expect(q2.last == CivilDate(year: 2024, month: 6, day: 30))
        #expect(throws: CivilDate.ParseError.self) { try CivilDate.parseBound("2024-13") }
    }
}
