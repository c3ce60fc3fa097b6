import ArgumentParser
import Foundation
import SiamFCSupport

/// `siamfc track` with NanoTrack (or, with `--ours-model`, another model such as the bundled light one)
/// against OpenCV's `TrackerNano` with NanoTrack on the same sequence, in the same run,
/// alternating so that both see the same load on a shared machine.
///
/// Ours is timed as a whole process (start, model loading, decoding every frame as it is
/// tracked, writing the CSV); OpenCV by the peer script's own clock (initialisation and updates
/// with decoding, without Python's start-up and model loading) and as a whole process.
struct NanoTrackBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nanotrack",
        abstract: "Frames/s of siamfc track with NanoTrack against OpenCV's TrackerNano (python3 peer script), same sequence, same run.")

    @Argument(help: "Sequence folder.")
    var sequence = "../shared/sequences/Suv"

    @Option(help: "The backbone ONNX file.")
    var backbone = "../shared/models/nanotrackv2_backbone_sim.onnx"

    @Option(help: "The head ONNX file.")
    var head = "../shared/models/nanotrackv2_head_sim.onnx"

    @Option(help: "The model siamfc track runs instead of the ONNX pair: a model file or a bundled model's name (light-default, the default model).")
    var oursModel: String?

    @Option(help: "The peer script that runs OpenCV's TrackerNano.")
    var opencvScript = "../shared/tools/opencv_nano_track.py"

    @Option(help: "Runs of each (the median is reported).")
    var repeats = 5

    func validate() throws {
        guard (1...100).contains(repeats) else { throw ValidationError("--repeats must be 1 to 100") }
    }

    struct Run {
        var status: Int32
        var seconds: Double
        var stdout: String
        var stderr: String
    }

    static func run(_ launch: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = launch
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = monotonicSeconds()
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, seconds: monotonicSeconds() - start,
                   stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    func run() throws {
        let siamfc = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("siamfc").path
        guard FileManager.default.isExecutableFile(atPath: siamfc) else {
            throw ValidationError("\(siamfc) not found: build it first (swift build -c release)")
        }
        let directory = NSTemporaryDirectory() + "siamfc-nanotrack-\(getpid())"
        try FileSystem.createDirectories(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ours: [Double] = [], opencvLoop: [Double] = [], opencvProcess: [Double] = []
        var frames = 0
        for _ in 0..<repeats {
            let model = oursModel.map { ["--model", $0] } ?? ["--model", backbone, "--head", head]
            let mine = try Self.run([siamfc, "track", sequence] + model + ["--format", "otb", "--out", directory + "/ours.txt", "--quiet"])
            guard mine.status == 0 else { throw ValidationError("siamfc track failed: \(mine.stderr)") }
            frames = try String(contentsOfFile: directory + "/ours.txt", encoding: .utf8).split(separator: "\n").count
            ours.append(Double(frames) / mine.seconds)
            let peer = try Self.run(["python3", opencvScript, sequence, "--backbone", backbone, "--head", head,
                                     "--out", directory + "/opencv.txt"])
            // The script's last line: "frames N, seconds S, frames/s F".
            guard peer.status == 0, let line = peer.stdout.split(separator: "\n").last, line.hasPrefix("frames"),
                  let fps = line.split(separator: " ").last.flatMap({ Double($0) }) else {
                throw ValidationError("the OpenCV script failed (pip install opencv-contrib-python-headless): \(peer.stderr.suffix(300))")
            }
            opencvLoop.append(fps)
            opencvProcess.append(Double(frames) / peer.seconds)
        }
        let same = try String(contentsOfFile: directory + "/ours.txt", encoding: .utf8).split(separator: "\n").dropFirst()
            == String(contentsOfFile: directory + "/opencv.txt", encoding: .utf8).split(separator: "\n").dropFirst()
        let (a, b, c) = (Statistics.median(ours), Statistics.median(opencvLoop), Statistics.median(opencvProcess))
        print("\(oursModel ?? "NanoTrack") against OpenCV's TrackerNano with NanoTrack on \(sequence), \(frames) frames, median of \(repeats) alternating runs, \(Parallel.coreCount) cores")
        print(String(format: "  siamfc track (whole process)          %7.1f frames/s", a))
        print(String(format: "  OpenCV TrackerNano (script's clock)    %7.1f frames/s   ours %.2fx", b, a / b))
        print(String(format: "  OpenCV TrackerNano (whole process)     %7.1f frames/s   ours %.2fx", c, a / c))
        // Each pair ran back to back, so its ratio is less exposed to a shared host's slow swings.
        let ratios = zip(ours, opencvLoop).map { $0 / $1 }.sorted()
        if let low = ratios.first, let high = ratios.last {
            print(String(format: "  ours / OpenCV (script's clock), per pair: median %.2fx, range %.2fx to %.2fx",
                         Statistics.median(ratios), low, high))
        }
        if oursModel == nil { print("  boxes after the first frame: " + (same ? "identical" : "not identical")) }
    }
}
