import SiamFCSupport
extension Chart {
    /// The chart as a standalone SVG document laid out exactly like ``render()``: the same
    /// positions, colours, ticks and legend, with vector lines, circles and text.
    public func svg() -> String {
        let layout = ChartLayout(self)
        var out = SVGWriter()
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(layout.width)\" height=\"\(layout.height)\" "
            + "viewBox=\"0 0 \(layout.width) \(layout.height)\">")
        out.line("<rect width=\"\(layout.width)\" height=\"\(layout.height)\" fill=\"\(background.hexString)\"/>")
        let clip = layout.seriesClip
        out.line("<defs><clipPath id=\"plot-area\"><rect x=\"\(clip.minX)\" y=\"\(clip.minY)\" "
            + "width=\"\(clip.maxX - clip.minX)\" height=\"\(clip.maxY - clip.minY)\"/></clipPath></defs>")
        let plot = layout.plot
        let (top, bottom) = (Double(plot.minY), Double(plot.maxY))
        let (left, right) = (Double(plot.minX), Double(plot.maxX))

        if showsGrid {
            out.line("<g stroke=\"\(Chart.gridColor.hexString)\" stroke-width=\"1\">")
            for value in layout.xTicks.values {
                let x = Double(layout.tickColumn(value)) + 0.5
                out.segment(x, top, x, bottom)
            }
            for value in layout.yTicks.values {
                let y = Double(layout.tickRow(value)) + 0.5
                out.segment(left, y, right, y)
            }
            out.line("</g>")
        }
        out.line("<g stroke=\"\(Chart.frameColor.hexString)\" stroke-width=\"1\" fill=\"none\">")
        out.line("<rect x=\"\(SVGWriter.number(left - 0.5))\" y=\"\(SVGWriter.number(top - 0.5))\" "
            + "width=\"\(plot.maxX - plot.minX + 1)\" height=\"\(plot.maxY - plot.minY + 1)\"/>")
        let tick = Double(layout.tickLength)
        for value in layout.xTicks.values {
            let x = Double(layout.tickColumn(value)) + 0.5
            out.segment(x, bottom + 1, x, bottom + 1 + tick)
        }
        for value in layout.yTicks.values {
            let y = Double(layout.tickRow(value)) + 0.5
            out.segment(left - 1 - tick, y, left - 1, y)
        }
        out.line("</g>")

        out.line("<g font-family=\"DejaVu Sans Mono, Menlo, monospace\" fill=\"\(Chart.textColor.hexString)\">")
        for label in layout.xTickLabels + layout.yTickLabels { out.text(label) }
        if let title = layout.title { out.text(title, color: .black) }
        if let label = layout.xLabel { out.text(label) }
        if let label = layout.yLabel { out.text(label, vertical: true) }
        out.line("</g>")

