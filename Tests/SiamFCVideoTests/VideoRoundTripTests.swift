import Foundation
import Testing
import SiamFCImageIO
import SiamFCSupport
import SiamFCTestSupport
@testable import SiamFCVideo

@Suite struct VideoRoundTripTests {
    @Test func ffv1IsLosslessAndFramesComeBackInOrderWithTimes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let frames = try writeVideo(dir + "/clip.mkv", count: 12, width: 33, height: 21, codec: .ffv1)
        let reader = try VideoFrameReader(path: dir + "/clip.mkv")
        #expect(reader.info.width == 33 && reader.info.height == 21 && reader.info.rotation == 0)
        #expect(reader.info.framesPerSecond == 25)
        let read = try readAll(reader).map { try $0.get() }
        #expect(read.count == 12)
        #expect(read.map(\.image) == frames)
        #expect(read.map(\.index) == Array(0..<12))
        #expect(read.map { $0.time.map { ($0 * 1000).rounded() } } == (0..<12).map { Double($0 * 40) })
        #expect(read.allSatisfy { $0.name == dir + "/clip.mkv" && $0.warning == nil })
        #expect(try reader.next() == nil && (try reader.next()) == nil)
    }

    @Test(arguments: [VideoCodec.automatic, .h264, .mpeg4, .mjpeg])
    func lossyCodecsStayClose(codec: VideoCodec) throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let name = codec == .mjpeg ? "clip.avi" : "clip.mp4"
        // An odd size: padded for the encoder, cropped back by nothing (the padding is outside).
        let frames = try writeVideo(dir + "/" + name, count: 8, width: 65, height: 49, codec: codec)
        let read = try readAll(try VideoFrameReader(path: dir + "/" + name, readAhead: false)).map { try $0.get() }
        #expect(read.count == 8)
        for (a, b) in zip(read, frames) {
            #expect(a.image.width == 66 || a.image.width == 65)
            let cropped = crop(a.image, width: 65, height: 49)
            #expect(meanAbsoluteDifference(cropped.pixels, b.pixels) < 6, "\(codec) frame \(a.index)")
        }
    }

    @Test(arguments: [90, 180, 270])
    func displayRotationIsApplied(rotation: Int) throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let frames = try writeVideo(dir + "/phone.mp4", count: 3, width: 40, height: 24, codec: .h264, rotation: rotation)
        let reader = try VideoFrameReader(path: dir + "/phone.mp4")
        #expect(reader.info.rotation == rotation)
        #expect(reader.info.codedWidth == 40 && reader.info.codedHeight == 24)
        let turned = rotation == 180 ? (40, 24) : (24, 40)
        #expect(reader.info.width == turned.0 && reader.info.height == turned.1)
        let read = try readAll(reader).map { try $0.get() }
        #expect(read.count == 3)
        let expected = rotate(frames[1], clockwise: rotation)
        #expect(read[1].image.width == expected.width && read[1].image.height == expected.height)
        #expect(meanAbsoluteDifference(read[1].image.pixels, expected.pixels) < 6)
    }

    @Test func startsAtAFrameOrATime() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let frames = try writeVideo(dir + "/clip.mkv", count: 10, codec: .ffv1)
        let byFrame = try readAll(try VideoFrameReader(path: dir + "/clip.mkv", start: .frame(4))).map { try $0.get() }
        #expect(byFrame.map(\.index) == [4, 5, 6, 7, 8, 9] && byFrame[0].image == frames[4])
        let byTime = try readAll(try VideoFrameReader(path: dir + "/clip.mkv", start: .time(0.2))).map { try $0.get() }
        #expect(byTime.map(\.index) == [5, 6, 7, 8, 9])
        #expect(try readAll(try VideoFrameReader(path: dir + "/clip.mkv", start: .frame(10))).isEmpty)
    }

    @Test func aReaderDroppedMidwayStopsItsThread() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeVideo(dir + "/clip.mkv", count: 20, codec: .ffv1)
        for _ in 0..<20 {
            let reader = try VideoFrameReader(path: dir + "/clip.mkv")
            _ = try reader.next()
        }
    }

    @Test func writerIsAtomicAndRefusesBadInput() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        do {
            let writer = try VideoWriter(path: dir + "/unfinished.mp4", width: 32, height: 32)
            try writer.add(patternFrame(0, width: 32, height: 32))
            #expect(throws: ImageIOError.self) { try writer.add(patternFrame(0, width: 16, height: 32)) }
        }
        // Dropped without finish(): nothing is left, not even the temporary file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        #expect(throws: ImageIOError.self) { try VideoWriter(path: dir + "/x.unknownext", width: 32, height: 32) }
        #expect(throws: ImageIOError.self) { try VideoWriter(path: dir + "/x.mp4", width: 32, height: 32, codec: .ffv1) }
        #expect(throws: ImageIOError.self) { try VideoWriter(path: dir + "/x.mp4", width: 0, height: 32) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let writer = try VideoWriter(path: dir + "/partial.mkv", width: 16, height: 16, codec: .ffv1)
        try writer.add(patternFrame(0, width: 16, height: 16))
        try writer.finish(as: dir + "/partial.mkv.partial")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["partial.mkv.partial"])
    }

    @Test func frameRatesAreStoredAsRatios() {
        #expect(VideoWriter.ratio(30) == (30, 1))
        #expect(VideoWriter.ratio(30000.0 / 1001) == (30000, 1001))
        #expect(VideoWriter.ratio(23.976) == (24000, 1001))
        #expect(VideoWriter.ratio(12.5) == (25, 2))
    }
}

func crop(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    var out = RGBImage(width: width, height: height)
    for y in 0..<height { for x in 0..<width { out[x, y] = image[x, y] } }
    return out
}

/// `image` turned clockwise by 90, 180 or 270 degrees.
func rotate(_ image: RGBImage, clockwise: Int) -> RGBImage {
    let (w, h) = (image.width, image.height)
    var out = RGBImage(width: clockwise == 180 ? w : h, height: clockwise == 180 ? h : w)
    for y in 0..<h {
        for x in 0..<w {
            switch clockwise {
            case 90: out[h - 1 - y, x] = image[x, y]
            case 270: out[y, w - 1 - x] = image[x, y]
            default: out[w - 1 - x, h - 1 - y] = image[x, y]
            }
        }
    }
    return out
}
