import Testing
@testable import VitalsServer

@Suite struct HTMLTests {
    @Test func textIsEscapedAndFragmentsAreNot() {
        let name = "<script>alert('x')</script> & \"co\""
        let cell: HTML = "<td>\(name)</td>"
        #expect(cell.text == "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</td>")
        let row: HTML = "<tr>\(cell)</tr>"
        #expect(row.text == "<tr>" + cell.text + "</tr>")
    }

    @Test func chartsCarryTitlesAxesAndHoverValues() {
        let chart = SVGChart.lines(
            title: "MRR", xLabels: ["2024-01", "2024-02"], series: [ChartSeries(name: "MRR", values: [150, 100], color: "#000")],
            yLabel: "MRR (USD)", format: { String(Int($0)) }
        ).text
        #expect(chart.contains("<title>MRR</title><desc>MRR (USD) by period from 2024-01 to 2024-02.</desc>"))
        #expect(chart.contains("<title>MRR, 2024-01: 150</title>"))
        #expect(chart.contains("<title>MRR, 2024-02: 100</title>"))
        #expect(chart.contains(">MRR (USD)</text>"))
        // Ticks of 100 to 150 with a zero baseline included: 0, 50, 100, 150.
        for tick in ["0", "50", "100", "150"] { #expect(chart.contains("class=\"tick\">\(tick)</text>")) }
    }

    @Test func stackedBarsGoUpForGainsAndDownForLosses() {
        let chart = SVGChart.stackedBars(
            title: "Movements", xLabels: ["2024-02"],
            series: [ChartSeries(name: "New", values: [30], color: "#0f0"), ChartSeries(name: "Churn", values: [-50], color: "#f00")],
            yLabel: "USD", format: { String(Int($0)) }
        ).text
        #expect(chart.contains("<title>New, 2024-02: 30</title>"))
        #expect(chart.contains("<title>Churn, 2024-02: -50</title>"))
        #expect(chart.contains("class=\"zero\""))
    }

    @Test func csvQuotesAndDefusesFormulas() {
        #expect(DataTable.field("plain") == "plain")
        #expect(DataTable.field("a,b") == "\"a,b\"")
        #expect(DataTable.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(DataTable.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(DataTable.field("-50.00") == "-50.00")
    }

    @Test func niceScalesUseRoundSteps() {
        let (low, high, ticks) = SVGChart.Frame.niceScale(min: 0, max: 765_773)
        #expect(low == 0 && high == 800_000)
        #expect(ticks == [0, 200_000, 400_000, 600_000, 800_000])
    }
}
