import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
@testable import SiamFCSynthetic
import SiamFCSupport

/// The committed `sequences/demo` must be what `siamfc make-demo` renders with its defaults.
@Suite struct DemoSequenceTests {
    let demo = SyntheticSequence()
    let path = SharedData.packageRoot + "/sequences/demo"

    @Test func groundTruthMatchesTheRenderer() throws {
        let sequence = try FrameSequence(path: path)
        #expect(sequence.frames.count == demo.configuration.frameCount)
        let text = String(decoding: try FileBytes.read(sequence.groundTruth?.path ?? ""), as: UTF8.self)
        let expected = (0..<demo.configuration.frameCount).map { demo.box($0).description + "\n" }.joined()
        #expect(text == expected)
    }

    @Test(arguments: [0, 40, 64, 86, 119])
    func framesMatchTheRenderer(index: Int) throws {
        let sequence = try FrameSequence(path: path)
        let committed = try ImageDecoder().decode(file: sequence.frames[index])
        let rendered = demo.frame(index).image
        #expect(committed.width == rendered.width && committed.height == rendered.height)
        // JPEG at quality 85 keeps the mean error small; a different scene would not.
        #expect(meanAbsoluteDifference(committed.pixels, rendered.pixels) < 3)
    }
}
