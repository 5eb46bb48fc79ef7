import Foundation

/// A named series of values for a chart; `nil` is a gap (no value for that point).
public struct ChartSeries: Sendable {
    public var name: String
    public var values: [Double?]
    /// A CSS colour.
    public var color: String

    public init(name: String, values: [Double?], color: String) {
        self.name = name
        self.values = values
        self.color = color
    }
}

/// Charts drawn as inline SVG on the server: no script, no external asset. Every chart carries a `<title>` and
/// `<desc>` for screen readers, labelled axes, and a `<title>` per mark, which browsers show on hover.
public enum SVGChart {
    static let palette = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"]

    /// A small line without axes, for tiles. Empty (no points) draws a flat baseline.
    public static func sparkline(_ values: [Double?], title: String, width: Int = 120, height: Int = 32) -> HTML {
        let points = values.enumerated().compactMap { i, v in v.map { (i, $0) } }
        var body = ""
        if points.count >= 1 {
            let lo = points.map(\.1).min()!, hi = points.map(\.1).max()!
            let span = hi - lo == 0 ? 1 : hi - lo
            let step = values.count > 1 ? Double(width - 4) / Double(values.count - 1) : 0
            let coordinates = points.map { i, v in
                (2 + Double(i) * step, Double(height - 3) - (v - lo) / span * Double(height - 6))
            }
            let path = coordinates.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            body += "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"\(path)\"/>"
            if let last = coordinates.last { body += "<circle cx=\"\(f(last.0))\" cy=\"\(f(last.1))\" r=\"2\" fill=\"currentColor\"/>" }
        }
        return HTML(
            raw: "<svg class=\"spark\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" "
                + "aria-label=\"\(HTML.escape(title))\"><title>\(HTML.escape(title))</title>\(body)</svg>")
    }

    /// Lines over labelled periods, with a y axis of round ticks. `format` writes a value for ticks and hovers.
    public static func lines(
        title: String, xLabels: [String], series: [ChartSeries], yLabel: String, format: @escaping (Double) -> String,
        step: Bool = false, xLabel: String = "Period", width: Int = 720, height: Int = 260
    ) -> HTML {
        let all = series.flatMap { $0.values.compactMap { $0 } }
        var frame = Frame(title: title, xLabels: xLabels, yLabel: yLabel, values: all + [0], width: width, height: height, format: format)
        frame.xLabel = xLabel
        for s in series {
            var segments: [[(Double, Double, Double, String)]] = [[]]
            for (i, v) in s.values.enumerated() {
                guard let v else {
                    if !segments[segments.count - 1].isEmpty { segments.append([]) }
                    continue
                }
                segments[segments.count - 1].append((frame.x(i), frame.y(v), v, xLabels[safe: i] ?? ""))
            }
            for segment in segments where !segment.isEmpty {
                var path = ""
                for (k, p) in segment.enumerated() {
                    if k == 0 {
                        path += "M\(f(p.0)),\(f(p.1))"
                    } else if step {
                        path += " H\(f(p.0)) V\(f(p.1))"
                    } else {
                        path += " L\(f(p.0)),\(f(p.1))"
                    }
                }
                frame.marks += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
                for p in segment {
                    frame.marks += "<circle cx=\"\(f(p.0))\" cy=\"\(f(p.1))\" r=\"3\" fill=\"\(s.color)\"><title>"
                        + HTML.escape("\(s.name), \(p.3): \(format(p.2))") + "</title></circle>"
                }
            }
        }
        frame.legend(series)
        return frame.render()
    }

