/// Where a chart's legend box sits.
public enum LegendPosition: Sendable, Equatable, CaseIterable {
    /// The inside corner whose box covers the fewest plotted points (ties: upper right, upper
    /// left, lower left, lower right), or right of the plot when every corner would hide data.
    case best
    case upperRight
    case upperLeft
    case lowerLeft
    case lowerRight
    /// Right of the plot area, which narrows to make room.
    case outsideRight
    /// No legend.
    case hidden
}

/// The legend box and, per named series, its sample (a line or a disc) and its label.
struct LegendLayout: Sendable {
    struct Entry: Sendable {
        var series: Int
        var label: TextPlacement
        /// The sample spans these columns, centred on `sampleY`.
        var sampleX0: Int
        var sampleX1: Int
        var sampleY: Int
    }

    var box: PixelBounds
    var entries: [Entry]
    /// Plotted samples (scatter points, points along lines) under the box.
    var covered = 0

    /// Hides data, so `.best` would rather move it outside.
    var isCrowded: Bool { covered > 0 }

    /// The box size and the series listed (those with a name); nil when there is no legend.
    static func measure(_ chart: Chart, scale s: Int) -> (width: Int, height: Int, named: [Int])? {
        let named = chart.series.indices.filter { !chart.series[$0].name.isEmpty }
        guard chart.legendPosition != .hidden, !named.isEmpty else { return nil }
        let textWidth = named.map { BitmapFont.textWidth(chart.series[$0].name, scale: s) }.max() ?? 0
        let width = padding(s) + sampleLength(s) + gap(s) + textWidth + padding(s)
        let height = padding(s) + (named.count - 1) * rowHeight(s) + BitmapFont.textHeight(scale: s) + padding(s)
        return (width, height, named)
    }

    static func padding(_ s: Int) -> Int { 4 * s }
    static func sampleLength(_ s: Int) -> Int { 16 * s }
    static func gap(_ s: Int) -> Int { 4 * s }
    static func rowHeight(_ s: Int) -> Int { BitmapFont.textHeight(scale: s) + 3 * s }

    /// Places the legend inside the plot, or right of it when `outside`; nil without a legend.
    init?(_ chart: Chart, in layout: ChartLayout, outside: Bool) {
        let s = layout.scale
        guard let size = LegendLayout.measure(chart, scale: s) else { return nil }
        let plot = layout.plot
        let margin = 5 * s

        func corner(_ position: LegendPosition) -> PixelBounds {
            let left = position == .upperLeft || position == .lowerLeft ? plot.minX + margin : plot.maxX - margin - size.width
            let top = position == .lowerLeft || position == .lowerRight ? plot.maxY - margin - size.height : plot.minY + margin
            return PixelBounds(minX: left, minY: top, maxX: left + size.width, maxY: top + size.height)
        }

        if outside {
            let left = plot.maxX + 1 + 2 * margin
            self.box = PixelBounds(minX: left, minY: plot.minY, maxX: left + size.width, maxY: plot.minY + size.height)
        } else {
            let candidates: [LegendPosition] = chart.legendPosition == .best
                ? [.upperRight, .upperLeft, .lowerLeft, .lowerRight] : [chart.legendPosition]
            let boxes = candidates.map(corner)
            var hits = [Int](repeating: 0, count: boxes.count)
            LegendLayout.forEachPlottedPixel(chart, layout) { x, y in
                for i in boxes.indices where boxes[i].contains(x: x, y: y) { hits[i] += 1 }
            }
            let fewest = hits.indices.min { hits[$0] < hits[$1] } ?? 0
            self.box = boxes[fewest]
            covered = hits[fewest]
        }
        let frame = self.box
        let capHeight = BitmapFont.capHeight * s
        entries = size.named.enumerated().map { row, index in
            let top = frame.minY + LegendLayout.padding(s) + row * LegendLayout.rowHeight(s)
            let sampleX0 = frame.minX + LegendLayout.padding(s)
            let textX = sampleX0 + LegendLayout.sampleLength(s) + LegendLayout.gap(s)
            return Entry(series: index, label: TextPlacement(text: chart.series[index].name, x: textX, y: top, scale: s),
                         sampleX0: sampleX0, sampleX1: sampleX0 + LegendLayout.sampleLength(s) - 1,
                         sampleY: top + capHeight / 2)
        }
    }

    /// Calls `body` with the pixel of every scatter point and of samples every few pixels along
    /// every line, inside the plot area.
    static func forEachPlottedPixel(_ chart: Chart, _ layout: ChartLayout, _ body: (Int, Int) -> Void) {
        let plot = layout.plot
        for series in chart.series {
            var previous: (x: Double, y: Double)?
            for i in 0 ..< series.count {
                let p = (x: layout.pixelX(series.xs[i]), y: layout.pixelY(series.ys[i]))
                guard p.x.isFinite, p.y.isFinite else {
                    previous = nil
                    continue
                }
                switch series.style {
                case .scatter:
                    let x = clampedFloor(p.x + 0.5, plot.minX - 1, plot.maxX)
                    let y = clampedFloor(p.y + 0.5, plot.minY - 1, plot.maxY)
                    if plot.contains(x: x, y: y) { body(x, y) }
                case .line:
                    defer { previous = p }
                    guard let start = previous,
                          let s = Segment(x0: start.x, y0: start.y, x1: p.x, y1: p.y).clipped(
                              minX: Double(plot.minX), minY: Double(plot.minY),
                              maxX: Double(plot.maxX - 1), maxY: Double(plot.maxY - 1))
                    else { continue }
                    let length = max(abs(s.x1 - s.x0), abs(s.y1 - s.y0))
                    let steps = Int(min(length / 3, 10_000).rounded(.up)) + 1
                    for k in 0 ... steps {
                        let t = Double(k) / Double(steps)
                        body(clampedFloor(s.x0 + t * (s.x1 - s.x0) + 0.5, plot.minX, plot.maxX - 1),
                             clampedFloor(s.y0 + t * (s.y1 - s.y0) + 0.5, plot.minY, plot.maxY - 1))
                    }
                }
            }
        }
    }
}
