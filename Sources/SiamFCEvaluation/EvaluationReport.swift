import Foundation
import SiamFCImageIO
import SiamFCSupport
import SiamFCDrawing

/// The figures of one sequence, or of all of them (curves averaged over sequences).
public struct SequenceSummary: Sendable, Codable, Equatable {
    public let name: String
    public let frames: Int
    public let successScore: Double
    public let precisionScore: Double
    public let normalizedPrecisionScore: Double
    public let successRate: Double
    public let framesPerSecond: Double
    /// Tracking time, kept so that merged shards give the overall speed exactly; nil in
    /// summaries written before it was recorded.
    public let seconds: Double?
    /// Frames that could not be decoded (their boxes are the last box before them); nil in
    /// summaries written before they were counted.
    public let skippedFrames: Int?
    public let curves: TrackingMetrics.Curves

    init(name: String, curves: TrackingMetrics.Curves, frames: Int, seconds: Double, skippedFrames: Int = 0) {
        self.name = name
        self.frames = frames
        self.skippedFrames = skippedFrames
        self.curves = curves
        successScore = curves.successScore
        precisionScore = curves.precisionScore
        normalizedPrecisionScore = curves.normalizedPrecisionScore
        successRate = curves.successRate
        self.seconds = seconds
        framesPerSecond = seconds > 0 ? Double(frames) / seconds : 0
    }

    /// `seconds`, or for older summaries what their frame rate implies.
    var trackingSeconds: Double {
        seconds ?? (framesPerSecond > 0 ? Double(frames) / framesPerSecond : 0)
    }
}

/// What `siamfc eval` writes: per-sequence boxes in the OTB result format, a JSON summary, a
/// table, and success and precision plots (PNG and SVG).
public struct EvaluationReport: Sendable, Codable, Equatable {
    public let tracker: String
    public let sequences: [SequenceSummary]
    public let overall: SequenceSummary
    /// The part of the benchmark this report covers when it was run with `--shard`.
    public let shard: EvaluationShard?
    /// With ``shard``: how many sequences the whole benchmark has.
    public let discoveredSequences: Int?

    public init(tracker: String, results: [SequenceResult], shard: EvaluationShard? = nil, discoveredSequences: Int? = nil) {
        self.init(tracker: tracker,
                  sequences: results.map { SequenceSummary(name: $0.name, curves: $0.curves, frames: $0.boxes.count, seconds: $0.seconds,
                                                           skippedFrames: $0.skippedFrames) },
                  shard: shard, discoveredSequences: discoveredSequences)
    }

    /// A report over sequences already scored; the overall figures are computed from them, so
    /// the same sequences in the same order give the same report however they were run.
    public init(tracker: String, sequences: [SequenceSummary], shard: EvaluationShard? = nil, discoveredSequences: Int? = nil) {
        self.tracker = tracker
        self.sequences = sequences
        self.shard = shard
        self.discoveredSequences = discoveredSequences
        overall = SequenceSummary(name: "overall", curves: TrackingMetrics.average(sequences.map(\.curves)),
                                  frames: sequences.map(\.frames).reduce(0, +),
                                  seconds: sequences.map(\.trackingSeconds).reduce(0, +),
                                  skippedFrames: sequences.map { $0.skippedFrames ?? 0 }.reduce(0, +))
    }

    /// A fixed-width table: frames (and those skipped as undecodable), AUC, precision at 20 px,
    /// normalised precision and speed per sequence.
    public var table: String {
        var lines = ["sequence              frames  skipped    AUC  prec@20  norm.prec    fps"]
        for s in sequences + [overall] {
            let name = s.name.count > 20 ? String(s.name.prefix(20)) : s.name.padding(toLength: 20, withPad: " ", startingAt: 0)
            lines.append(name + String(format: "  %6d  %7d  %.3f    %.3f      %.3f  %5.1f", s.frames, s.skippedFrames ?? 0, s.successScore,
                                       s.precisionScore, s.normalizedPrecisionScore, s.framesPerSecond))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `DIR/results/<sequence>.txt` (OTB format: `x,y,w,h` per frame), `DIR/summary.json`
    /// and the plots, each file atomically.
    public static func write(_ results: [SequenceResult], report: EvaluationReport, to directory: String) throws {
        try writeResults(results, to: directory)
        try report.writeSummary(to: directory)
        try writePlots([(report.tracker, report.overall.curves)], to: directory)
    }

    /// Writes `DIR/results/<sequence>.txt`, one `x,y,w,h` line per frame.
    public static func writeResults(_ results: [SequenceResult], to directory: String) throws {
        try FileSystem.createDirectories(directory + "/results")
        for result in results {
            try AtomicFile.write(result.boxes.map { $0.description + "\n" }.joined(), to: directory + "/results/\(result.name).txt")
        }
    }

    /// Writes `DIR/summary.json`.
    public func writeSummary(to directory: String) throws {
        try FileSystem.createDirectories(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(self)), to: directory + "/summary.json")
    }

    /// Success and precision plots of several trackers, as siamfc/OTB draw them: the legend gives
    /// each tracker's AUC or precision at 20 px.
    public static func writePlots(_ trackers: [(name: String, curves: TrackingMetrics.Curves)], to directory: String) throws {
        var success = Chart(title: "Success plots of OPE", xLabel: "Overlap threshold", yLabel: "Success rate")
        var precision = Chart(title: "Precision plots of OPE", xLabel: "Location error threshold (px)", yLabel: "Precision")
        success.xRange = 0...1
        success.yRange = 0...1
        precision.xRange = 0...50
        precision.yRange = 0...1
        success.legendPosition = .lowerLeft
        precision.legendPosition = .lowerRight
        let ranked = trackers.sorted { $0.curves.successScore > $1.curves.successScore }
        for (i, tracker) in ranked.enumerated() {
            let color = Color.palette(i)
            success.addLine(name: tracker.name + String(format: " [%.3f]", tracker.curves.successScore),
                            points: zip(TrackingMetrics.overlapThresholds, tracker.curves.success).map { ($0, $1) },
                            color: color, width: 2)
            precision.addLine(name: tracker.name + String(format: " [%.3f]", tracker.curves.precisionScore),
                              points: zip(TrackingMetrics.errorThresholds, tracker.curves.precision).map { ($0, $1) },
                              color: color, width: 2)
        }
        try success.writePNG(to: directory + "/success.png")
        try precision.writePNG(to: directory + "/precision.png")
        try AtomicFile.write(success.svg(), to: directory + "/success.svg")
        try AtomicFile.write(precision.svg(), to: directory + "/precision.svg")
    }
}