    /// Bars stacked per period: positive values upwards, negative downwards (MRR movements), each part hoverable.
    public static func stackedBars(
        title: String, xLabels: [String], series: [ChartSeries], yLabel: String, format: @escaping (Double) -> String,
        xLabel: String = "Period", width: Int = 720, height: Int = 260
    ) -> HTML {
        var tops: [Double] = [], bottoms: [Double] = []
        for i in xLabels.indices {
            let parts = series.compactMap { $0.values[safe: i] ?? nil }
            tops.append(parts.filter { $0 > 0 }.reduce(0, +))
            bottoms.append(parts.filter { $0 < 0 }.reduce(0, +))
        }
        var frame = Frame(title: title, xLabels: xLabels, yLabel: yLabel, values: tops + bottoms + [0], width: width, height: height, format: format)
        frame.xLabel = xLabel
        let slot = frame.plotWidth / Double(max(1, xLabels.count))
        let barWidth = max(2, slot * 0.7)
        for i in xLabels.indices {
            var up = 0.0, down = 0.0
            for s in series {
                guard let v = s.values[safe: i] ?? nil, v != 0 else { continue }
                let from = v > 0 ? up : down
                let to = from + v
                if v > 0 { up = to } else { down = to }
                let y1 = frame.y(max(from, to)), y2 = frame.y(min(from, to))
                let left: String = f(frame.x(i) - barWidth / 2)
                let tall: String = f(max(0.5, y2 - y1))
                let tip: String = HTML.escape("\(s.name), \(xLabels[i]): \(format(v))")
                var rect = "<rect x=\"\(left)\" y=\"\(f(y1))\" width=\"\(f(barWidth))\" "
                rect += "height=\"\(tall)\" fill=\"\(s.color)\"><title>\(tip)</title></rect>"
                frame.marks += rect
            }
        }
        frame.legend(series)
        return frame.render()
    }

    /// A grid of shaded cells (cohort retention): rows by cohort, columns by age; darker is higher.
    public static func heatmap(
        title: String, rowLabels: [String], columnLabels: [String], cells: [[Double?]], format: (Double) -> String,
        rowAxis: String, columnAxis: String
    ) -> HTML {
        let cell = 34.0, rowHeader = 70.0, top = 40.0
        let width = rowHeader + cell * Double(columnLabels.count) + 10
        let height = top + 18 * Double(rowLabels.count) + 30
        let rowHeight = 18.0
        var out = "<svg class=\"chart heatmap\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" "
        out += "role=\"img\" aria-label=\"\(HTML.escape(title))\">"
        // Shade relative to the table's own range, so differences between 80 % and 95 % show.
        let all = cells.flatMap { $0.compactMap { $0 } }
        let low = all.min() ?? 0, high = all.max() ?? 1
        let span = high - low > 1e-9 ? high - low : 1
        out += "<title>\(HTML.escape(title))</title><desc>\(HTML.escape("Rows: \(rowAxis). Columns: \(columnAxis)."))</desc>"
        out += "<text x=\"\(f(rowHeader))\" y=\"14\" class=\"axis-title\">\(HTML.escape(columnAxis))</text>"
        for (j, label) in columnLabels.enumerated() {
            out += "<text x=\"\(f(rowHeader + cell * (Double(j) + 0.5)))\" y=\"32\" text-anchor=\"middle\" class=\"tick\">\(HTML.escape(label))</text>"
        }
        for (i, label) in rowLabels.enumerated() {
            let y = top + rowHeight * Double(i)
            out += "<text x=\"\(f(rowHeader - 6))\" y=\"\(f(y + 13))\" text-anchor=\"end\" class=\"tick\">\(HTML.escape(label))</text>"
            for (j, value) in (cells[safe: i] ?? []).enumerated() {
                guard let value else { continue }
                let shade = max(0, min(1, (value - low) / span))
                let fill = "rgba(37,99,235,\(f(0.08 + 0.85 * shade)))"
                let ink = shade > 0.55 ? "#fff" : "#111"
                out += "<g><rect x=\"\(f(rowHeader + cell * Double(j)))\" y=\"\(f(y))\" width=\"\(f(cell - 1))\" height=\"\(f(rowHeight - 1))\" fill=\"\(fill)\"/>"
                out += "<text x=\"\(f(rowHeader + cell * (Double(j) + 0.5)))\" y=\"\(f(y + 13))\" text-anchor=\"middle\" class=\"cell\" fill=\"\(ink)\">"
                out += HTML.escape(format(value)) + "</text>"
                out += "<title>\(HTML.escape("\(rowAxis) \(label), \(columnAxis) \(columnLabels[safe: j] ?? ""): \(format(value))"))</title></g>"
            }
        }
        out += "<text x=\"4\" y=\"\(f(height - 8))\" class=\"axis-title\">\(HTML.escape(rowAxis)) (rows)</text></svg>"
        return HTML(raw: out)
    }

