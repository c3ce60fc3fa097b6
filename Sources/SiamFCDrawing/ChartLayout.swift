/// Text at a pixel position: the top-left corner of its (possibly rotated) box.
struct TextPlacement: Sendable, Equatable {
    var text: String
    var x: Int
    var y: Int
    var scale: Int
}

/// Where everything of a ``Chart`` goes, in pixels; the raster and SVG renderers both draw from
/// it, so the two outputs match.
struct ChartLayout: Sendable {
    var width: Int
    var height: Int
    var scale: Int
    /// The data area; the frame is drawn just outside it.
    var plot: PixelBounds
    /// Series may overdraw the frame by a few pixels so curves lying on a fixed range's bound
    /// (success rate 1.0) stay whole.
    var seriesClip: PixelBounds
    var xDomain: ClosedRange<Double>
    var yDomain: ClosedRange<Double>
    var xTicks: AxisTicks
    var yTicks: AxisTicks
    var tickLength: Int
    var title: TextPlacement?
    var xLabel: TextPlacement?
    /// Drawn turned 90° counter-clockwise.
    var yLabel: TextPlacement?
    var xTickLabels: [TextPlacement]
    var yTickLabels: [TextPlacement]
    var legend: LegendLayout?

    static let maxSize = 16384

    init(_ chart: Chart) {
        self.init(chart, legendOutside: chart.legendPosition == .outsideRight)
        // `.best` moves the legend out of the plot when every corner would hide data.
        if chart.legendPosition == .best, let legend, legend.isCrowded,
           let size = LegendLayout.measure(chart, scale: scale), size.width < width / 3 {
            self = ChartLayout(chart, legendOutside: true)
        }
    }

