import SiamFCImageIO
/// A drawing surface over an ``RGBImage``: rectangles, tracking boxes, lines, discs and bitmap
/// text. Every primitive clips to the image (and to ``clipBounds`` when set), so coordinates that
/// are off the canvas, huge or not finite draw nothing outside it and never trap.
///
/// Pixel coordinates are 0-based; for lines and circles an integer coordinate is a pixel's centre.
public struct Canvas: Sendable {
    public var image: RGBImage
    /// Restricts drawing to a rectangle of the image (charts keep series inside the plot area).
    var clipBounds: PixelBounds?

    /// A canvas of `width` x `height` pixels filled with `background`.
    public init(width: Int, height: Int, background: Color = .white) {
        image = RGBImage(width: width, height: height)
        fill(background)
    }

    /// Draws on a copy of `image`, e.g. a video frame to annotate.
    public init(image: RGBImage) {
        self.image = image
    }

    public var width: Int { image.width }
    public var height: Int { image.height }

    /// The drawable region: the image, narrowed by the clip rectangle when one is set.
    var bounds: PixelBounds {
        let full = PixelBounds(minX: 0, minY: 0, maxX: image.width, maxY: image.height)
        return clipBounds.map { $0.intersection(full) } ?? full
    }

    /// Paints every pixel (ignoring the clip rectangle).
    public mutating func fill(_ color: Color) {
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i + 2 < buffer.count {
                buffer[i] = color.r
                buffer[i + 1] = color.g
                buffer[i + 2] = color.b
                i += 3
            }
        }
    }

    /// Blends one pixel with `color` at opacity `alpha` (0...1); outside the canvas it does nothing.
    public mutating func blendPixel(x: Int, y: Int, color: Color, alpha: Float = 1) {
        let b = bounds
        guard b.contains(x: x, y: y) else { return }
        let weight = Canvas.weight(alpha)
        guard weight > 0 else { return }
        let stride = image.width
        withPixels { p in Canvas.blend(p + (y * stride + x) * 3, color, weight) }
    }

    /// Fills the pixels `x ..< x + width`, `y ..< y + height`, blended at opacity `alpha`.
    public mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: Color, alpha: Float = 1) {
        guard width > 0, height > 0 else { return }
        let area = PixelBounds(minX: x, minY: y, maxX: x.saturatingAdd(width), maxY: y.saturatingAdd(height))
            .intersection(bounds)
        guard !area.isEmpty else { return }
        let weight = Canvas.weight(alpha)
        guard weight > 0 else { return }
        let stride = image.width
        withPixels { p in
            for row in area.minY ..< area.maxY {
                var q = p + (row * stride + area.minX) * 3
                for _ in area.minX ..< area.maxX {
                    Canvas.blend(q, color, weight)
                    q += 3
                }
            }
        }
    }

    /// Outlines the pixels `x ..< x + width`, `y ..< y + height` with a band `lineWidth` pixels
    /// thick that grows inwards, so the outline never leaves the rectangle.
    public mutating func strokeRect(x: Int, y: Int, width: Int, height: Int, color: Color, lineWidth: Int = 1) {
        guard width > 0, height > 0, lineWidth > 0 else { return }
        // A band as thick as half the rectangle fills it; drawing it once keeps alpha-free overdraw cheap.
        if lineWidth >= width - width / 2 || lineWidth >= height - height / 2 {
            fillRect(x: x, y: y, width: width, height: height, color: color)
            return
        }
        let right = x.saturatingAdd(width).saturatingAdd(-lineWidth)
        let bottom = y.saturatingAdd(height).saturatingAdd(-lineWidth)
        let innerHeight = height - 2 * lineWidth
        fillRect(x: x, y: y, width: width, height: lineWidth, color: color)
        fillRect(x: x, y: bottom, width: width, height: lineWidth, color: color)
        fillRect(x: x, y: y.saturatingAdd(lineWidth), width: lineWidth, height: innerHeight, color: color)
        fillRect(x: right, y: y.saturatingAdd(lineWidth), width: lineWidth, height: innerHeight, color: color)
    }

    /// Outlines a tracking box given in OTB's 1-based coordinates: the outline lies on the box's
    /// border pixels (x=1, y=1, w=10, h=10 covers 0-based pixels 0...9) and thickens inwards.
    /// Fractional boxes are rounded to whole pixels; invalid boxes (not finite, empty) draw nothing.
    public mutating func drawBox(_ box: BoundingBox, color: Color, lineWidth: Int = 2) {
        guard box.isValid else { return }
        let left = (box.x - 1).rounded()
        let top = (box.y - 1).rounded()
        let right = max((box.x - 1 + box.width - 1).rounded(), left)
        let bottom = max((box.y - 1 + box.height - 1).rounded(), top)
        // Far beyond any canvas the exact value no longer matters, only that it stays off-canvas.
        let limit = 1e15
        func whole(_ v: Double) -> Int { Int(min(max(v, -limit), limit)) }
        let x0 = whole(left), y0 = whole(top)
        strokeRect(x: x0, y: y0, width: whole(right) - x0 + 1, height: whole(bottom) - y0 + 1,
                   color: color, lineWidth: min(lineWidth, 1 << 30))
    }

    // MARK: Pixel access shared by the primitives

    /// Runs `body` with the first byte of the pixel buffer; nothing happens for an empty image.
    @inline(__always)
    mutating func withPixels(_ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        image.pixels.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { body(base) }
        }
    }

    /// Opacity as a fixed-point weight 0...256; NaN counts as transparent.
    @inline(__always)
    static func weight(_ alpha: Float) -> Int {
        guard alpha > 0 else { return 0 }
        return alpha >= 1 ? 256 : Int(alpha * 256 + 0.5)
    }

    /// `dst += (src - dst) * weight / 256`; weight 256 stores the colour exactly.
    @inline(__always)
    static func blend(_ p: UnsafeMutablePointer<UInt8>, _ c: Color, _ weight: Int) {
        if weight >= 256 {
            p[0] = c.r
            p[1] = c.g
            p[2] = c.b
            return
        }
        p[0] = UInt8(Int(p[0]) + (((Int(c.r) - Int(p[0])) * weight) >> 8))
        p[1] = UInt8(Int(p[1]) + (((Int(c.g) - Int(p[1])) * weight) >> 8))
        p[2] = UInt8(Int(p[2]) + (((Int(c.b) - Int(p[2])) * weight) >> 8))
    }
}

