import Testing
@testable import SiamFCImageIO

@Suite struct PNGCodecTests {
    let decoder = ImageDecoder()
    let width = 13, height = 7  // odd sizes exercise packing and interlace passes

    @Test func rgbRoundTripIsExact() throws {
        let image = gradientImage(width: width, height: height)
        let bytes = try ImageEncoder.png(image)
        #expect(ImageFormat.detect(bytes) == .png)
        let decoded = try decoder.decode(bytes, path: "rgb.png")
        #expect(decoded.image == image)
        #expect(decoded.source == "RGB, 8-bit")
    }

    /// Every colour type and bit depth decodes to the RGB values it stands for.
    @Test(arguments: [false, true])
    func everyLayoutDecodesExactly(interlaced: Bool) throws {
        let n = width * height
        let expectedGray = (0..<n).map { UInt8(($0 * 37) % 256) }
        let gray3: [UInt8] = expectedGray.flatMap { v -> [UInt8] in [v, v, v] }
        let rgb = gradientImage(width: width, height: height).pixels

        // 8-bit gray
        try check(expectedGray, layout: .init(colorType: 0, bitDepth: 8, interlaced: interlaced), expect: gray3)
        // 16-bit gray: value v stored as v*257 scales back to v
        let gray16: [UInt8] = expectedGray.flatMap { v -> [UInt8] in [v, v] }
        try check(gray16, layout: .init(colorType: 0, bitDepth: 16, interlaced: interlaced), expect: gray3)
        // 1, 2, 4-bit gray: levels expand to the full 0...255 range
        for depth in [1, 2, 4] {
            let levels = (0..<n).map { $0 % (1 << depth) }
            let packed = pack(levels, width: width, height: height, depth: depth)
            let scale = 255 / ((1 << depth) - 1)
            let expect: [UInt8] = levels.flatMap { l -> [UInt8] in
                let v = UInt8(l * scale)
                return [v, v, v]
            }
            try check(packed, layout: .init(colorType: 0, bitDepth: Int32(depth), interlaced: interlaced), expect: expect)
        }
        // gray + alpha: alpha dropped
        let grayAlpha: [UInt8] = expectedGray.enumerated().flatMap { i, v -> [UInt8] in [v, UInt8(i % 256)] }
        try check(grayAlpha, layout: .init(colorType: 4, bitDepth: 8, interlaced: interlaced), expect: gray3)
        let grayAlpha16: [UInt8] = expectedGray.flatMap { v -> [UInt8] in [v, v, 0, 0] }
        try check(grayAlpha16, layout: .init(colorType: 4, bitDepth: 16, interlaced: interlaced), expect: gray3)
        // RGB 16-bit
        let rgb16: [UInt8] = rgb.flatMap { v -> [UInt8] in [v, v] }
        try check(rgb16, layout: .init(colorType: 2, bitDepth: 16, interlaced: interlaced), expect: rgb)
        // RGBA 8 and 16-bit: stored colours kept, alpha dropped (even fully transparent pixels)
        var rgba: [UInt8] = []
        var rgba16: [UInt8] = []
        for i in 0..<n {
            let a: UInt8 = i % 3 == 0 ? 0 : 128
            let r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2]
            rgba += [r, g, b, a]
            rgba16 += [r, r, g, g, b, b, a, a]
        }
        try check(rgba, layout: .init(colorType: 6, bitDepth: 8, interlaced: interlaced), expect: rgb)
        try check(rgba16, layout: .init(colorType: 6, bitDepth: 16, interlaced: interlaced), expect: rgb)
        // Palette at 2, 4 and 8 bits
        for depth in [2, 4, 8] {
            let entries = 1 << depth
            let palette: [UInt8] = (0..<entries).flatMap { e -> [UInt8] in
                [UInt8(e * 255 / (entries - 1)), UInt8(255 - e), UInt8((e * 40) % 256)]
            }
            let indices = (0..<n).map { ($0 * 5) % entries }
            let packed = pack(indices, width: width, height: height, depth: depth)
            let expect = indices.flatMap { Array(palette[(3 * $0)..<(3 * $0 + 3)]) }
            try check(packed, layout: .init(colorType: 3, bitDepth: Int32(depth), interlaced: interlaced, palette: palette),
                      expect: expect)
        }
    }

    private func check(_ samples: [UInt8], layout: ImageEncoder.PNGLayout, expect: [UInt8],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try ImageEncoder.encodePNG(samples, width: width, height: height, layout: layout, compression: 6)
        let decoded = try decoder.decode(bytes, path: "layout.png")
        #expect(decoded.image.width == width && decoded.image.height == height, sourceLocation: sourceLocation)
        #expect(decoded.image.pixels == expect,
                "colour type \(layout.colorType), \(layout.bitDepth)-bit, interlaced \(layout.interlaced)",
                sourceLocation: sourceLocation)
        #expect(decoded.source.hasSuffix("interlaced") == layout.interlaced, sourceLocation: sourceLocation)
    }

    /// Packs sub-byte samples MSB first, each row starting on a byte boundary, as PNG stores them.
    private func pack(_ values: [Int], width: Int, height: Int, depth: Int) -> [UInt8] {
        var out: [UInt8] = []
        let perByte = 8 / depth
        for y in 0..<height {
            var x = 0
            while x < width {
                var byte = 0
                for k in 0..<perByte {
                    let v = x + k < width ? values[y * width + x + k] : 0
                    byte |= v << (8 - depth * (k + 1))
                }
                out.append(UInt8(byte))
                x += perByte
            }
        }
        return out
    }

    @Test func badCRCIsAnError() throws {
        var bytes = try ImageEncoder.png(gradientImage(width: width, height: height))
        // The IHDR chunk's CRC sits at bytes 29...32 (8 signature + 4 length + 4 type + 13 data).
        bytes[30] ^= 0xFF
        let error = #expect(throws: ImageIOError.self) { try decoder.decode(bytes, path: "crc.png") }
        #expect(error?.reason == .corrupt)
        #expect(error?.description.contains("crc.png: ") == true)
        #expect(error?.description.contains("CRC") == true)
    }

    @Test func truncatedFileIsAnError() throws {
        let bytes = try ImageEncoder.png(gradientImage(width: 64, height: 64), compression: 0)
        for cut in [20, 60, bytes.count / 2, bytes.count - 20] {
            let error = #expect(throws: ImageIOError.self) {
                try decoder.decode(Array(bytes.prefix(cut)), path: "cut.png")
            }
            #expect(error?.reason == .truncated || error?.reason == .corrupt, "cut at \(cut): \(String(describing: error))")
        }
    }

    /// Image data that stops before the image does inside an otherwise well-formed file: the
    /// IDAT chunks end (IEND follows the first of several), or the zlib stream ends (IHDR
    /// claims more rows than it holds). libpng says "Not enough image data" for both.
    @Test func imageDataEndingEarlyIsTruncated() throws {
        let bytes = try ImageEncoder.png(gradientImage(width: 64, height: 64), compression: 0)
        let chunks = Self.chunks(bytes)
        let idats = chunks.filter { $0.type == "IDAT" }
        let iend = try #require(chunks.last)
        try #require(idats.count > 1 && iend.type == "IEND")
        let fewerChunks = Array(bytes[..<idats[0].range.upperBound] + bytes[iend.range])

        var taller = try ImageEncoder.png(gradientImage(width: 8, height: 4))
        taller.replaceSubrange(20..<24, with: [0, 0, 0, 8])  // IHDR height 4 -> 8
        let crc = DecoderLimitTests.crc32(taller[12..<29])
        taller.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])

        for file in [fewerChunks, taller] {
            let error = #expect(throws: ImageIOError.self) { try decoder.decode(file, path: "short.png") }
            #expect(error?.reason == .truncated)
            #expect(error?.description == "short.png: Not enough image data")
        }
    }

    /// The chunks of a PNG file: type and byte range (length, type, data and CRC).
    private static func chunks(_ bytes: [UInt8]) -> [(type: String, range: Range<Int>)] {
        var found: [(type: String, range: Range<Int>)] = []
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let end = offset + 12 + length
            guard end <= bytes.count else { break }
            found.append((type, offset..<end))
            offset = end
        }
        return found
    }

    @Test func oversizedImageIsRejectedFromItsHeader() throws {
        let bytes = try ImageEncoder.png(gradientImage(width: 100, height: 100))
        let error = #expect(throws: ImageIOError.self) {
            try ImageDecoder(maxPixels: 99 * 100).decode(bytes, path: "big.png")
        }
        #expect(error?.reason == .tooLarge)
    }
}
