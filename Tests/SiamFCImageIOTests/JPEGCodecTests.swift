import CImageShim
import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport

@Suite struct JPEGCodecTests {
    let decoder = ImageDecoder()

    @Test func rgbRoundTripIsClose() throws {
        let image = gradientImage(width: 64, height: 48)
        let bytes = try ImageEncoder.jpeg(image, quality: 95)
        #expect(ImageFormat.detect(bytes) == .jpeg)
        let decoded = try decoder.decode(bytes, path: "rgb.jpg")
        #expect(decoded.image.width == 64 && decoded.image.height == 48)
        #expect(decoded.source == "colour")
        #expect(meanAbsoluteDifference(decoded.image.pixels, image.pixels) < 2.0)
    }

    @Test func qualityChangesSize() throws {
        let image = gradientImage(width: 96, height: 96)
        let low = try ImageEncoder.jpeg(image, quality: 20)
        let high = try ImageEncoder.jpeg(image, quality: 98)
        #expect(low.count < high.count)
    }

    @Test func progressiveDecodes() throws {
        let image = gradientImage(width: 40, height: 30)
        let bytes = try ImageEncoder.jpeg(image, quality: 95, progressive: true)
        let decoded = try decoder.decode(bytes, path: "progressive.jpg")
        #expect(decoded.source == "colour, progressive")
        #expect(meanAbsoluteDifference(decoded.image.pixels, image.pixels) < 2.0)
    }

    @Test func grayscaleBecomesEqualChannels() throws {
        var gray: [UInt8] = []
        for i in 0..<(32 * 16) {
            let level: Int = (i * 7) % 256 / 2 + 60
            gray.append(UInt8(level))
        }
        let bytes = try ImageEncoder.encodeJPEG(gray, width: 32, height: 16, layout: SFC_JPEG_GRAY,
                                                quality: 100, progressive: false)
        let decoded = try decoder.decode(bytes, path: "gray.jpg")
        #expect(decoded.source == "grayscale")
        let px = decoded.image.pixels
        for i in stride(from: 0, to: px.count, by: 3) {
            #expect(px[i] == px[i + 1] && px[i + 1] == px[i + 2])
        }
        let lumas = stride(from: 0, to: px.count, by: 3).map { px[$0] }
        #expect(meanAbsoluteDifference(lumas, gray) < 3.0)
    }

    /// Adobe-style (inverted) CMYK, stored as CMYK or YCCK, decodes to the expected RGB.
    @Test(arguments: [SFC_JPEG_CMYK, SFC_JPEG_YCCK])
    func cmykDecodesToRGB(layout: sfc_jpeg_layout) throws {
        // Target colour (R, G, B) = (200, 100, 50) with K = 0 (full brightness):
        // C = 255 - R etc.; Adobe files store every channel inverted.
        let width = 16, height = 16
        var cmyk: [UInt8] = []
        for _ in 0..<(width * height) {
            let c = 255 - 200, m = 255 - 100, y = 255 - 50, k = 0
            cmyk += [UInt8(255 - c), UInt8(255 - m), UInt8(255 - y), UInt8(255 - k)]
        }
        let bytes = try ImageEncoder.encodeJPEG(cmyk, width: width, height: height, layout: layout,
                                                quality: 100, progressive: false)
        let decoded = try decoder.decode(bytes, path: "cmyk.jpg")
        #expect(decoded.source == "CMYK")
        let px = decoded.image.pixels
        let mean = (0..<3).map { c in
            Double(stride(from: c, to: px.count, by: 3).map { Int(px[$0]) }.reduce(0, +)) / Double(width * height)
        }
        #expect(abs(mean[0] - 200) < 3 && abs(mean[1] - 100) < 3 && abs(mean[2] - 50) < 3, "got \(mean)")
    }

    @Test func truncatedFileIsAnError() throws {
        let bytes = try ImageEncoder.jpeg(gradientImage(width: 64, height: 64), quality: 90)
        for cut in [bytes.count / 2, bytes.count - 10, 200] {
            let error = #expect(throws: ImageIOError.self) {
                try decoder.decode(Array(bytes.prefix(cut)), path: "cut.jpg")
            }
            #expect(error?.reason == .truncated)
            #expect(error?.description.hasPrefix("cut.jpg: ") == true)
        }
    }

    /// libjpeg's fatal errors are corrupt data, reported with its message after "corrupt JPEG: ".
    @Test func badMarkerIsCorruptWithLibjpegsMessage() throws {
        var bytes = try ImageEncoder.jpeg(gradientImage(width: 16, height: 16))
        let sof = try #require(bytes.indices.first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 4] = 12  // sample precision 12: not what an 8-bit libjpeg-turbo decodes
        let error = #expect(throws: ImageIOError.self) { try decoder.decode(bytes, path: "precision.jpg") }
        #expect(error?.reason == .corrupt)
        #expect(error?.description.hasPrefix("precision.jpg: corrupt JPEG: ") == true)
    }

    @Test func headerOnlyGarbageIsCorrupt() throws {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        bytes += (0..<300).map { UInt8(($0 * 131 + 7) % 256) }
        let error = #expect(throws: ImageIOError.self) { try decoder.decode(bytes, path: "garbage.jpg") }
        #expect(error?.reason == .corrupt || error?.reason == .truncated)
    }

    @Test func randomBytesAreNotAnImage() throws {
        var state: UInt64 = 12345
        let bytes = (0..<1000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let error = #expect(throws: ImageIOError.self) { try decoder.decode(bytes, path: "random.jpg") }
        #expect(error?.reason == .unknownFormat)
    }

    @Test func emptyInputIsAnError() {
        let error = #expect(throws: ImageIOError.self) { try decoder.decode([], path: "empty.jpg") }
        #expect(error?.reason == .emptyFile)
    }

    @Test func oversizedImageIsRejectedFromItsHeader() throws {
        let bytes = try ImageEncoder.jpeg(gradientImage(width: 100, height: 100))
        let small = ImageDecoder(maxPixels: 50 * 50)
        let error = #expect(throws: ImageIOError.self) { try small.decode(bytes, path: "big.jpg") }
        #expect(error?.reason == .tooLarge)
    }

    @Test func corruptScanDataIsAWarningNotACrash() throws {
        var bytes = try ImageEncoder.jpeg(gradientImage(width: 64, height: 64), quality: 90)
        // Overwrite part of the entropy-coded data in the middle of the scan with a marker.
        let middle = bytes.count * 2 / 3
        bytes[middle] = 0xFF
        bytes[middle + 1] = 0xD4
        let decoded = try decoder.decode(bytes, path: "damaged.jpg")
        #expect(decoded.warningCount > 0)
        #expect(decoded.lastWarning?.isEmpty == false)
    }
}
