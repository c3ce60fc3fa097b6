import CImageShim

/// Decodes PNG (gray, gray+alpha, RGB, RGBA, palette; 1 to 16 bits; interlaced or not) to 8-bit
/// RGB through libpng. Gray is replicated to three channels, 16-bit samples are scaled with
/// rounding, and alpha is dropped (the stored colours are kept), as OpenCV's `IMREAD_COLOR` does.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> DecodedImage {
        var info = sfc_png_info()
        let result: Result<DecodedImage, ImageIOError> = bytes.withUnsafeBufferPointer { input in
            guard let decoder = sfc_png_open(input.baseAddress, input.count, UInt64(maxPixels), &info) else {
                return .failure(ImageIOError(decoding: path, format: "PNG", kind: info.error, message: message(&info)))
            }
            defer { sfc_png_close(decoder) }
            let width = Int(info.width), height = Int(info.height)
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
                status = sfc_png_read_rgb(decoder, buffer.baseAddress, &info)
                if status != 0 { buffer.initialize(repeating: 0) }
                count = buffer.count
            }
            if status != 0 {
                return .failure(ImageIOError(decoding: path, format: "PNG", kind: info.error, message: message(&info)))
            }
            return .success(DecodedImage(
                image: RGBImage(uncheckedWidth: width, height: height, pixels: pixels),
                format: .png,
                source: describe(info),
                warningCount: Int(info.warnings),
                lastWarning: info.warnings > 0 ? message(&info) : nil))
        }
        return try result.get()
    }

    private static func describe(_ info: sfc_png_info) -> String {
        let kind = switch info.color_type {
        case 0: "grayscale"
        case 2: "RGB"
        case 3: "palette"
        case 4: "grayscale+alpha"
        case 6: "RGBA"
        default: "type \(info.color_type)"
        }
        return "\(kind), \(info.bit_depth)-bit" + (info.interlaced != 0 ? ", interlaced" : "")
    }
}
