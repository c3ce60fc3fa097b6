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
        var frames = 0
        var seconds = 0.0
        var stages = UpdateTimings()
        for path in sequences {
            let sequence = try FrameSequence(path: path)
            guard let box = sequence.groundTruth?.box(at: 0) else { continue }
            let images = try sequence.frames.map { try ImageDecoder().decode(file: $0) }
            let tracker = try SiamFCTracker(model: tracking)
            let start = DispatchTime.now().uptimeNanoseconds
            try tracker.initialize(frame: images[0], box: box)
            for image in images.dropFirst() {
                _ = try tracker.update(frame: image)
                stages.crop += tracker.timings.crop
                stages.backbone += tracker.timings.backbone
                stages.correlation += tracker.timings.correlation
                stages.upsampleAndPeak += tracker.timings.upsampleAndPeak
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(sequence.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %5d frames %7.1f frames/s", images.count, Double(images.count) / elapsed))
            frames += images.count
            seconds += elapsed
        }
        let updates = Double(max(frames - sequences.count, 1))
        print("all".padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: " %5d frames %7.1f frames/s", frames, Double(frames) / seconds))
        print(String(format: "per update: crop %.2f ms, backbone %.2f ms, correlation %.2f ms, upsample+peak %.2f ms",
                     1e3 * stages.crop / updates, 1e3 * stages.backbone / updates,
                     1e3 * stages.correlation / updates, 1e3 * stages.upsampleAndPeak / updates))
    }
}
