import CImageShim

/// Decodes JPEG (baseline or progressive; gray, YCbCr, RGB, CMYK or YCCK) to 8-bit RGB through
/// libjpeg-turbo. Corrupt data that libjpeg can recover from counts as a warning; a file that
/// ends early is an error, because libjpeg would otherwise pad the image with gray silently.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> DecodedImage {
        var info = sfc_jpeg_info()
        let result: Result<DecodedImage, ImageIOError> = bytes.withUnsafeBufferPointer { input in
            guard let decoder = sfc_jpeg_open(input.baseAddress, input.count, UInt64(maxPixels), &info) else {
                return .failure(ImageIOError(decoding: path, format: "JPEG", kind: info.error, message: message(&info)))
            }
            defer { sfc_jpeg_close(decoder) }
            let width = Int(info.width), height = Int(info.height)
            var status: Int32 = 0
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
                status = sfc_jpeg_read_rgb(decoder, buffer.baseAddress, &info)
                // Zero-fill on failure so the (discarded) array never holds uninitialized bytes.
                if status != 0 { buffer.initialize(repeating: 0) }
                count = buffer.count
            }
            if status != 0 {
                return .failure(ImageIOError(decoding: path, format: "JPEG", kind: info.error, message: message(&info)))
            }
            let source = switch info.components {
            case 1: "grayscale"
            case 4: "CMYK"
            default: "colour"
            }
            return .success(DecodedImage(
                image: RGBImage(uncheckedWidth: width, height: height, pixels: pixels),
                format: .jpeg,
                source: source + (info.progressive != 0 ? ", progressive" : ""),
                warningCount: Int(info.warnings),
                lastWarning: info.warnings > 0 ? message(&info) : nil))
        }
        return try result.get()
    }
}

/// Reads a fixed-size C `char[]` message.
func message<T>(_ info: inout T) -> String where T: ShimMessage { info.messageText }

protocol ShimMessage {
    var messageText: String { get }
}

extension sfc_jpeg_info: ShimMessage {
    var messageText: String { withUnsafeBytes(of: message) { cString($0) } }
}

extension sfc_png_info: ShimMessage {
    var messageText: String { withUnsafeBytes(of: message) { cString($0) } }
}

private func cString(_ raw: UnsafeRawBufferPointer) -> String {
    let bytes = raw.prefix { $0 != 0 }
    return String(decoding: bytes, as: UTF8.self)
}