        out.line("<g clip-path=\"url(#plot-area)\">")
        for series in self.series { writeSeries(series, to: &out, layout) }
        out.line("</g>")
        if let legend = layout.legend { writeLegend(legend, to: &out) }
        out.line("</svg>")
        return out.text
    }

    /// Writes ``svg()`` to `path`, atomically.
    public func writeSVG(to path: String) throws {
        try AtomicFile.write(svg(), to: path)
    }

    private func writeSeries(_ series: ChartSeries, to out: inout SVGWriter, _ layout: ChartLayout) {
        // Pixel centres sit at +0.5 in SVG user units.
        func point(_ i: Int) -> (x: Double, y: Double) {
            (layout.pixelX(series.xs[i]) + 0.5, layout.pixelY(series.ys[i]) + 0.5)
        }
        let color = series.color.hexString
        switch series.style {
        case .line(let width):
            let w = SVGWriter.number(width)
            out.line("<g fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(w)\" stroke-linejoin=\"round\" "
                + "stroke-linecap=\"round\">")
            for run in polylineRuns(count: series.count, point: point, bounds: layout.seriesClip) {
                if run.count == 1 {
                    out.line("<circle cx=\"\(SVGWriter.number(run[0].x))\" cy=\"\(SVGWriter.number(run[0].y))\" "
                        + "r=\"\(SVGWriter.number(width / 2))\" fill=\"\(color)\" stroke=\"none\"/>")
                } else {
                    let points = run.map { SVGWriter.number($0.x) + "," + SVGWriter.number($0.y) }
                    out.line("<polyline points=\"\(points.joined(separator: " "))\"/>")
                }
            }
            out.line("</g>")
        case .scatter(let radius, let alpha):
            guard radius.isFinite, radius > 0 else { return }
            let opacity = SVGWriter.number(Double(min(max(alpha.isNaN ? 0 : alpha, 0), 1)))
            out.line("<g fill=\"\(color)\" fill-opacity=\"\(opacity)\">")
            let r = SVGWriter.number(radius)
            let clip = layout.seriesClip
            for i in 0 ..< series.count {
                let p = point(i)
                // Points far outside the clip would only bloat the file (and their numbers).
                guard p.x >= Double(clip.minX) - radius, p.x <= Double(clip.maxX) + radius,
                      p.y >= Double(clip.minY) - radius, p.y <= Double(clip.maxY) + radius
                else { continue }
                out.line("<circle cx=\"\(SVGWriter.number(p.x))\" cy=\"\(SVGWriter.number(p.y))\" r=\"\(r)\"/>")
            }
            out.line("</g>")
        }
    }

    /// The visible pieces of a line series: consecutive finite points, each segment clipped to a
    /// margin around `bounds`, so every coordinate stays small and finite.
    private func polylineRuns(count: Int, point: (Int) -> (x: Double, y: Double),
                              bounds: PixelBounds) -> [[(x: Double, y: Double)]] {
        let margin = 16.0
        let minX = Double(bounds.minX) - margin, maxX = Double(bounds.maxX) + margin
        let minY = Double(bounds.minY) - margin, maxY = Double(bounds.maxY) + margin
        var runs: [[(x: Double, y: Double)]] = []
        var current: [(x: Double, y: Double)] = []
        var previous: (x: Double, y: Double)?
        func finish() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        for i in 0 ..< count {
            let p = point(i)
            guard p.x.isFinite, p.y.isFinite else {
                finish()
                previous = nil
                continue
            }
            defer { previous = p }
            guard let start = previous else {
                if p.x >= minX, p.x <= maxX, p.y >= minY, p.y <= maxY { current = [p] }
                continue
            }
            guard let s = Segment(x0: start.x, y0: start.y, x1: p.x, y1: p.y)
                .clipped(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
            else {
                finish()
                continue
            }
            if let last = current.last, last.x == s.x0, last.y == s.y0 {
                current.append((s.x1, s.y1))
            } else {
                finish()
                current = [(s.x0, s.y0), (s.x1, s.y1)]
            }
            if s.x1 != p.x || s.y1 != p.y { finish() }
        }
        finish()
        return runs
    }

    private func writeLegend(_ legend: LegendLayout, to out: inout SVGWriter) {
        let box = legend.box
        out.line("<g class=\"legend\" font-family=\"DejaVu Sans Mono, Menlo, monospace\" "
            + "fill=\"\(Chart.textColor.hexString)\">")
        out.line("<rect x=\"\(SVGWriter.number(Double(box.minX) + 0.5))\" y=\"\(SVGWriter.number(Double(box.minY) + 0.5))\" "
            + "width=\"\(box.maxX - box.minX - 1)\" height=\"\(box.maxY - box.minY - 1)\" "
            + "fill=\"\(background.hexString)\" fill-opacity=\"0.85\" stroke=\"#aaaaaa\" stroke-width=\"1\"/>")
        for entry in legend.entries {
            let series = self.series[entry.series]
            let y = Double(entry.sampleY) + 0.5
            let color = series.color.hexString
            switch series.style {
            case .line(let width):
                let w = min(max(width, 1), Double(entry.label.scale * 3))
                out.line("<line x1=\"\(Double(entry.sampleX0) + 0.5)\" y1=\"\(SVGWriter.number(y))\" "
                    + "x2=\"\(Double(entry.sampleX1) + 0.5)\" y2=\"\(SVGWriter.number(y))\" stroke=\"\(color)\" "
                    + "stroke-width=\"\(SVGWriter.number(w))\" stroke-linecap=\"round\"/>")
            case .scatter(let radius, _):
                let r = min(max(radius.isFinite ? radius : 0, 2.5), Double(entry.label.scale) * 3.5)
                let x = Double(entry.sampleX0 + entry.sampleX1) / 2 + 0.5
                out.line("<circle cx=\"\(SVGWriter.number(x))\" cy=\"\(SVGWriter.number(y))\" "
                    + "r=\"\(SVGWriter.number(r))\" fill=\"\(color)\"/>")
            }
            out.text(entry.label)
        }
        out.line("</g>")
    }
}

/// Accumulates SVG markup; text is escaped for XML.
struct SVGWriter {
    var text = ""

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    mutating func segment(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        line("<line x1=\"\(SVGWriter.number(x1))\" y1=\"\(SVGWriter.number(y1))\" "
            + "x2=\"\(SVGWriter.number(x2))\" y2=\"\(SVGWriter.number(y2))\"/>")
    }

    /// Text in the raster font's metrics: a monospace font of size 10 × scale has about the same
    /// advance (6 × scale) and cap height (7 × scale); `y` is the baseline.
    mutating func text(_ placement: TextPlacement, color: Color? = nil, vertical: Bool = false) {
        let s = placement.scale
        let size = 10 * s
        let fill = color.map { " fill=\"\($0.hexString)\"" } ?? ""
        let baseline = BitmapFont.capHeight * s
        let body = SVGWriter.escape(placement.text)
        if vertical {
            let length = BitmapFont.textWidth(placement.text, scale: s)
            line("<text transform=\"translate(\(placement.x + baseline),\(placement.y + length)) rotate(-90)\" "
                + "font-size=\"\(size)\"\(fill)>\(body)</text>")
        } else {
            line("<text x=\"\(placement.x)\" y=\"\(placement.y + baseline)\" font-size=\"\(size)\"\(fill)>\(body)</text>")
        }
    }

    /// Two decimals at most, no trailing zeros; non-finite values become 0 (callers clip first).
    static func number(_ v: Double) -> String {
        v.isFinite ? ChartAxis.fixedString(v, decimals: 2) : "0"
    }

    /// Escapes the five XML special characters and drops control characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
