import Testing
import SiamFCImageIO

/// Decompression bombs: a few hundred bytes whose header claims a huge image. The default limit
/// (16384 x 16384 pixels) refuses them from the header, before any pixel buffer is allocated.
@Suite struct DecoderLimitTests {
    /// A 20000 x 20000 JPEG: a real 8x8 JPEG whose start-of-frame marker is rewritten.
    @Test func hugeJPEGHeaderIsRefusedByTheDefaultLimit() throws {
        var bytes = try ImageEncoder.jpeg(RGBImage(width: 8, height: 8))
        let sof = try #require(bytes.indices.first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        // FF C0, length (2), precision (1), height (2), width (2).
        bytes[sof + 5] = 0x4E; bytes[sof + 6] = 0x20
        bytes[sof + 7] = 0x4E; bytes[sof + 8] = 0x20
        #expect(bytes.count < 1_000)
        let error = #expect(throws: ImageIOError.self) { try ImageDecoder().decode(bytes, path: "bomb.jpg") }
        #expect(error?.description == "bomb.jpg: image is 20000x20000 pixels, over the limit of 268435456 pixels")
    }

    /// A 20000 x 20000 PNG: an 8x8 PNG whose IHDR is rewritten (with its CRC fixed).
    @Test func hugePNGHeaderIsRefusedByTheDefaultLimit() throws {
        var bytes = try ImageEncoder.png(RGBImage(width: 8, height: 8))
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4).
        for offset in [16, 20] { bytes.replaceSubrange(offset..<(offset + 4), with: [0, 0, 0x4E, 0x20]) }
        let crc = Self.crc32(bytes[12..<29])
        bytes.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        let error = #expect(throws: ImageIOError.self) { try ImageDecoder().decode(bytes, path: "bomb.png") }
        #expect(error?.description == "bomb.png: image is 20000x20000 pixels, over the limit of 268435456 pixels")
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
