import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCImageIO
import SiamFCTracker
import SiamFCSupport

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Tracking speed end to end and per stage, for one model or several side by side.",
        discussion: """
            Tracks the sequence from its first ground-truth box (or --box) and times every frame: \
            decoding, crop+resize, backbone, cross-correlation, upsample+peak and the whole frame; \
            it prints the median and 90th percentile of each, frames/s end to end, the thread count, \
            the backbone's FLOPs per frame and the GFLOP/s it achieves (at its median time). \
            Frames are decoded one after another on the tracking thread (no read-ahead), so each \
            decode is timed. The first --warmup updates are not measured. A sequence shorter than \
            the frames asked for is played back and forth (1, 2, ..., n, n-1, ..., 1, 2, ...) so \
            the target keeps moving smoothly. Each --model is run in turn, one column each.
            """)

    @Argument(help: "A folder of frames, or a sequence folder with an img/ subfolder.")
    var sequence: String

    @Option(help: "Tracking model (safetensors); repeat it to compare models. Default: the bundled model.")
    var model: [String] = []

    @Option(help: "Initial box x,y,w,h (OTB 1-based). Default: the first ground-truth line.")
    var box: String?

    @Option(help: "Frames measured after the warm-up (default: the rest of the sequence, at least 1).")
    var frames: Int?

    @Option(help: "Updates run before measuring.")
    var warmup = 5

    @Option(help: "3 or 5 search scales.")
    var scales = 3

    @Flag(help: "Print a JSON object instead of the table.")
    var json = false

    func validate() throws {
        guard scales == 3 || scales == 5 else { throw ValidationError("--scales must be 3 or 5") }
        if let frames, frames < 1 || frames > 10_000_000 { throw ValidationError("--frames must be 1 to 10000000") }
        guard warmup >= 0, warmup <= 10_000_000 else { throw ValidationError("--warmup must be 0 to 10000000") }
    }

    /// What `--json` prints.
    struct Report: Codable {
        var sequence: String
        var path: String
        var frameWidth: Int
        var frameHeight: Int
        var sequenceFrames: Int
        var initialBox: [Double]
        var measuredFrames: Int
        var warmupUpdates: Int
        var scales: Int
        var threads: Int
        var models: [ModelSpeed]
    }

    /// One model's figures; times in milliseconds.
    struct ModelSpeed: Codable {
        var name: String
        var path: String
        var framesPerSecond: Double
        var backboneFLOPsPerFrame: Int
        var backboneGFLOPS: Double
        var milliseconds: [String: Spread]
    }

    struct Spread: Codable {
        var median: Double
        var p90: Double
    }

    /// Stage keys in table order, with their labels.
    static let stages: [(key: String, label: String)] = [
        ("decode", "decode"), ("crop", "crop+resize"), ("backbone", "backbone"), ("correlation", "cross-correlation"),
        ("upsampleAndPeak", "upsample+peak"), ("total", "total"),
    ]

    func run() throws {
        let listing = try FrameSequence.listFrames(sequence)
        let initial = try InitialBox.resolve(box: box, frames: sequence)
        let measured = frames ?? max(1, listing.frames.count - 1 - warmup)
        let config: TrackerConfiguration = scales == 5 ? .fiveScale : .threeScale
        let first = try ImageDecoder().decode(file: listing.frames[0])
        let paths: [String?] = model.isEmpty ? [nil] : model
        let speeds = try paths.map { try measure($0, files: listing.frames, first: first, box: initial, config: config, measured: measured) }
        let name = FrameSequence.locateGroundTruth(sequence) != nil
            ? (try? FrameSequence(path: sequence).name) ?? PathNameDisplay.lastComponent(sequence)
            : PathNameDisplay.lastComponent(sequence)
        let report = Report(
            sequence: name, path: sequence, frameWidth: first.width, frameHeight: first.height,
            sequenceFrames: listing.frames.count, initialBox: [initial.x, initial.y, initial.width, initial.height],
            measuredFrames: measured, warmupUpdates: warmup, scales: config.scaleCount, threads: Parallel.coreCount, models: speeds)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(table(report), terminator: "")
        }
    }

    /// Tracks `measured` frames after the warm-up with one model and summarises the times.
    func measure(_ path: String?, files: [String], first: RGBImage, box: BoundingBox, config: TrackerConfiguration,
                 measured: Int) throws -> ModelSpeed {
        let (loaded, modelPath) = try BundledModel.load(path)
        let tracker = try SiamFCTracker(model: loaded, config: config)
        do {
            try tracker.initialize(frame: first, box: box)
        } catch let error as TrackerError {
            throw CLIError("\(files[0]): \(error.message)")
        }
        let decoder = ImageDecoder()
        var samples: [String: [Double]] = [:]
        var started = 0.0
        for update in 1...(warmup + measured) {
            if update == warmup + 1 { started = monotonicSeconds() }
            let file = files[Self.bounce(update, count: files.count)]
            let t0 = monotonicSeconds()
            let image = try decoder.decode(file: file)
            let t1 = monotonicSeconds()
            do {
                _ = try tracker.update(frame: image)
            } catch let error as TrackerError {
                throw CLIError("\(file): \(error.message)")
            }
            let t2 = monotonicSeconds()
            guard update > warmup else { continue }
            let stages = tracker.timings
            for (key, seconds) in [("decode", t1 - t0), ("crop", stages.crop), ("backbone", stages.backbone),
                                   ("correlation", stages.correlation), ("upsampleAndPeak", stages.upsampleAndPeak),
                                   ("total", t2 - t0)] {
                samples[key, default: []].append(seconds * 1000)
            }
        }
        let elapsed = monotonicSeconds() - started
        let spreads = samples.mapValues { Spread(median: Self.percentile($0, 0.5), p90: Self.percentile($0, 0.9)) }
        let flops = loaded.backbone.flops(batch: config.scaleCount, size: config.instanceSize)
        let backboneMedian = spreads["backbone"]?.median ?? 0
        return ModelSpeed(
            name: PathNameDisplay.lastComponent(modelPath).replacingOccurrences(of: ".safetensors", with: ""),
            path: modelPath, framesPerSecond: elapsed > 0 ? Double(measured) / elapsed : 0,
            backboneFLOPsPerFrame: flops, backboneGFLOPS: backboneMedian > 0 ? Double(flops) / (backboneMedian / 1000) / 1e9 : 0,
            milliseconds: spreads)
    }

    /// The frame of update `update` when the sequence is played back and forth.
    static func bounce(_ update: Int, count: Int) -> Int {
        guard count > 1 else { return 0 }
        let period = 2 * (count - 1)
        let phase = update % period
        return phase < count ? phase : period - phase
    }

    /// The median for `fraction` 0.5 (the mean of the middle two of an even count), otherwise
    /// the nearest-rank percentile.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        if fraction == 0.5 {
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    func table(_ report: Report) -> String {
        let width = max(18, (report.models.map(\.name.count).max() ?? 0) + 2)
        func row(_ label: String, _ cells: [String]) -> String {
            label.padding(toLength: 30, withPad: " ", startingAt: 0)
                + cells.map { String(repeating: " ", count: max(0, width - $0.count)) + $0 }.joined() + "\n"
        }
        let box = report.initialBox.map(BoundingBox.format).joined(separator: ",")
        var text = "sequence: \(report.sequence) (\(report.path)), \(report.frameWidth)x\(report.frameHeight), "
            + "\(report.sequenceFrames) frames, initial box \(box)\n"
        text += "measured: \(report.measuredFrames) frames after \(report.warmupUpdates) warm-up updates, "
            + "\(report.scales) scales, \(report.threads) threads\n"
        text += row("", report.models.map(\.name))
        text += "ms per frame (median / p90)\n"
        for (key, label) in Self.stages {
            text += row("  " + label, report.models.map { model in
                let spread = model.milliseconds[key] ?? Spread(median: 0, p90: 0)
                return String(format: "%.2f / %.2f", spread.median, spread.p90)
            })
        }
        text += row("frames/s (end to end)", report.models.map { String(format: "%.1f", $0.framesPerSecond) })
        text += row("backbone GFLOP per frame", report.models.map { String(format: "%.3f", Double($0.backboneFLOPsPerFrame) / 1e9) })
        text += row("backbone GFLOP/s (median)", report.models.map { String(format: "%.1f", $0.backboneGFLOPS) })
        return text
    }
}