    static func f(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Axes, ticks and scales shared by the period charts.
    struct Frame {
        let title: String
        let xLabels: [String]
        let yLabel: String
        var xLabel = "Period"
        let width: Double, height: Double
        let left = 72.0, right = 12.0, top = 16.0, bottom = 58.0
        let lo: Double, hi: Double
        let ticks: [Double]
        let format: (Double) -> String
        var marks = ""
        var legendText = ""

        init(title: String, xLabels: [String], yLabel: String, values: [Double], width: Int, height: Int, format: @escaping (Double) -> String) {
            self.title = title
            self.xLabels = xLabels
            self.yLabel = yLabel
            self.width = Double(width)
            self.height = Double(height)
            self.format = format
            let finite = values.filter(\.isFinite)
            let (lo, hi, ticks) = Frame.niceScale(min: finite.min() ?? 0, max: finite.max() ?? 1)
            self.lo = lo
            self.hi = hi
            self.ticks = ticks
        }

        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }

        func x(_ i: Int) -> Double {
            let slot = plotWidth / Double(max(1, xLabels.count))
            return left + slot * (Double(i) + 0.5)
        }

        func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - lo) / (hi - lo)) }

        mutating func legend(_ series: [ChartSeries]) {
            guard series.count > 1 else { return }
            var x = left
            for s in series {
                legendText += "<rect x=\"\(f(x))\" y=\"\(f(height - 14))\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
                legendText += "<text x=\"\(f(x + 14))\" y=\"\(f(height - 5))\" class=\"tick\">\(HTML.escape(s.name))</text>"
                x += 22 + Double(s.name.count) * 6.5
            }
        }

        func render() -> HTML {
            var out = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" style=\"max-width:\(f(width))px\" role=\"img\" aria-label=\"\(HTML.escape(title))\">"
            out += "<title>\(HTML.escape(title))</title>"
            let range = xLabels.isEmpty ? "" : " from \(xLabels.first!) to \(xLabels.last!)"
            out += "<desc>\(HTML.escape("\(yLabel) by \(xLabel.lowercased())\(range)."))</desc>"
            for t in ticks {
                out += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(t)))\" y2=\"\(f(y(t)))\" class=\"grid\"/>"
                out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(HTML.escape(format(t)))</text>"
            }
            if lo < 0 && hi > 0 {
                out += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\" class=\"zero\"/>"
            }
            // Thin the period labels so they never overlap.
            let every = max(1, Int((Double(xLabels.count) * 52 / plotWidth).rounded(.up)))
            for (i, label) in xLabels.enumerated() where i % every == 0 || i == xLabels.count - 1 && xLabels.count <= every {
                out += "<text x=\"\(f(x(i)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" class=\"tick\">\(HTML.escape(label))</text>"
            }
            out += "<text x=\"\(f(left))\" y=\"\(f(top + plotHeight + 34))\" class=\"axis-title\">\(HTML.escape(xLabel))</text>"
            out += "<text transform=\"translate(12,\(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis-title\">\(HTML.escape(yLabel))</text>"
            out += marks + legendText + "</svg>"
            return HTML(raw: out)
        }

        /// Round tick values covering `min...max` (about five of them), and the scale's ends.
        static func niceScale(min lo: Double, max hi: Double) -> (Double, Double, [Double]) {
            var lo = lo, hi = hi
            if lo == hi {
                lo -= lo == 0 ? 0 : abs(lo) * 0.1
                hi += hi == 0 ? 1 : abs(hi) * 0.1
            }
            let raw = (hi - lo) / 5
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            let first = floor(lo / step) * step, last = ceil(hi / step) * step
            var ticks: [Double] = []
            var t = first
            while t <= last + step / 2 {
                ticks.append(abs(t) < step / 1e6 ? 0 : t)
                t += step
            }
            return (first, last, ticks)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
