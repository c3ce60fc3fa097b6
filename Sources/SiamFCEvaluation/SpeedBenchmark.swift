import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

/// Tracking speed end to end and per stage (`siamfc bench`): a sequence is tracked from its
/// initial box and every frame is timed, decoding included (frames are decoded on the
/// tracking thread, without read-ahead, so each decode is timed). The first `warmup` updates
/// are not measured. A sequence shorter than the frames asked for is played back and forth
/// (1, 2, …, n, n−1, …, 1, 2, …) so that the target keeps moving smoothly. A video is played
/// forward only (it decodes in order), so it must hold the frames asked for.
public struct SpeedBenchmark: Sendable {
    /// Image files; empty for a video.
    public let files: [String]
    /// The video played instead of files.
    public let video: String?
    public let initialBox: BoundingBox
    public let warmup: Int
    public let measured: Int

    public init(files: [String], initialBox: BoundingBox, warmup: Int, measured: Int) {
        precondition(!files.isEmpty && warmup >= 0 && measured >= 1, "SpeedBenchmark: nothing to measure")
        self.files = files
        video = nil
        self.initialBox = initialBox
        self.warmup = warmup
        self.measured = measured
    }

    /// Plays a video's first `1 + warmup + measured` frames, which it must have.
    public init(video: String, initialBox: BoundingBox, warmup: Int, measured: Int) {
        precondition(warmup >= 0 && measured >= 1, "SpeedBenchmark: nothing to measure")
        files = []
        self.video = video
        self.initialBox = initialBox
        self.warmup = warmup
        self.measured = measured
    }

    /// Median and 90th percentile, in milliseconds.
    public struct Spread: Codable, Sendable, Equatable {
        public var median: Double
        public var p90: Double
    }

    /// One model's figures; times in milliseconds, keyed by stage (`decode`, the model's
    /// stages, `total`).
    public struct ModelSpeed: Codable, Sendable {
        public var name: String
        public var path: String
        public var framesPerSecond: Double
        public var backboneFLOPsPerFrame: Int
        public var backboneGFLOPS: Double
        public var milliseconds: [String: Spread]
        /// The rows of the table, in order.
        public var stages: [TrackerStage]
    }

    /// What `siamfc bench --json` prints.
    public struct Report: Codable, Sendable {
        public var sequence: String
        public var path: String
        public var frameWidth: Int
        public var frameHeight: Int
        public var sequenceFrames: Int
        public var initialBox: [Double]
        public var measuredFrames: Int
        public var warmupUpdates: Int
        public var scales: Int?
        public var threads: Int
        public var models: [ModelSpeed]

        public init(sequence: String, path: String, frameWidth: Int, frameHeight: Int, sequenceFrames: Int, initialBox: [Double],
                    measuredFrames: Int, warmupUpdates: Int, scales: Int?, threads: Int, models: [ModelSpeed]) {
            self.sequence = sequence
            self.path = path
            self.frameWidth = frameWidth
            self.frameHeight = frameHeight
            self.sequenceFrames = sequenceFrames
            self.initialBox = initialBox
            self.measuredFrames = measuredFrames
            self.warmupUpdates = warmupUpdates
            self.scales = scales
            self.threads = threads
            self.models = models
        }
    }

    static let decode = TrackerStage(key: "decode", label: "decode")
    static let total = TrackerStage(key: "total", label: "total")

    /// The frame of update `update` when the sequence is played back and forth.
    public static func bounce(_ update: Int, count: Int) -> Int {
        guard count > 1 else { return 0 }
        let period = 2 * (count - 1)
        let phase = update % period
        return phase < count ? phase : period - phase
    }

    /// The frames played: the first, then one per update.
    public var playlist: [String] {
        [files[0]] + (1...(warmup + measured)).map { files[Self.bounce($0, count: files.count)] }
    }

    /// Tracks the playlist with one model and summarises the measured updates.
    public func measure(_ model: any TrackerModel, name: String) throws -> ModelSpeed {
        let stages = model.stages
        var samples: [String: [Double]] = [:]
        var started = 0.0, ended = 0.0
        let frames: any FrameSource = try video.map { try VideoFrameReader(path: $0, readAhead: false) }
            ?? FrameReader(files: playlist, readAhead: false)
        var played = 0
        try TrackingLoop.run(try model.makeTracker(), frames: frames, initialBox: initialBox, strict: true,
                             limit: 1 + warmup + measured) { frame, _ in
            defer { played += 1 }
            if played == warmup { started = monotonicSeconds() }
            guard played > warmup else { return }
            samples[Self.decode.key, default: []].append(frame.decodeSeconds * 1000)
            for (stage, seconds) in zip(stages, frame.stageSeconds) { samples[stage.key, default: []].append(seconds * 1000) }
            samples[Self.total.key, default: []].append((frame.decodeSeconds + frame.trackSeconds) * 1000)
            ended = monotonicSeconds()
        }
        let spreads = samples.mapValues { Spread(median: Statistics.median($0), p90: Statistics.percentile($0, 0.9)) }
        let flops = model.backboneFLOPsPerUpdate
        let backboneMedian = spreads["backbone"]?.median ?? 0
        guard played == 1 + warmup + measured else {
            throw ImageIOError(path: video ?? "", reason: .noImages,
                               message: "\(played) frames: fewer than the \(1 + warmup + measured) asked for (1 + --warmup + --frames)")
        }
        let elapsed = ended - started
        return ModelSpeed(
            name: name, path: model.source, framesPerSecond: elapsed > 0 ? Double(measured) / elapsed : 0,
            backboneFLOPsPerFrame: flops, backboneGFLOPS: backboneMedian > 0 ? Double(flops) / (backboneMedian / 1000) / 1e9 : 0,
            milliseconds: spreads, stages: [Self.decode] + stages + [Self.total])
    }
}

extension SpeedBenchmark.Report {
    /// The table `siamfc bench` prints: one column per model, one row per stage.
    public var table: String {
        let width = max(18, (models.map(\.name.count).max() ?? 0) + 2)
        func row(_ label: String, _ cells: [String]) -> String {
            label.padding(toLength: 30, withPad: " ", startingAt: 0)
                + cells.map { String(repeating: " ", count: max(0, width - $0.count)) + $0 }.joined() + "\n"
        }
        let box = initialBox.map(BoundingBox.format).joined(separator: ",")
        var text = "sequence: \(sequence) (\(path)), \(frameWidth)x\(frameHeight), \(sequenceFrames) frames, initial box \(box)\n"
        text += "measured: \(measuredFrames) frames after \(warmupUpdates) warm-up updates, "
            + (scales.map { "\($0) scales, " } ?? "") + "\(threads) threads\n"
        text += row("", models.map(\.name))
        text += "ms per frame (median / p90)\n"
        var stages: [TrackerStage] = []
        for stage in models.flatMap(\.stages) where !stages.contains(stage) && stage != SpeedBenchmark.total { stages.append(stage) }
        // Models of different families have different stages: the total comes last.
        stages.append(SpeedBenchmark.total)
        for stage in stages {
            text += row("  " + stage.label, models.map { model in
                guard let spread = model.milliseconds[stage.key] else { return "-" }
                return String(format: "%.2f / %.2f", spread.median, spread.p90)
            })
        }
        text += row("frames/s (end to end)", models.map { String(format: "%.1f", $0.framesPerSecond) })
        text += row("backbone GFLOP per frame", models.map { String(format: "%.3f", Double($0.backboneFLOPsPerFrame) / 1e9) })
        text += row("backbone GFLOP/s (median)", models.map { String(format: "%.1f", $0.backboneGFLOPS) })
        return text
    }
}

import Foundation
