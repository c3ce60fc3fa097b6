import SiamFCSupport
/// A decoded image with what the file held before conversion to RGB.
public struct DecodedImage: Sendable {
    public let image: RGBImage
    public let format: ImageFormat
    /// The stored layout, e.g. `grayscale`, `CMYK, progressive`, `palette, 8-bit, interlaced`.
    public let source: String
    /// Recoverable problems the codec reported (for example extraneous bytes in a JPEG).
    public let warningCount: Int
    public let lastWarning: String?
}

/// Reads JPEG and PNG files into ``RGBImage``, choosing the codec by the file's magic bytes.
public struct ImageDecoder: Sendable {
    /// Images with more pixels than this are rejected from their header, before allocation.
    public var maxPixels: Int

    public init(maxPixels: Int = 16_384 * 16_384) {
        self.maxPixels = maxPixels
    }

    /// Decodes the file at `path`; errors name the path and the problem.
    public func decode(file path: String) throws -> RGBImage {
        try decodeDetailed(file: path).image
    }

    public func decodeDetailed(file path: String) throws -> DecodedImage {
        let bytes = try ImageIOError.translatingFileErrors { try FileBytes.read(path) }
        return try decode(bytes, path: path)
    }

    /// Decodes bytes already in memory; `path` only labels errors.
    public func decode(_ bytes: [UInt8], path: String) throws -> DecodedImage {
        if bytes.isEmpty {
            throw ImageIOError(path: path, reason: .emptyFile, message: "empty file (0 bytes)")
        }
        switch ImageFormat.detect(bytes) {
        case .jpeg: return try JPEGDecoder.decode(bytes, path: path, maxPixels: maxPixels)
        case .png: return try PNGDecoder.decode(bytes, path: path, maxPixels: maxPixels)
        case nil:
            throw ImageIOError(
                path: path, reason: .unknownFormat,
                message: "not a JPEG or PNG file (unrecognised signature \(hexPrefix(bytes)))")
        }
    }

    private func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(4).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }
}
