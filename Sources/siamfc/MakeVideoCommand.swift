import ArgumentParser
import SiamFCImageIO
import SiamFCSupport
import SiamFCVideo

struct MakeVideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-video",
        abstract: "Encode a folder of frames as a video file (for tests, demos and comparing with the folder).",
        discussion: """
            The container comes from --out's extension (.mp4, .mkv, .mov, .avi, ...). Codecs: auto \\
            (H.264 by libx264 where the container takes it, else MPEG-4 Part 2), h264, mpeg4, mjpeg, \\
            ffv1 (lossless RGB; .mkv or .avi). --quality 1...100 maps to the codec's scale (H.264: \\
            CRF = (100 - quality) * 51 / 99, so 80 is CRF 10). --rotation stores display rotation \\
            metadata, as phones do; frames are stored as given. The file is written atomically.
            """)

    @Argument(help: "A folder of frames, or a sequence folder with an img/ subfolder.")
    var frames: String

    @Option(help: "The video file to write.")
    var out: String

    @Option(help: "Frames per second.")
    var fps: Double = 30

    @Option(help: "auto, h264, mpeg4, mjpeg or ffv1.")
    var codec: VideoCodec = .automatic

    @Option(help: "1 (smallest) to 100 (best).")
    var quality = 80

    @Option(help: "Display rotation to store, clockwise: 0, 90, 180 or 270.")
    var rotation = 0

    func validate() throws {
        guard fps > 0, fps <= 1000 else { throw ValidationError("--fps must be in 0...1000") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1 to 100") }
        guard [0, 90, 180, 270].contains(rotation) else { throw ValidationError("--rotation must be 0, 90, 180 or 270") }
    }

    func run() throws {
        let files = try FrameSequence.listFrames(frames).frames
        let reader = FrameReader(files: files)
        var writer: VideoWriter?
        while let frame = try reader.next() {
            if writer == nil {
                writer = try VideoWriter(path: out, width: frame.image.width, height: frame.image.height, framesPerSecond: fps,
                                         codec: codec, quality: quality, rotation: rotation)
            }
            try writer?.add(frame.image)
        }
        guard let writer else { return }
        try writer.finish()
        print("\(out): \(writer.framesWritten) frames, \(writer.width)x\(writer.height), \(writer.encoder) in \(writer.container)")
    }
}

extension VideoCodec: ExpressibleByArgument {}
