/// An 8-bit RGB image, rows top to bottom, pixels interleaved `R G B`.
///
/// Every decoder in this module produces this type, whatever the file held (gray, palette, CMYK,
/// 16-bit, with alpha); it is the frame type the tracker consumes.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width * 3` bytes.
    public var pixels: [UInt8]

    /// A black image. `width` and `height` must be positive; callers validate sizes from files first.
    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        self.pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
    }

    /// Wraps existing interleaved RGB bytes; returns nil when the count does not match the size.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, pixels.count == width * height * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// For code that has sized the buffer itself (decoders, renderers): a wrong count is a bug.
    public init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    @inlinable
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        get {
            let i = (y * width + x) * 3
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
        }
    }
}
