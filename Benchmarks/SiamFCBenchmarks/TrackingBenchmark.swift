import ArgumentParser
import Foundation
import SiamFCImageIO
import SiamFCTracker

/// Tracking speed with decoding taken out: every frame of each sequence is decoded into memory
/// first, then only `initialize` and `update` are timed. `siamfc track` measures the whole run.
struct TrackingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking",
        abstract: "Frames per second of the tracker alone, on sequence folders (decoding excluded).")

    @Option(help: "Tracking model (safetensors).")
    var model: String

    @Argument(help: "Sequence folders (each with ground truth for the initial box).")
    var sequences: [String]

    func run() throws {
        let tracking = try SiamFCModel(contentsOf: model)
        var frames = 0, updates = 0
        var seconds = 0.0
        var stageTotals = [Double](repeating: 0, count: tracking.stages.count)
        for path in sequences {
            let sequence = try FrameSequence(path: path)
            guard let box = sequence.groundTruth?.box(at: 0) else { continue }
            let decoder = ImageDecoder()
            let images = DecodedFrames(try sequence.frames.map { ($0, try decoder.decode(file: $0)) })
            var elapsed = 0.0
            try TrackingLoop.run(try tracking.makeTracker(), frames: images, initialBox: box) { frame, _ in
                elapsed += frame.trackSeconds
                for (i, stage) in frame.stageSeconds.enumerated() { stageTotals[i] += stage }
                if frame.index > 0 { updates += 1 }
            }
            print(sequence.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %5d frames %7.1f frames/s", sequence.frames.count, Double(sequence.frames.count) / elapsed))
            frames += sequence.frames.count
            seconds += elapsed
        }
        print("all".padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: " %5d frames %7.1f frames/s", frames, Double(frames) / seconds))
        let perUpdate = zip(tracking.stages, stageTotals).map { stage, total in
            String(format: "%@ %.2f ms", stage.label, 1e3 * total / Double(max(updates, 1)))
        }
        print("per update: " + perUpdate.joined(separator: ", "))
    }
}
