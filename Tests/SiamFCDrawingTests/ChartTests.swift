import Foundation
import Testing
@testable import SiamFCImageIO

#if canImport(FoundationXML)
import FoundationXML
import SiamFCTestSupport
@testable import SiamFCDrawing
import SiamFCSupport
#endif

@Suite struct ChartTests {
    func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
    }

    func colors(_ image: RGBImage) -> Set<Color> {
        var out = Set<Color>()
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            out.insert(Color(r: image.pixels[i], g: image.pixels[i + 1], b: image.pixels[i + 2]))
        }
        return out
    }

    @Test func niceTicksForTypicalRanges() {
        let unit = ChartAxis.niceTicks(in: 0 ... 1)
        #expect(close(unit.values, [0, 0.2, 0.4, 0.6, 0.8, 1]))
        #expect(unit.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        let precision = ChartAxis.niceTicks(in: 0 ... 50)
        #expect(precision.values == [0, 10, 20, 30, 40, 50])
        #expect(precision.labels == ["0", "10", "20", "30", "40", "50"])
        let small = ChartAxis.niceTicks(in: 0.003 ... 0.0071)
        #expect(close(small.values, (6 ... 14).map { Double($0) * 5e-4 }))
        #expect(small.labels == ["3e-3", "3.5e-3", "4e-3", "4.5e-3", "5e-3", "5.5e-3", "6e-3", "6.5e-3", "7e-3"])
        #expect(ChartAxis.niceTicks(in: 0.003 ... 0.0071, targetCount: 4).labels == ["3e-3", "4e-3", "5e-3", "6e-3", "7e-3"])
        let halves = ChartAxis.niceTicks(in: 0 ... 0.003)
        #expect(halves.labels == ["0", "5e-4", "1e-3", "1.5e-3", "2e-3", "2.5e-3", "3e-3"])
        let hundreds = ChartAxis.niceTicks(in: 0 ... 100)
        #expect(hundreds.values == [0, 20, 40, 60, 80, 100])
        let large = ChartAxis.niceTicks(in: 0 ... 3e6)
        #expect(large.labels == ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6", "3e6"])
        let fine = ChartAxis.niceTicks(in: 0.12 ... 0.38)
        #expect(close(fine.values, [0.15, 0.2, 0.25, 0.3, 0.35]))
        #expect(fine.labels == ["0.15", "0.2", "0.25", "0.3", "0.35"])
    }

    @Test func niceTicksForNegativeAndDegenerateRanges() {
        let negative = ChartAxis.niceTicks(in: -7.5 ... -2.1)
        #expect(negative.values == [-7, -6, -5, -4, -3])
        #expect(negative.labels == ["-7", "-6", "-5", "-4", "-3"])
        let symmetric = ChartAxis.niceTicks(in: -1 ... 1)
        #expect(close(symmetric.values, [-1, -0.5, 0, 0.5, 1]))
        #expect(symmetric.labels == ["-1", "-0.5", "0", "0.5", "1"])
        // Zero is exactly zero, never "-0" or 1e-17.
        let offset = ChartAxis.niceTicks(in: -0.3 ... 0.3)
        #expect(offset.values.contains(0))
        #expect(offset.labels.contains("0") && !offset.labels.contains("-0"))

        #expect(ChartAxis.niceTicks(in: 5 ... 5).values == [5])
        #expect(ChartAxis.niceTicks(in: 0 ... 0).labels == ["0"])
        #expect(ChartAxis.niceTicks(in: -Double.infinity ... 1).values.isEmpty)
        #expect(ChartAxis.niceTicks(in: -1e308 ... 1e308).values.isEmpty)
        let subnormal = ChartAxis.niceTicks(in: 0 ... Double.leastNonzeroMagnitude * 2000)
        #expect(subnormal.values.count <= 202)
        let huge = ChartAxis.niceTicks(in: 1e300 ... 1.5e300)
        #expect(!huge.values.isEmpty && huge.labels.allSatisfy { $0.contains("e300") })
        #expect(ChartAxis.niceTicks(in: 0 ... 1, targetCount: 0).values == [0, 1])
    }

    @Test func compactNumberFormat() {
        #expect(ChartAxis.format(0) == "0")
        #expect(ChartAxis.format(0.571) == "0.571")
        #expect(ChartAxis.format(12.5) == "12.5")
        #expect(ChartAxis.format(-3) == "-3")
        #expect(ChartAxis.format(0.0015) == "1.5e-3")
        #expect(ChartAxis.format(2_500_000) == "2.5e6")
        #expect(ChartAxis.format(.nan) == "nan")
        #expect(ChartAxis.format(Double.leastNonzeroMagnitude).hasSuffix("e-324"))
    }

    func sampleChart() -> Chart {
        var chart = Chart(title: "Success plot", xLabel: "Overlap threshold", yLabel: "Success rate")
        chart.xRange = 0 ... 1
        chart.yRange = 0 ... 1
        chart.legendPosition = .lowerLeft
        let xs = (0 ... 20).map { Double($0) / 20 }
        chart.addLine(name: "fdsiamfc30 [0.571]", points: xs.map { ($0, 1 - $0 * $0) }, color: Color.palette[0], width: 2)
        chart.addLine(name: "baseline [0.402]", points: xs.map { ($0, 1 - $0) }, color: Color.palette[1], width: 2)
        return chart
    }

    @Test func lineChartRendersItsSeriesAndLegend() {
        let chart = sampleChart()
        let image = chart.render()
        #expect(image.width == 800 && image.height == 600)
        let seen = colors(image)
        #expect(seen.contains(Color.palette[0]))
        #expect(seen.contains(Color.palette[1]))
        #expect(!seen.contains(Color.palette[2]))

        // A series entirely outside the fixed ranges shows only in the legend.
        var offRange = Chart(width: 320, height: 240)
        offRange.xRange = 0 ... 1
        offRange.yRange = 0 ... 1
        offRange.addScatter(name: "far away", points: [(5, 5), (6, 7)], color: Color.palette[4], radius: 3)
        #expect(colors(offRange.render()).contains(Color.palette[4]))
        offRange.legendPosition = .hidden
        #expect(!colors(offRange.render()).contains(Color.palette[4]))
        #expect(offRange.render().width == 320)
    }

    @Test func automaticRangesFitTheData() {
        var chart = Chart()
        chart.addLine(name: "loss", x: [1, 2, 3, 4], y: [2.3, 1.1, 0.6, 0.45])
        let layout = ChartLayout(chart)
        #expect(layout.xDomain.lowerBound < 1 && layout.xDomain.upperBound > 4)
        #expect(layout.yDomain.lowerBound < 0.45 && layout.yDomain.upperBound > 2.3)
        #expect(layout.xDomain.upperBound - layout.xDomain.lowerBound < 3.5)
        #expect(layout.xTicks.values.allSatisfy { layout.xDomain.contains($0) })
        #expect(layout.xTicks.values.count >= 3)
        // Fixed ranges are kept; unusable ones fall back to the data.
        chart.xRange = 0 ... 50
        chart.yRange = 1 ... 1
        let fixed = ChartLayout(chart)
        #expect(fixed.xDomain == 0 ... 50)
        #expect(fixed.yDomain.upperBound > 2.3)
        // Tick labels sit outside the plot area, on the correct side.
        #expect(fixed.yTickLabels.allSatisfy { $0.x + BitmapFont.textWidth($0.text, scale: $0.scale) < fixed.plot.minX })
        #expect(fixed.xTickLabels.allSatisfy { $0.y > fixed.plot.maxY })
    }

    @Test func bestLegendCornerAvoidsTheData() throws {
        var chart = Chart(width: 400, height: 300)
        // Points crowd the upper right; the legend should go elsewhere.
        chart.addScatter(name: "crowd", x: (0 ..< 200).map { 0.8 + Double($0 % 20) * 0.01 },
                         y: (0 ..< 200).map { 0.8 + Double($0 / 20) * 0.02 })
        chart.addScatter(name: "anchor", x: [0, 1], y: [0, 1])
        let layout = ChartLayout(chart)
        let legend = try #require(layout.legend)
        let left = legend.box.maxX < (layout.plot.minX + layout.plot.maxX) / 2
        let low = legend.box.minY > (layout.plot.minY + layout.plot.maxY) / 2
        #expect(left || low)
        #expect(!legend.entries.isEmpty)
        chart.legendPosition = .upperRight
        let forced = try #require(ChartLayout(chart).legend)
        #expect(forced.box.maxX > (layout.plot.minX + layout.plot.maxX) / 2 && forced.box.maxY < layout.plot.maxY / 2 + 20)
    }

    @Test func legendMovesOutsideWhenEveryCornerHidesData() throws {
        var chart = Chart(width: 600, height: 450)
        // A filled square of points: no corner is free.
        let grid = (0 ..< 900).map { (Double($0 % 30), Double($0 / 30)) }
        chart.addScatter(name: "everywhere", points: grid)
        let best = ChartLayout(chart)
        let legend = try #require(best.legend)
        #expect(legend.box.minX > best.plot.maxX)
        #expect(legend.box.maxX <= best.width)
        #expect(colors(chart.render()).contains(Color.palette[0]))

        chart.legendPosition = .outsideRight
        #expect(try #require(ChartLayout(chart).legend).box == legend.box)
        chart.legendPosition = .lowerLeft
        let inside = ChartLayout(chart)
        let forced = try #require(inside.legend)
        #expect(forced.box.minX > inside.plot.minX && forced.box.maxY < inside.plot.maxY)
        #expect(inside.plot.maxX > best.plot.maxX)
    }

    @Test func svgIsWellFormedAndEscapesNames() throws {
        var chart = sampleChart()
        chart.title = "Plot \"quotes\" & 'apostrophes'"
        chart.addScatter(name: "a <&> b", points: [(0.5, 0.5), (0.25, 0.75), (.nan, 1), (1e300, 0.5)],
                         color: Color.palette[3], radius: 3, alpha: 0.6)
        chart.addLine(name: "gappy", points: [(0, 0.1), (0.5, 0.2), (.nan, .nan), (0.6, 0.3), (1e12, 0.3)])
        let svg = chart.svg()
        #expect(svg.contains("a &lt;&amp;&gt; b"))
        #expect(!svg.contains("a <&> b"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))

        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.elements.first == "svg")
        #expect(collector.texts.contains("a <&> b"))
        #expect(collector.texts.contains("Plot \"quotes\" & 'apostrophes'"))
        #expect(collector.texts.contains("fdsiamfc30 [0.571]"))
        #expect(collector.texts.contains("Success rate"))
        // Two sample lines, plus the gappy line in two pieces; the two finite scatter points.
        #expect(collector.elements.filter { $0 == "polyline" }.count == 4)
        #expect(collector.circles == 2 + 1)
        #expect(collector.texts.contains("0.2") && collector.texts.contains("1"))
    }

    @Test func scatterOfTenThousandPointsRenders() {
        var chart = Chart(title: "Embedding", xLabel: "z1", yLabel: "z2")
        var generator = SplitMix64(seed: 7)
        for digit in 0 ..< 10 {
            let angle = Double(digit) * 0.628
            var xs: [Double] = [], ys: [Double] = []
            for _ in 0 ..< 1000 {
                xs.append(3 * cos(angle) + Double.random(in: -1 ... 1, using: &generator))
                ys.append(3 * sin(angle) + Double.random(in: -1 ... 1, using: &generator))
            }
            chart.addScatter(name: "digit \(digit)", x: xs, y: ys, color: Color.palette[digit], radius: 2, alpha: 0.6)
        }
        let image = chart.render()
        #expect(image.width == 800 && image.height == 600)
        let seen = colors(image)
        for color in Color.palette { #expect(seen.contains(color)) }
        #expect(chart.svg().count > 10_000 * 20)
    }

    @Test func gridLaysChartsSideBySide() {
        var loss = Chart(title: "Loss", xLabel: "epoch", yLabel: "loss")
        loss.addLine(name: "train", x: [1, 2, 3], y: [1, 0.5, 0.3])
        let success = sampleChart()
        let image = Chart.grid([success, loss, success], columns: 2, cellWidth: 400, cellHeight: 300)
        #expect(image.width == 800 && image.height == 600)
        var expected = loss
        expected.width = 400
        expected.height = 300
        let cell = expected.render()
        var matches = true
        for y in 0 ..< 300 {
            for x in 0 ..< 400 where image[400 + x, y] != cell[x, y] { matches = false }
        }
        #expect(matches)
        // The unused fourth cell stays background.
        #expect(image[700, 500] == (255, 255, 255))
        #expect(Chart.grid([], columns: 0).width == 800)
        #expect(Chart.grid([loss], columns: -3, cellWidth: 100_000, cellHeight: 10).width == 16384)
    }

    @Test func awkwardChartsRenderWithoutTrapping() {
        var chart = Chart(title: "tiny", xLabel: "x", yLabel: "y", width: 12, height: 9)
        chart.addLine(name: "nan", x: [.nan, .infinity, 1], y: [1, -.infinity, .nan])
        chart.addScatter(name: "one", x: [3], y: [3], radius: .nan, alpha: 2)
        chart.addLine(name: "mismatch", x: [1, 2, 3], y: [1])
        #expect(chart.render().width == 12)
        _ = chart.svg()
        chart.width = -5
        chart.height = 0
        #expect(chart.render().width == 1)
        var extreme = Chart()
        extreme.addLine(name: "extreme", x: [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude], y: [0, 1])
        extreme.xRange = -Double.infinity ... 0
        _ = extreme.render()
        _ = extreme.svg()
        var empty = Chart()
        empty.textScale = 99
        #expect(empty.render().height == 600)
    }

    @Test func writesPNGAndSVGFiles() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let chart = sampleChart()
        try chart.writePNG(to: dir + "/success.png")
        try chart.writeSVG(to: dir + "/success.svg")
        #expect(try ImageDecoder().decode(file: dir + "/success.png") == chart.render())
        #expect(try String(contentsOfFile: dir + "/success.svg", encoding: .utf8) == chart.svg())
        #expect(throws: ImageIOError.self) { try chart.writePNG(to: dir + "/missing/success.png") }
    }
}

/// Records element names, the text of `<text>` elements and the number of circles.
final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var texts: [String] = []
    var circles = 0
    private var current: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(name)
        if name == "circle" { circles += 1 }
        if name == "text" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let text = current { texts.append(text) }
        current = nil
    }
}
