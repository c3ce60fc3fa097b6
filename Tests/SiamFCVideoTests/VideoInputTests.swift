import Foundation
import Testing
import SiamFCImageIO
import SiamFCSupport
import SiamFCTestSupport
@testable import SiamFCVideo

/// Bad and unusual input: each a one-line error naming the file, or a frame skipped with its reason.
@Suite struct VideoInputTests {
    /// An MJPEG video whose frame `damaged` (0-based) is zeros: no JPEG left in its packet.
    static func videoWithCorruptFrame(_ path: String, count: Int, damaged: Int) throws {
        try writeVideo(path, count: count, codec: .mjpeg)
        var bytes = try FileBytes.read(path)
        var starts: [Int] = []
        for i in 0..<(bytes.count - 2) where bytes[i] == 0xFF && bytes[i + 1] == 0xD8 && bytes[i + 2] == 0xFF { starts.append(i) }
        #expect(starts.count == count)
        // Up to the container's header of the next packet.
        for i in starts[damaged]..<(starts[damaged + 1] - 16) { bytes[i] = 0 }
        try writeFile(path, bytes)
    }

    @Test func aCorruptPacketIsOneUnreadableFrameAndReadingGoesOn() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try Self.videoWithCorruptFrame(dir + "/bad.avi", count: 8, damaged: 3)
        let read = try readAll(try VideoFrameReader(path: dir + "/bad.avi"))
        #expect(read.count == 8)
        for (i, item) in read.enumerated() {
            switch item {
            case .success(let frame): #expect(i != 3 && frame.index == i)
            case .failure(let error):
                #expect(i == 3 && error.index == 3 && error.time.map { ($0 * 1000).rounded() } == 120)
                #expect(error.description.hasPrefix(dir + "/bad.avi frame 4 (0.120 s): corrupt packet"), "\(error)")
            }
        }
        let report = try VideoInspection.inspect(path: dir + "/bad.avi")
        #expect(report.decodedFrames == 7 && report.unreadableFrames == 1 && report.problemCount == 1)
        #expect(report.problems.first?.contains("frame 4 (0.120 s): corrupt packet") == true, "\(report.problems)")
    }

    @Test func filesThatAreNotVideosAreOneLineErrors() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var g = SplitMix64(seed: 3)
        try writeFile(dir + "/garbage.mp4", (0..<50_000).map { _ in UInt8(truncatingIfNeeded: g.next()) })
        try writeFile(dir + "/empty.mp4", [])
        try writeVideo(dir + "/whole.mp4", count: 10)
        let whole = try FileBytes.read(dir + "/whole.mp4")
        try writeFile(dir + "/cut.mp4", Array(whole.prefix(whole.count / 2)))
        try writeFile(dir + "/notes.txt", "not a video\n")
        for name in ["garbage.mp4", "empty.mp4", "cut.mp4", "notes.txt", "missing.mp4"] {
            let error = #expect(throws: ImageIOError.self) { try VideoFrameReader(path: dir + "/" + name) }
            let text = error?.description ?? ""
            #expect(text.hasPrefix(dir + "/" + name + ": ") && !text.contains("\n"), "\(text)")
            #expect(name == "missing.mp4" ? error?.reason == .notFound : error?.reason == .unknownFormat, "\(text)")
        }
        #expect(throws: ImageIOError.self) { try VideoDecoder(path: dir) }
        // A file FFmpeg reads, with no video in it: subtitles.
        try writeFile(dir + "/captions.srt", "1\n00:00:00,000 --> 00:00:01,000\nhello\n\n2\n00:00:01,000 --> 00:00:02,000\nagain\n\n")
        let subtitles = #expect(throws: ImageIOError.self) { try VideoDecoder(path: dir + "/captions.srt") }
        #expect(subtitles?.description == dir + "/captions.srt: no video stream (1 stream of other kinds)")
    }

    @Test func framesOverThePixelLimitAreRefusedFromTheHeader() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeVideo(dir + "/clip.mp4", count: 3, width: 64, height: 48)
        let error = #expect(throws: ImageIOError.self) { try VideoDecoder(path: dir + "/clip.mp4", maxPixels: 64 * 47) }
        #expect(error?.reason == .tooLarge && error?.message.contains("64x48") == true)
        #expect(try VideoDecoder(path: dir + "/clip.mp4", maxPixels: 64 * 48).info.width == 64)
    }

    @Test func videosInMemoryDecodeAsFilesDo() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let frames = try writeVideo(dir + "/clip.mkv", count: 4, codec: .ffv1)
        let decoder = try VideoDecoder(bytes: try FileBytes.read(dir + "/clip.mkv"), label: "memory")
        var images: [RGBImage] = []
        while case .frame = try decoder.next() { images.append(try decoder.image()) }
        #expect(images == frames)
        #expect(throws: ImageIOError.self) { try VideoDecoder(bytes: [1, 2, 3], label: "memory") }
    }

    @Test func sequencesOfEitherKind() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try FileSystem.createDirectories(dir + "/walk")
        try writeVideo(dir + "/walk/walk.mp4", count: 5)
        try writeFile(dir + "/walk/groundtruth_rect.txt", "1,2,3,4\n")
        let folder = try MediaSequence(path: dir + "/walk")
        #expect(folder.media == .video(dir + "/walk/walk.mp4") && folder.name == "walk" && folder.groundTruth?.lineCount == 1)
        #expect(folder.frameCount == nil && folder.isVideo)
        let file = try MediaSequence(path: dir + "/walk/walk.mp4")
        #expect(file.name == "walk" && file.groundTruth == nil)
        #expect(try FrameSequence.discover([dir]) == [dir + "/walk"])
        try writeVideo(dir + "/walk/second.mkv", count: 2, codec: .ffv1)
        let two = #expect(throws: ImageIOError.self) { try MediaSequence(path: dir + "/walk") }
        #expect(two?.message.contains("2 video files") == true)
        try FileSystem.createDirectories(dir + "/empty")
        #expect(throws: ImageIOError.self) { try MediaSequence(path: dir + "/empty") }
    }
}
