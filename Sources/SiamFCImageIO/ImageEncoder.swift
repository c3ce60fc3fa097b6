import CImageShim
import SiamFCSupport

/// Encodes ``RGBImage`` as JPEG or PNG and writes image files atomically.
public enum ImageEncoder {
    /// Baseline (or progressive) JPEG, 4:2:0, `quality` 1...100.
    public static func jpeg(_ image: RGBImage, quality: Int = 90, progressive: Bool = false) throws -> [UInt8] {
        try encodeJPEG(image.pixels, width: image.width, height: image.height, layout: SFC_JPEG_RGB,
                       quality: quality, progressive: progressive)
    }

    /// PNG, 8-bit RGB, zlib `compression` 0...9.
    public static func png(_ image: RGBImage, compression: Int = 6) throws -> [UInt8] {
        try encodePNG(image.pixels, width: image.width, height: image.height,
                      layout: .init(colorType: 2, bitDepth: 8), compression: compression)
    }

    /// Writes `image` to `path` in the format its extension names (`.png`, `.jpg`, `.jpeg`);
    /// the file appears complete or not at all.
    public static func write(_ image: RGBImage, to path: String, quality: Int = 90) throws {
        let bytes: [UInt8]
        switch ImageFormat.forWriting(path: path) {
        case .jpeg: bytes = try jpeg(image, quality: quality)
        case .png: bytes = try png(image)
        case nil:
            throw ImageIOError(path: path, reason: .writeFailed,
                               message: "unknown image extension (use .png, .jpg or .jpeg)")
        }
        try ImageIOError.translatingFileErrors { try AtomicFile.write(bytes, to: path) }
    }

    // Lower-level entry points, used to produce every stored layout in tests.

    static func encodeJPEG(_ samples: [UInt8], width: Int, height: Int, layout: sfc_jpeg_layout,
                           quality: Int, progressive: Bool) throws -> [UInt8] {
        let components = layout == SFC_JPEG_GRAY ? 1 : (layout == SFC_JPEG_RGB ? 3 : 4)
        try checkSize(width: width, height: height, samples: samples.count, expected: width * height * components)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var text = [CChar](repeating: 0, count: Int(SFC_MESSAGE_CAPACITY))
        let status = samples.withUnsafeBufferPointer { input in
            sfc_jpeg_encode(input.baseAddress, UInt32(width), UInt32(height), layout, Int32(quality),
                            progressive ? 1 : 0, &out, &size, &text)
        }
        return try take(out, size: size, status: status, text: text, format: "JPEG")
    }

    struct PNGLayout {
        var colorType: Int32
        var bitDepth: Int32
        var interlaced = false
        var palette: [UInt8] = []
    }

    static func encodePNG(_ samples: [UInt8], width: Int, height: Int, layout: PNGLayout,
                          compression: Int) throws -> [UInt8] {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(layout.colorType)] ?? 3
        let stride = (width * channels * Int(layout.bitDepth) + 7) / 8
        try checkSize(width: width, height: height, samples: samples.count, expected: stride * height)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var text = [CChar](repeating: 0, count: Int(SFC_MESSAGE_CAPACITY))
        let status = samples.withUnsafeBufferPointer { input in
            layout.palette.withUnsafeBufferPointer { palette in
                sfc_png_encode(input.baseAddress, UInt32(width), UInt32(height), layout.colorType,
                               layout.bitDepth, layout.interlaced ? 1 : 0, palette.baseAddress,
                               Int32(layout.palette.count / 3), Int32(compression), &out, &size, &text)
            }
        }
        return try take(out, size: size, status: status, text: text, format: "PNG")
    }

    private static func checkSize(width: Int, height: Int, samples: Int, expected: Int) throws {
        guard width > 0, height > 0, width <= 65_535, height <= 65_535, samples == expected else {
            throw ImageIOError(path: "<image>", reason: .writeFailed,
                               message: "cannot encode a \(width)x\(height) image from \(samples) samples")
        }
    }

    private static func take(_ out: UnsafeMutablePointer<UInt8>?, size: Int, status: Int32, text: [CChar],
                             format: String) throws -> [UInt8] {
        guard status == 0, let out else {
            let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageIOError(path: "<image>", reason: .writeFailed, message: "\(format) encoding failed: \(message)")
        }
        defer { sfc_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
