import SiamFCImageIO
extension Canvas {
    /// Copies `source` with its top-left corner at `(x, y)`, clipped to the canvas.
    public mutating func paste(_ source: RGBImage, x: Int, y: Int) {
        let area = PixelBounds(minX: x, minY: y, maxX: x.saturatingAdd(source.width), maxY: y.saturatingAdd(source.height))
            .intersection(bounds)
        guard !area.isEmpty, source.pixels.count == source.width * source.height * 3 else { return }
        let stride = image.width
        let rowBytes = (area.maxX - area.minX) * 3
        source.pixels.withUnsafeBufferPointer { from in
            guard let base = from.baseAddress else { return }
            withPixels { p in
                for row in area.minY ..< area.maxY {
                    let sourceRow = base + ((row - y) * source.width + (area.minX - x)) * 3
                    (p + (row * stride + area.minX) * 3).update(from: sourceRow, count: rowBytes)
                }
            }
        }
    }
}
