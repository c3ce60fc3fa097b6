/// An axis-aligned box `x, y, w, h` in OTB convention: `(x, y)` is the top-left pixel, 1-based,
/// so the box covers pixels `x ... x + w - 1` and its centre is `x + (w - 1) / 2`.
///
/// Files (ground truth, tracker output) use this convention as written; code that indexes
/// 0-based pixel arrays converts explicitly with ``zeroBasedX`` and ``zeroBasedY``.
public struct BoundingBox: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The centre in OTB's 1-based coordinates, as the GOT-10k toolkit computes it.
    public var center: (x: Double, y: Double) { (x + (width - 1) / 2, y + (height - 1) / 2) }

    /// Left edge in 0-based pixel coordinates.
    public var zeroBasedX: Double { x - 1 }
    /// Top edge in 0-based pixel coordinates.
    public var zeroBasedY: Double { y - 1 }

    /// Intersection over union with `other`, with the GOT-10k toolkit's convention that a box
    /// spans `x … x + w` (no ±1); 0 when they do not meet.
    public func iou(_ other: BoundingBox) -> Double {
        let left = max(x, other.x), top = max(y, other.y)
        let right = min(x + width, other.x + other.width), bottom = min(y + height, other.y + other.height)
        let intersection = max(right - left, 0) * max(bottom - top, 0)
        let union = width * height + other.width * other.height - intersection
        // As the toolkit: `(x + w) − x` can round above `w`, so a box against itself could score
        // over 1 and pass the "IoU > 1" threshold; the epsilon and the clip keep it in 0...1.
        return min(max(intersection / (union + Double.ulpOfOne), 0), 1)
    }

    /// Finite, with positive width and height: usable as ground truth or as a tracker's box.
    public var isValid: Bool {
        x.isFinite && y.isFinite && width.isFinite && height.isFinite && width > 0 && height > 0
    }

    /// `x,y,w,h` with up to 3 decimals and no trailing zeros, as OTB result files hold them.
    public var description: String {
        [x, y, width, height].map(Self.format).joined(separator: ",")
    }

    /// A coordinate as files hold it: up to 3 decimals, no trailing zeros.
    public static func format(_ v: Double) -> String {
        let rounded = (v * 1000).rounded() / 1000
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
        var s = String(rounded)
        if s.contains("e") { return s }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
