import ArgumentParser
import SiamFCImageIO
import SiamFCSynthetic

struct MakeDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-demo",
        abstract: "Render the synthetic demo sequence with its ground truth (OTB layout).",
        discussion: """
            A textured target moves, scales, turns and changes brightness over a textured \
            background, passes behind an occluder and meets a similar-looking distractor. \
            The output is the same for the same options and seed.
            """)

    @Option(help: "Output sequence folder.")
    var out = "sequences/demo"

    @Option(help: "Number of frames.")
    var frames = 120

    @Option(help: "Frame width in pixels.")
    var width = 320

    @Option(help: "Frame height in pixels.")
    var height = 240

    @Option(help: "Random seed.")
    var seed: UInt64 = 2026

    @Option(help: "JPEG quality, 1-100.")
    var quality = 85

    func validate() throws {
        guard frames >= 1 && frames <= 100_000 else { throw ValidationError("--frames must be in 1...100000") }
        guard width >= 64 && height >= 64 && width <= 8192 && height <= 8192 else {
            throw ValidationError("--width and --height must be in 64...8192")
        }
        guard quality >= 1 && quality <= 100 else { throw ValidationError("--quality must be in 1...100") }
    }

    func run() throws {
        let demo = SyntheticSequence(configuration: .init(width: width, height: height, frameCount: frames, seed: seed))
        try SequenceWriter.write(to: out, frameCount: frames, quality: quality) { demo.frame($0) }
        print("wrote \(frames) frames (\(width)x\(height), seed \(seed)) and groundtruth_rect.txt to \(out)")
    }
}
