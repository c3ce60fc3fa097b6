import Foundation
import Testing
import SiamFCImageIO
import SiamFCSupport
@testable import SiamFCSynthetic
import SiamFCTestSupport

@Suite struct SequenceWriterTests {
    @Test func sequenceWriterWritesAnOTBSequenceAtomically() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let out = dir + "/seq"
        try SequenceWriter.write(to: out, frameCount: 12, quality: 90) { i in
            (testImage(width: 16 + i, height: 16), BoundingBox(x: Double(i + 1), y: 2, width: 3, height: 4.5))
        }
        let sequence = try FrameSequence(path: out)
        #expect(sequence.frames.map { PathName.lastComponent($0) }.prefix(2) == ["0001.jpg", "0002.jpg"])
        #expect(sequence.frames.count == 12)
        #expect(sequence.groundTruth?.box(at: 11) == BoundingBox(x: 12, y: 2, width: 3, height: 4.5))
        #expect(try ImageDecoder().decode(file: sequence.frames[11]).width == 27)
        // Rewriting replaces the folder; no staging folders remain.
        try SequenceWriter.write(to: out, frameCount: 3) { _ in
            (testImage(width: 8, height: 8), BoundingBox(x: 1, y: 1, width: 2, height: 2))
        }
        #expect(try FrameSequence(path: out).frames.count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["seq"])
    }

    private func testImage(width: Int, height: Int) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width { image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), 90) }
        }
        return image
    }
}