    private init(_ chart: Chart, legendOutside: Bool) {
        width = min(max(chart.width, 1), ChartLayout.maxSize)
        height = min(max(chart.height, 1), ChartLayout.maxSize)
        let s = chart.textScale.map(BitmapFont.clampScale) ?? min(max(min(width, height) / 300, 1), 3)
        scale = s
        let titleScale = BitmapFont.clampScale(s + 1)
        let pad = 5 * s
        let gap = 2 * s
        tickLength = 3 * s
        let textHeight = BitmapFont.textHeight(scale: s)
        // About one tick per this many pixels, fewer when labels would collide.
        let tickSpacing = 40 * s

        xDomain = ChartLayout.domain(chart.xRange, data: chart.series.map(\.xs), counts: chart.series.map(\.count))
        yDomain = ChartLayout.domain(chart.yRange, data: chart.series.map(\.ys), counts: chart.series.map(\.count))
        let top = chart.title.isEmpty ? 2 * pad : pad + BitmapFont.textHeight(scale: titleScale) + pad
        let bottom = 1 + tickLength + gap + textHeight + (chart.xLabel.isEmpty ? 0 : pad + textHeight) + pad
        let plotHeight = max(height - top - bottom, 1)
        yTicks = ChartLayout.ticks(yDomain, target: plotHeight / tickSpacing, labelSpan: { _ in textHeight * 2 },
                                   length: plotHeight)
        let yTickWidth = yTicks.labels.map { BitmapFont.textWidth($0, scale: s) }.max() ?? 0
        let left = pad + (chart.yLabel.isEmpty ? 0 : textHeight + pad) + yTickWidth + gap + tickLength + 1
        let legendSize = legendOutside ? LegendLayout.measure(chart, scale: s) : nil
        let legendRoom = legendSize.map { $0.width + 2 * pad } ?? 0
        let roughWidth = max(width - left - legendRoom - 3 * pad, 1)
        xTicks = ChartLayout.ticks(xDomain, target: roughWidth / tickSpacing,
                                   labelSpan: { BitmapFont.textWidth($0, scale: s) + 4 * gap }, length: roughWidth)
        let lastXLabel = BitmapFont.textWidth(xTicks.labels.last ?? "", scale: s)
        let right = max(2 * pad, lastXLabel / 2 + pad, legendRoom) + 1
        var plot = PixelBounds(minX: left, minY: top, maxX: width - right, maxY: height - bottom)
        // Tiny images still get a one-pixel plot; everything else clips.
        plot.maxX = max(plot.maxX, plot.minX + 1)
        plot.maxY = max(plot.maxY, plot.minY + 1)
        self.plot = plot
        let overflow = 3 * s
        seriesClip = PixelBounds(minX: plot.minX - overflow, minY: plot.minY - overflow,
                                 maxX: plot.maxX + overflow, maxY: plot.maxY + overflow)

        let centerX = (plot.minX + plot.maxX) / 2
        let centerY = (plot.minY + plot.maxY) / 2
        title = chart.title.isEmpty ? nil : TextPlacement(
            text: chart.title, x: ChartLayout.centered(chart.title, at: centerX, scale: titleScale, within: width),
            y: pad, scale: titleScale)
        let tickLabelTop = plot.maxY + 1 + tickLength + gap
        xLabel = chart.xLabel.isEmpty ? nil : TextPlacement(
            text: chart.xLabel, x: ChartLayout.centered(chart.xLabel, at: centerX, scale: s, within: width),
            y: tickLabelTop + textHeight + pad, scale: s)
        let yLabelLength = BitmapFont.textWidth(chart.yLabel, scale: s)
        yLabel = chart.yLabel.isEmpty ? nil : TextPlacement(
            text: chart.yLabel, x: pad, y: max(0, min(centerY - yLabelLength / 2, height - yLabelLength)), scale: s)

        xTickLabels = []
        yTickLabels = []
        legend = nil
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            xTickLabels.append(TextPlacement(
                text: label, x: ChartLayout.centered(label, at: tickColumn(value), scale: s, within: width),
                y: tickLabelTop, scale: s))
        }
        let capHeight = BitmapFont.capHeight * s
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            yTickLabels.append(TextPlacement(
                text: label, x: plot.minX - 1 - tickLength - gap - BitmapFont.textWidth(label, scale: s),
                y: tickRow(value) - capHeight / 2, scale: s))
        }
        legend = LegendLayout(chart, in: self, outside: legendOutside)
    }

    /// Horizontal pixel centre of data value `x`.
    func pixelX(_ x: Double) -> Double {
        Double(plot.minX) + (x - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound)
            * Double(plot.maxX - 1 - plot.minX)
    }

    /// Vertical pixel centre of data value `y` (up is larger).
    func pixelY(_ y: Double) -> Double {
        Double(plot.maxY - 1) - (y - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound)
            * Double(plot.maxY - 1 - plot.minY)
    }

    func tickColumn(_ x: Double) -> Int { clampedFloor(pixelX(x) + 0.5, plot.minX, plot.maxX - 1) }
    func tickRow(_ y: Double) -> Int { clampedFloor(pixelY(y) + 0.5, plot.minY, plot.maxY - 1) }

    /// The left edge that centres `text` on `center`, kept inside `0 ..< limit` when it fits.
    static func centered(_ text: String, at center: Int, scale: Int, within limit: Int) -> Int {
        let w = BitmapFont.textWidth(text, scale: scale)
        return max(0, min(center - w / 2, limit - w))
    }

    /// The axis range: the fixed one when usable, else the data's extent with a 5 % margin.
    static func domain(_ fixed: ClosedRange<Double>?, data: [[Double]], counts: [Int]) -> ClosedRange<Double> {
        if let fixed, fixed.lowerBound.isFinite, fixed.upperBound.isFinite,
           (fixed.upperBound - fixed.lowerBound).isFinite, fixed.upperBound > fixed.lowerBound {
            return fixed
        }
        var lo = Double.infinity, hi = -Double.infinity
        for (values, count) in zip(data, counts) {
            for v in values.prefix(count) where v.isFinite {
                lo = min(lo, v)
                hi = max(hi, v)
            }
        }
        guard lo <= hi else { return 0 ... 1 }
        if hi == lo {
            let spread = lo == 0 ? 0.5 : abs(lo) * 0.1
            return (lo - spread) ... (hi + spread)
        }
        let margin = (hi - lo) * 0.05
        let low = lo - margin, high = hi + margin
        // Extremes near ±Double.greatestFiniteMagnitude would overflow with the margin.
        return low.isFinite && high.isFinite && (high - low).isFinite ? low ... high : lo ... hi
    }

    /// Nice ticks with about `target` intervals, fewer when their labels would collide.
    static func ticks(_ domain: ClosedRange<Double>, target: Int, labelSpan: (String) -> Int, length: Int) -> AxisTicks {
        var count = min(max(target, 2), 10)
        while true {
            let ticks = ChartAxis.niceTicks(in: domain, targetCount: count)
            let spacing = ticks.values.count > 1 ? Double(length) / Double(ticks.values.count - 1) : Double(length)
            let widest = ticks.labels.map(labelSpan).max() ?? 0
            if Double(widest) <= spacing || count <= 1 { return ticks }
            count -= 1
        }
    }
}
