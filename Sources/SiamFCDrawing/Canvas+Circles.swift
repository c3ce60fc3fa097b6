extension Canvas {
    /// Fills a disc of `radius` pixels around `center`, blended at opacity `alpha` (0...1); scatter
    /// plots draw thousands of these. Anti-aliased discs shade their rim by coverage. A non-finite
    /// centre or radius draws nothing.
    public mutating func fillCircle(center: (x: Double, y: Double), radius: Double, color: Color,
                                    alpha: Float = 1, antialiased: Bool = true) {
        guard center.x.isFinite, center.y.isFinite, radius.isFinite, radius > 0 else { return }
        let weight = Canvas.weight(alpha)
        let b = bounds
        guard weight > 0, !b.isEmpty else { return }
        let reach = antialiased ? radius + 0.5 : radius
        let firstRow = clampedCeil(center.y - reach, b.minY, b.maxY)
        let lastRow = clampedFloor(center.y + reach, b.minY - 1, b.maxY - 1)
        let firstColumn = clampedCeil(center.x - reach, b.minX, b.maxX)
        let lastColumn = clampedFloor(center.x + reach, b.minX - 1, b.maxX - 1)
        guard firstRow <= lastRow, firstColumn <= lastColumn else { return }
        // Sub-pixel discs would vanish between pixel centres; spread their ink as fainter coverage.
        let scale = antialiased && radius < 0.5 ? radius / 0.5 : 1
        let radiusSquared = radius * radius
        let stride = image.width
        withPixels { p in
            for row in firstRow ... lastRow {
                let dy = Double(row) - center.y
                var q = p + (row * stride + firstColumn) * 3
                for column in firstColumn ... lastColumn {
                    let dx = Double(column) - center.x
                    let distanceSquared = dx * dx + dy * dy
                    if antialiased {
                        let coverage = (reach - distanceSquared.squareRoot()) * scale
                        if coverage >= 1 {
                            Canvas.blend(q, color, weight)
                        } else if coverage > 0 {
                            Canvas.blend(q, color, Int(Double(weight) * coverage + 0.5))
                        }
                    } else if distanceSquared <= radiusSquared {
                        Canvas.blend(q, color, weight)
                    }
                    q += 3
                }
            }
        }
    }

    /// Outlines a circle with a pen `width` pixels wide, e.g. a marker in a legend.
    public mutating func strokeCircle(center: (x: Double, y: Double), radius: Double, color: Color,
                                      width: Double = 1, alpha: Float = 1) {
        guard center.x.isFinite, center.y.isFinite, radius.isFinite, radius > 0, width.isFinite, width > 0
        else { return }
        let weight = Canvas.weight(alpha)
        let b = bounds
        guard weight > 0, !b.isEmpty else { return }
        let half = width / 2
        let reach = radius + half + 0.5
        let firstRow = clampedCeil(center.y - reach, b.minY, b.maxY)
        let lastRow = clampedFloor(center.y + reach, b.minY - 1, b.maxY - 1)
        let firstColumn = clampedCeil(center.x - reach, b.minX, b.maxX)
        let lastColumn = clampedFloor(center.x + reach, b.minX - 1, b.maxX - 1)
        guard firstRow <= lastRow, firstColumn <= lastColumn else { return }
        let stride = image.width
        withPixels { p in
            for row in firstRow ... lastRow {
                let dy = Double(row) - center.y
                var q = p + (row * stride + firstColumn) * 3
                for column in firstColumn ... lastColumn {
                    let dx = Double(column) - center.x
                    let offRing = abs((dx * dx + dy * dy).squareRoot() - radius)
                    let coverage = half + 0.5 - offRing
                    if coverage >= 1 {
                        Canvas.blend(q, color, weight)
                    } else if coverage > 0 {
                        Canvas.blend(q, color, Int(Double(weight) * coverage + 0.5))
                    }
                    q += 3
                }
            }
        }
    }
}