/// A half-open pixel rectangle `minX ..< maxX`, `minY ..< maxY`.
struct PixelBounds: Sendable, Equatable {
    var minX: Int
    var minY: Int
    var maxX: Int
    var maxY: Int

    var isEmpty: Bool { minX >= maxX || minY >= maxY }

    func intersection(_ other: PixelBounds) -> PixelBounds {
        PixelBounds(minX: max(minX, other.minX), minY: max(minY, other.minY),
                    maxX: min(maxX, other.maxX), maxY: min(maxY, other.maxY))
    }

    func contains(x: Int, y: Int) -> Bool { x >= minX && x < maxX && y >= minY && y < maxY }
}

extension Int {
    /// Addition that sticks at the representable limits instead of trapping.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        if !overflow { return sum }
        return other > 0 ? .max : .min
    }
}

/// `value` rounded down and clamped to `lo ... hi`; NaN gives `lo`. Converting only after the clamp
/// keeps `Int(_:)` from trapping on huge or non-finite coordinates.
@inline(__always)
func clampedFloor(_ value: Double, _ lo: Int, _ hi: Int) -> Int {
    guard value >= Double(lo) else { return lo }
    guard value <= Double(hi) else { return hi }
    return Int(value.rounded(.down))
}

/// As ``clampedFloor(_:_:_:)``, rounding up.
@inline(__always)
func clampedCeil(_ value: Double, _ lo: Int, _ hi: Int) -> Int {
    guard value >= Double(lo) else { return lo }
    guard value <= Double(hi) else { return hi }
    return Int(value.rounded(.up))
}
