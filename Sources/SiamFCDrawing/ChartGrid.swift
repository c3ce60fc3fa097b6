import SiamFCImageIO
extension Chart {
    /// Renders `charts` side by side, `columns` per row, each at `cellWidth` x `cellHeight`
    /// (their own sizes are ignored), into one image; unused cells stay `background`. Sizes are
    /// clamped so the image stays within 16384 pixels a side.
    public static func grid(_ charts: [Chart], columns: Int, cellWidth: Int = 800, cellHeight: Int = 600,
                            background: Color = .white) -> RGBImage {
        let limit = ChartLayout.maxSize
        let columns = min(max(columns, 1), max(charts.count, 1))
        let rows = max((charts.count + columns - 1) / columns, 1)
        let cellWidth = min(max(cellWidth, 1), limit / columns)
        let cellHeight = min(max(cellHeight, 1), limit / rows)
        var canvas = Canvas(width: max(cellWidth * columns, 1), height: max(cellHeight * rows, 1),
                            background: background)
        for (index, var chart) in charts.enumerated() {
            chart.width = cellWidth
            chart.height = cellHeight
            canvas.paste(chart.render(), x: (index % columns) * cellWidth, y: (index / columns) * cellHeight)
        }
        return canvas.image
    }
}
