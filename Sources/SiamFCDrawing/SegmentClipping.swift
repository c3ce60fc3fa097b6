/// A line segment in continuous pixel coordinates, clipped with the Liang-Barsky method.
///
/// Drawing clips every segment to the canvas (grown by the pen's reach) before touching pixels,
/// so a segment from -1e12 to 1e12 costs as much as one across the canvas.
struct Segment: Sendable, Equatable {
    var x0: Double
    var y0: Double
    var x1: Double
    var y1: Double

    var isFinite: Bool {
        x0.isFinite && y0.isFinite && x1.isFinite && y1.isFinite
            && (x1 - x0).isFinite && (y1 - y0).isFinite
    }

    /// The part of the segment inside `minX ... maxX`, `minY ... maxY`, or nil when none is, or
    /// when the segment is not finite.
    func clipped(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Segment? {
        guard isFinite, minX <= maxX, minY <= maxY else { return nil }
        let dx = x1 - x0, dy = y1 - y0
        var t0 = 0.0, t1 = 1.0
        // One boundary each: the segment is inside where p * t <= q.
        guard Segment.narrow(&t0, &t1, p: -dx, q: x0 - minX), Segment.narrow(&t0, &t1, p: dx, q: maxX - x0),
              Segment.narrow(&t0, &t1, p: -dy, q: y0 - minY), Segment.narrow(&t0, &t1, p: dy, q: maxY - y0)
        else { return nil }
        return Segment(x0: t0 == 0 ? x0 : x0 + t0 * dx, y0: t0 == 0 ? y0 : y0 + t0 * dy,
                       x1: t1 == 1 ? x1 : x0 + t1 * dx, y1: t1 == 1 ? y1 : y0 + t1 * dy)
    }

    /// Shrinks the parameter interval `t0 ... t1` to one boundary's inside; false when it empties.
    @inline(__always)
    private static func narrow(_ t0: inout Double, _ t1: inout Double, p: Double, q: Double) -> Bool {
        if p == 0 { return q >= 0 }
        let t = q / p
        if p < 0 {
            if t > t1 { return false }
            if t > t0 { t0 = t }
        } else {
            if t < t0 { return false }
            if t < t1 { t1 = t }
        }
        return true
    }
}
