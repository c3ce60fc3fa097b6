import Foundation
import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

@Suite struct ImageUtilityTests {
    @Test func chwConversionIsPlanar() throws {
        var image = RGBImage(width: 3, height: 2)
        for y in 0..<2 {
            for x in 0..<3 { image[x, y] = (UInt8(10 * x + y), UInt8(100 + x), UInt8(200 + y)) }
        }
        let chw = image.chwFloat32()
        #expect(chw.count == 18)
        #expect(Array(chw[0..<6]) == [0, 10, 20, 1, 11, 21])
        #expect(Array(chw[6..<12]) == [100, 101, 102, 100, 101, 102])
        #expect(Array(chw[12..<18]) == [200, 200, 200, 201, 201, 201])
    }

    @Test func formatComesFromMagicBytesNotExtension() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let png = try ImageEncoder.png(gradientImage(width: 5, height: 4))
        try writeFile(dir + "/actually-png.jpg", png)
        let decoded = try ImageDecoder().decodeDetailed(file: dir + "/actually-png.jpg")
        #expect(decoded.format == .png)
        #expect(decoded.image == gradientImage(width: 5, height: 4))
    }

    @Test func writerPicksFormatFromExtension() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let image = gradientImage(width: 20, height: 10)
        try ImageEncoder.write(image, to: dir + "/a.png")
        try ImageEncoder.write(image, to: dir + "/b.jpeg", quality: 95)
        #expect(try ImageDecoder().decodeDetailed(file: dir + "/a.png").format == .png)
        #expect(try ImageDecoder().decode(file: dir + "/a.png") == image)
        #expect(try ImageDecoder().decodeDetailed(file: dir + "/b.jpeg").format == .jpeg)
        #expect(throws: ImageIOError.self) { try ImageEncoder.write(image, to: dir + "/c.bmp") }
    }
}

@Suite struct FrameReaderTests {
    @Test func readsEveryFrameInOrderAndReportsBadOnes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var files: [String] = []
        for i in 0..<5 {
            let path = dir + "/\(i).png"
            try ImageEncoder.write(gradientImage(width: 4 + i, height: 3), to: path)
            files.append(path)
        }
        try writeFile(dir + "/3.png", [1, 2, 3])  // corrupt the fourth
        let reader = FrameReader(files: files)
        for i in 0..<3 {
            let frame = try #require(try reader.next())
            #expect(frame.name == files[i] && frame.index == i && frame.image.width == 4 + i)
        }
        // The bad file is one unreadable frame, and reading goes on past it.
        let error = #expect(throws: UnreadableFrame.self) { try reader.next() }
        #expect(error?.name == files[3] && error?.index == 3 && error?.time == nil)
        #expect(error?.description == files[3] + ": not a JPEG or PNG file (unrecognised signature 01 02 03)")
        #expect(try reader.next()?.image.width == 8)
        #expect(try reader.next() == nil)
    }

    @Test func startsPartWayWithTheFilesOwnNumbers() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let files = try (0..<4).map { i -> String in
            let path = dir + "/\(i).png"
            try ImageEncoder.write(gradientImage(width: 4 + i, height: 3), to: path)
            return path
        }
        let reader = FrameReader(files: Array(files[2...]), firstIndex: 2, readAhead: false)
        #expect(try reader.next()?.index == 2)
        #expect(try reader.next()?.index == 3)
        #expect(try reader.next() == nil)
    }
}
