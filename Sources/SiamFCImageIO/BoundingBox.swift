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
