import SiamFCImageIO
extension Chart {
    static let frameColor = Color(r: 60, g: 60, b: 60)
    static let textColor = Color(r: 30, g: 30, b: 30)
    static let gridColor = Color(r: 228, g: 228, b: 228)

    /// The chart as an image of ``width`` x ``height`` pixels.
    public func render() -> RGBImage {
        let layout = ChartLayout(self)
        var canvas = Canvas(width: layout.width, height: layout.height, background: background)
        draw(on: &canvas, layout)
        return canvas.image
    }

    /// Renders the chart and writes it as PNG (or JPEG, by extension), atomically.
    public func writePNG(to path: String) throws {
        try ImageEncoder.write(render(), to: path)
    }

    func draw(on canvas: inout Canvas, _ layout: ChartLayout) {
        let plot = layout.plot
        if showsGrid {
            for value in layout.xTicks.values {
                canvas.fillRect(x: layout.tickColumn(value), y: plot.minY, width: 1, height: plot.maxY - plot.minY,
                                color: Chart.gridColor)
            }
            for value in layout.yTicks.values {
                canvas.fillRect(x: plot.minX, y: layout.tickRow(value), width: plot.maxX - plot.minX, height: 1,
                                color: Chart.gridColor)
            }
        }
        canvas.strokeRect(x: plot.minX - 1, y: plot.minY - 1, width: plot.maxX - plot.minX + 2,
                          height: plot.maxY - plot.minY + 2, color: Chart.frameColor)
        for value in layout.xTicks.values {
            canvas.fillRect(x: layout.tickColumn(value), y: plot.maxY + 1, width: 1, height: layout.tickLength,
                            color: Chart.frameColor)
        }
        for value in layout.yTicks.values {
            canvas.fillRect(x: plot.minX - 1 - layout.tickLength, y: layout.tickRow(value), width: layout.tickLength,
                            height: 1, color: Chart.frameColor)
        }
        for label in layout.xTickLabels + layout.yTickLabels {
            canvas.drawText(label.text, at: (label.x, label.y), color: Chart.textColor, scale: label.scale)
        }
        if let title = layout.title {
            canvas.drawText(title.text, at: (title.x, title.y), color: .black, scale: title.scale)
        }
        if let label = layout.xLabel {
            canvas.drawText(label.text, at: (label.x, label.y), color: Chart.textColor, scale: label.scale)
        }
        if let label = layout.yLabel {
            canvas.drawTextVertical(label.text, at: (label.x, label.y), color: Chart.textColor, scale: label.scale)
        }

        canvas.clipBounds = layout.seriesClip
        for series in self.series { drawSeries(series, on: &canvas, layout) }
        canvas.clipBounds = nil

        if let legend = layout.legend { drawLegend(legend, on: &canvas) }
    }

    private func drawSeries(_ series: ChartSeries, on canvas: inout Canvas, _ layout: ChartLayout) {
        switch series.style {
        case .line(let width):
            var previous: (x: Double, y: Double)?
            for i in 0 ..< series.count {
                let p = (x: layout.pixelX(series.xs[i]), y: layout.pixelY(series.ys[i]))
                guard p.x.isFinite, p.y.isFinite else {
                    previous = nil
                    continue
                }
                canvas.drawLine(from: previous ?? p, to: p, color: series.color, width: width)
                previous = p
            }
        case .scatter(let radius, let alpha):
            for i in 0 ..< series.count {
                canvas.fillCircle(center: (layout.pixelX(series.xs[i]), layout.pixelY(series.ys[i])),
                                  radius: radius, color: series.color, alpha: alpha)
            }
        }
    }

    private func drawLegend(_ legend: LegendLayout, on canvas: inout Canvas) {
        let box = legend.box
        canvas.fillRect(x: box.minX, y: box.minY, width: box.maxX - box.minX, height: box.maxY - box.minY,
                        color: background, alpha: 0.85)
        canvas.strokeRect(x: box.minX, y: box.minY, width: box.maxX - box.minX, height: box.maxY - box.minY,
                          color: Color(r: 170, g: 170, b: 170))
        for entry in legend.entries {
            let series = self.series[entry.series]
            let y = Double(entry.sampleY)
            switch series.style {
            case .line(let width):
                canvas.drawLine(from: (Double(entry.sampleX0), y), to: (Double(entry.sampleX1), y), color: series.color,
                                width: min(max(width, 1), Double(entry.label.scale * 3)))
            case .scatter(let radius, _):
                let center = Double(entry.sampleX0 + entry.sampleX1) / 2
                canvas.fillCircle(center: (center, y), radius: min(max(radius, 2.5), Double(entry.label.scale) * 3.5),
                                  color: series.color)
            }
            canvas.drawText(entry.label.text, at: (entry.label.x, entry.label.y), color: Chart.textColor,
                            scale: entry.label.scale)
        }
    }
}
