extension Canvas {
    /// Draws a straight line `width` pixels wide with round ends.
    ///
    /// Anti-aliased lines shade each pixel by how much of it the pen covers; plain lines are
    /// Bresenham lines at width 1 and hard-edged bands when wider. Lines with a non-finite end
    /// draw nothing.
    public mutating func drawLine(from start: (x: Double, y: Double), to end: (x: Double, y: Double),
                                  color: Color, width: Double = 1, antialiased: Bool = true, alpha: Float = 1) {
        let segment = Segment(x0: start.x, y0: start.y, x1: end.x, y1: end.y)
        guard segment.isFinite, width > 0 else { return }
        let weight = Canvas.weight(alpha)
        guard weight > 0 else { return }
        if antialiased {
            // Below one pixel a thinner pen reads as a fainter one.
            let fade = width < 1 ? Int(Double(weight) * width + 0.5) : weight
            stroke(segment, color: color, halfWidth: max(width, 1) / 2, antialiased: true, weight: fade)
        } else if width <= 1 {
            bresenham(segment, color: color, weight: weight)
        } else {
            stroke(segment, color: color, halfWidth: width / 2, antialiased: false, weight: weight)
        }
    }

    /// Draws lines through consecutive points; a non-finite point breaks the line in two.
    /// Joints are round. With `alpha` below 1 the joints, drawn twice, come out slightly darker.
    public mutating func drawPolyline(_ points: [(x: Double, y: Double)], color: Color, width: Double = 1,
                                      antialiased: Bool = true, alpha: Float = 1) {
        guard !points.isEmpty else { return }
        if points.count == 1 {
            drawLine(from: points[0], to: points[0], color: color, width: width, antialiased: antialiased, alpha: alpha)
            return
        }
        for i in 1 ..< points.count {
            drawLine(from: points[i - 1], to: points[i], color: color, width: width, antialiased: antialiased,
                     alpha: alpha)
        }
    }

    /// Shades every pixel whose centre lies within `halfWidth` of the segment (a capsule), scanning
    /// only the rows and columns the capsule can reach.
    private mutating func stroke(_ segment: Segment, color: Color, halfWidth: Double, antialiased: Bool,
                                 weight: Int) {
        let b = bounds
        guard !b.isEmpty, weight > 0 else { return }
        // Pens wider than this cover any canvas already; the cap keeps the arithmetic small.
        let r = min(halfWidth, 1e7)
        let reach = antialiased ? r + 0.5 : r
        guard let s = segment.clipped(minX: Double(b.minX) - reach - 1, minY: Double(b.minY) - reach - 1,
                                      maxX: Double(b.maxX) + reach, maxY: Double(b.maxY) + reach)
        else { return }
        let dx = s.x1 - s.x0, dy = s.y1 - s.y0
        let lengthSquared = dx * dx + dy * dy
        let length = lengthSquared.squareRoot()
        let leftmost = min(s.x0, s.x1) - reach, rightmost = max(s.x0, s.x1) + reach
        let firstRow = clampedCeil(min(s.y0, s.y1) - reach, b.minY, b.maxY)
        let lastRow = clampedFloor(max(s.y0, s.y1) + reach, b.minY - 1, b.maxY - 1)
        guard firstRow <= lastRow else { return }
        // Nearly horizontal segments take the bounding box per row instead of a huge band.
        let slanted = abs(dy) > 1e-9 * length
        let stride = image.width
        withPixels { p in
            for row in firstRow ... lastRow {
                let py = Double(row)
                var lo = leftmost, hi = rightmost
                if slanted {
                    let crossing = s.x0 + (py - s.y0) * dx / dy
                    let half = reach * length / abs(dy)
                    lo = max(lo, crossing - half)
                    hi = min(hi, crossing + half)
                }
                let firstColumn = clampedCeil(lo, b.minX, b.maxX)
                let lastColumn = clampedFloor(hi, b.minX - 1, b.maxX - 1)
                guard firstColumn <= lastColumn else { continue }
                var q = p + (row * stride + firstColumn) * 3
                for column in firstColumn ... lastColumn {
                    let px = Double(column)
                    var t = lengthSquared > 0 ? ((px - s.x0) * dx + (py - s.y0) * dy) / lengthSquared : 0
                    t = min(max(t, 0), 1)
                    let ex = px - (s.x0 + t * dx), ey = py - (s.y0 + t * dy)
                    let distance = (ex * ex + ey * ey).squareRoot()
                    if antialiased {
                        let coverage = reach - distance
                        if coverage >= 1 {
                            Canvas.blend(q, color, weight)
                        } else if coverage > 0 {
                            Canvas.blend(q, color, Int(Double(weight) * coverage + 0.5))
                        }
                    } else if distance <= r {
                        Canvas.blend(q, color, weight)
                    }
                    q += 3
                }
            }
        }
    }

    /// A one-pixel staircase line (Bresenham) between the rounded ends of the clipped segment.
    private mutating func bresenham(_ segment: Segment, color: Color, weight: Int) {
        let b = bounds
        guard !b.isEmpty,
              let s = segment.clipped(minX: Double(b.minX), minY: Double(b.minY),
                                      maxX: Double(b.maxX - 1), maxY: Double(b.maxY - 1))
        else { return }
        var x = clampedFloor(s.x0 + 0.5, b.minX, b.maxX - 1), y = clampedFloor(s.y0 + 0.5, b.minY, b.maxY - 1)
        let endX = clampedFloor(s.x1 + 0.5, b.minX, b.maxX - 1), endY = clampedFloor(s.y1 + 0.5, b.minY, b.maxY - 1)
        let stepX = x < endX ? 1 : -1, stepY = y < endY ? 1 : -1
        let spanX = abs(endX - x), spanY = -abs(endY - y)
        var error = spanX + spanY
        let stride = image.width
        withPixels { p in
            while true {
                if b.contains(x: x, y: y) { Canvas.blend(p + (y * stride + x) * 3, color, weight) }
                if x == endX && y == endY { break }
                let doubled = 2 * error
                if doubled >= spanY {
                    error += spanY
                    x += stepX
                }
                if doubled <= spanX {
                    error += spanX
                    y += stepY
                }
            }
        }
    }
}
