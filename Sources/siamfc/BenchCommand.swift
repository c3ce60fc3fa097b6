import ArgumentParser
import Foundation
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Tracking speed end to end and per stage, for one model or several side by side.",
        discussion: """
            Tracks the sequence from its first ground-truth box (or --box) and times every frame: \
            decoding, each stage of the model's update (SiamFC: crop+resize, backbone, \
            cross-correlation, upsample+peak; NanoTrack: crop+resize, backbone, head, \
            post-processing) and the whole frame; \
            it prints the median and 90th percentile of each, frames/s end to end, the thread count, \
            the backbone's FLOPs per frame and the GFLOP/s it achieves (at its median time). \
            Frames are decoded one after another on the tracking thread (no read-ahead), so each \
            decode is timed. The first --warmup updates are not measured. A folder shorter than \
            the frames asked for is played back and forth (1, 2, ..., n, n-1, ..., 1, 2, ...) so \
            the target keeps moving smoothly; a video is played forward and must hold them. Each \
            --model is run in turn, one column each.
            """)

    @OptionGroup var input: FrameOptions

    @Option(help: "Tracking model (.safetensors, a NanoTrack backbone .onnx with --head, or a bundled model's name: light-default, siamfc-default); repeat it to compare models. Default: the bundled light model.")
    var model: [String] = []

    @Option(help: "NanoTrack head (.onnx), one per ONNX --model, in the same order.")
    var head: [String] = []

    @Option(help: "Frames measured after the warm-up (default: the rest of the sequence, at least 1).")
    var frames: Int?

    @Option(help: "Updates run before measuring.")
    var warmup = 5

    @Option(help: "SiamFC: 3 or 5 search scales (default 3).")
    var scales: Int?

    @OptionGroup var nanoTrack: NanoTrackOptions

    @Flag(help: "Print a JSON object instead of the table.")
    var json = false

    func validate() throws {
        try ModelLoader.validate(scales: scales)
        if let frames, frames < 1 || frames > 10_000_000 { throw ValidationError("--frames must be 1 to 10000000") }
        guard warmup >= 0, warmup <= 10_000_000 else { throw ValidationError("--warmup must be 0 to 10000000") }
    }

    func run() throws {
        let models = try ModelLoader.loadAll(model, heads: head, scales: scales, nanoTrack: nanoTrack)
        let sequence = try MediaSequence(path: input.frames)
        let initial = try input.initialBox()
        let benchmark: SpeedBenchmark
        let size: (width: Int, height: Int)
        let count: Int
        switch sequence.media {
        case .images(let files):
            count = files.count
            let first = try ImageDecoder().decode(file: files[0])
            size = (first.width, first.height)
            benchmark = SpeedBenchmark(files: files, initialBox: initial, warmup: warmup, measured: frames ?? max(1, count - 1 - warmup))
        case .video(let file):
            count = try VideoDecoder.countFrames(path: file)
            let available = count - 1 - warmup
            guard available >= 1 else { throw CLIError("\(file): \(count) frames: too few for --warmup \(warmup) and 1 measured frame") }
            if let frames, frames > available {
                throw CLIError("\(file): \(count) frames: a video plays forward only, so --frames can be at most \(available) after --warmup \(warmup)")
            }
            let info = try VideoDecoder(path: file).info
            size = (info.width, info.height)
            benchmark = SpeedBenchmark(video: file, initialBox: initial, warmup: warmup, measured: frames ?? available)
        }
        let measured = benchmark.measured
        let speeds = try models.map { loaded in try benchmark.measure(loaded, name: ModelLoader.displayName(loaded)) }
        let name = sequence.isVideo || FrameSequence.locateGroundTruth(input.frames) != nil
            ? sequence.name : PathName.lastComponent(input.frames)
        let report = SpeedBenchmark.Report(
            sequence: name, path: input.frames, frameWidth: size.width, frameHeight: size.height,
            sequenceFrames: count, initialBox: [initial.x, initial.y, initial.width, initial.height],
            measuredFrames: measured, warmupUpdates: warmup, scales: models.contains { $0 is SiamFCModel } ? scales ?? 3 : nil, threads: Parallel.coreCount, models: speeds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table, terminator: "")
        }
    }
}
