import Testing
import VitalsCore

@testable import VitalsServer
import VitalsFormats

/// How the dashboard writes values (issue 27): NPS in whole points, one spelling of "pt", money after its symbol.
@Suite struct DisplayTests {
    @Test func npsIsWrittenInWholePoints() {
        #expect(Display.value(.nps, .number(32.5), currency: .usd) == "33")
        #expect(Display.value(.nps, .number(-12.5), currency: .usd) == "-13")
        #expect(Display.value(.nps, .number(-0.3), currency: .usd) == "0")
        #expect(Display.value(.nps, .null, currency: .usd) == "-")
        // 30.0 -> 31.5: +1.5 NPS points; a rate from 0.10 to 0.12: +2.0 percentage points.
        #expect(Display.change(.nps, current: .number(31.5), previous: .number(30))?.text == "+1.5 pt")
        #expect(Display.change(.customerChurnRate, current: .number(0.12), previous: .number(0.10))?.text == "+2.0 pt")
        #expect(Display.money(Int64(-141_647), .usd) == "-$1,416.47")
    }
}

/// Values past Int64's range (sums of many bounded amounts, a model's extrapolation) are written, never trapped on.
@Suite struct HugeValueFormattingTests {
    @Test func moneyAndCountsBeyondInt64AreWrittenAsNumbers() {
        #expect(Display.money(1e20, .usd) == "$1e+18")
        #expect(ReportTable.format(.number(1e20), unit: .money, currency: .usd) == "1e+18")
        #expect(ReportTable.format(.number(2e19), unit: .count, currency: .usd) == "2e+19")
        #expect(ReportTable.format(.number(1e19), unit: .number, currency: .usd) == "1e+19")
        #expect(ReportJSON.number(.number(1e20), unit: .money, currency: .usd) == "1e+18")
        #expect(Display.money(12_345.6, .usd) == "$123.46")
    }
}
