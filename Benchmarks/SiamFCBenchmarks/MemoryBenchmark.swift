import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCImageIO
import SiamFCSynthetic
import SiamFCTracker

/// Memory over a long run: tracks a generated sequence (each frame rendered, encoded to JPEG and
/// decoded again, as frames from disk are) and prints the resident set size as it goes. Memory
/// must stay flat: no per-frame growth from buffers, caches or the tracker's state.
struct MemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Resident memory while tracking a long generated sequence.")

    @Option(help: "Frames to track.")
    var frames = 10_000

    @Option(help: "Tracking model: SiamFC weights or a light model (.safetensors). Default: the bundled default model.")
    var model: String?

    func run() throws {
        let tracking: any TrackerModel = try model.map { path in
            LightTrackNetwork.isLightModel(try SafetensorsFile.read(path: path))
                ? try NanoTrackModel(lightModel: path) as any TrackerModel : try SiamFCModel(contentsOf: path)
        } ?? BundledModel.default.load()
        let sequence = SyntheticSequence(configuration: .init(frameCount: frames))
        let checkpoints: Set<Int> = [1, 100, 1_000, frames / 2, frames]
        let start = Date()
        try TrackingLoop.run(try tracking.makeTracker(), frames: RenderedFrames(sequence, count: frames),
                             initialBox: sequence.frame(0).box) { frame, _ in
            if checkpoints.contains(frame.index + 1) {
                print(String(format: "frame %6d: RSS %6.1f MB (peak %6.1f MB), %.0f s", frame.index + 1,
                             Self.megabytes("VmRSS"), Self.megabytes("VmHWM"), Date().timeIntervalSince(start)))
            }
        }
    }

    /// A field of /proc/self/status in MB (Linux; 0 elsewhere).
    static func megabytes(_ field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}

/// Frames of a synthetic sequence, each rendered, encoded to JPEG and decoded as it is asked for.
private final class RenderedFrames: FrameSource {
    private let sequence: SyntheticSequence
    private let count: Int
    private var index = 0
    private let decoder = ImageDecoder()

    init(_ sequence: SyntheticSequence, count: Int) {
        self.sequence = sequence
        self.count = count
    }

    var frameCount: Int? { count }

    func next() throws -> Frame? {
        guard index < count else { return nil }
        defer { index += 1 }
        let image = try decoder.decode(try ImageEncoder.jpeg(sequence.frame(index).image, quality: 85), path: "frame").image
        return Frame(index: index, name: "frame \(index + 1)", image: image)
    }
}
