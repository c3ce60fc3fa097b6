import Foundation
import Testing
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport
import SiamFCEngine
import SiamFCTracker

/// `--model backbone.onnx --head head.onnx`: NanoTrack in track, bench and eval.
@Suite struct NanoTrackCommandTests {
    /// The default model is the bundled light one; `siamfc-default` names the bundled SiamFC;
    /// the tracking settings given change the light model's boxes.
    @Test func bundledModelsByNameAndTheirSettings() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try TrackCommandTests().fixture(dir, frames: 12)
        func boxes(_ options: [String]) throws -> [Substring] {
            let result = try CLI.run(["track", sequence, "--format", "otb", "--out", dir + "/b.txt", "--quiet"] + options)
            #expect(result.status == 0, "\(options): \(result.stderr)")
            return try String(contentsOfFile: dir + "/b.txt", encoding: .utf8).split(separator: "\n")
        }
        let implicit = try boxes([]), named = try boxes(["--model", "light-default"])
        #expect(implicit.count == 12 && implicit == named)
        let siamfc = try boxes(["--model", "siamfc-default"])
        #expect(siamfc.count == 12 && siamfc != implicit)
        let settings = try boxes(["--window-influence", "0", "--penalty-k", "0", "--size-learning-rate", "1"])
        #expect(settings.count == 12 && settings != implicit)
        let bench = try CLI.run(["bench", sequence, "--frames", "4", "--warmup", "1", "--model", "siamfc-default", "--json"])
        #expect(bench.status == 0 && bench.stdout.contains("siamfc-default"), "\(bench.stderr)")
    }

    @Test func modelAndHeadMustGoTogether() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let cases: [([String], String)] = [
            (["track", dir, "--model", dir + "/b.onnx"], "needs its head: add --head"),
            (["track", dir, "--model", dir + "/m.safetensors", "--head", dir + "/h.onnx"], "goes with an ONNX backbone"),
            (["track", dir, "--model", dir + "/b.onnx", "--head", dir + "/h.onnx", "--scales", "5"], "--scales applies to SiamFC"),
            (["track", dir, "--model", dir + "/m.safetensors", "--size-penalty", "corrected"], "--size-penalty applies to NanoTrack"),
            (["track", dir, "--model", dir + "/m.safetensors", "--penalty-k", "0.1", "--window-influence", "0.3"],
             "--window-influence, --penalty-k apply to NanoTrack"),
            (["track", dir, "--model", "siamfc-default", "--size-learning-rate", "0.3"], "--size-learning-rate applies to NanoTrack"),
            (["track", dir, "--window-influence", "1.5"], "window influence 1.5 must be within 0...1"),
            (["track", dir, "--penalty-k=-1"], "penalty k -1.0 must be at least 0"),
            (["bench", dir, "--box", "1,1,5,5", "--model", dir + "/b.onnx"], "1 ONNX --model file but 0 --head files"),
        ]
        try writeFile(dir + "/0001.jpg", [0xFF, 0xD8, 0xFF])
        // SiamFC weights: the size penalty is refused for them once the file shows what it holds.
        var generator = SplitMix64(seed: 1)
        try SafetensorsFile(tensors: AlexNetBackbone.make(widths: [8, 16, 16, 16, 8], using: &generator).stateDict())
            .write(to: dir + "/m.safetensors")
        for (arguments, message) in cases {
            let result = try CLI.run(arguments + (arguments.contains("--box") ? [] : ["--box", "1,1,5,5"]))
            #expect(result.status != 0 && !result.crashed)
            #expect(result.stderrLines.count == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct NanoTrackSharedCommandTests {
    static func models() throws -> [String] {
        ["--model", try SharedData.path("models/nanotrackv2_backbone_sim.onnx"),
         "--head", try SharedData.path("models/nanotrackv2_head_sim.onnx")]
    }

    /// The CSV of Crossing holds OpenCV's boxes.
    @Test func trackGivesOpenCVsBoxes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let result = try CLI.run(["track", try SharedData.path("sequences/Crossing"), "--out", dir + "/b.txt", "--format", "otb", "--quiet"]
                                 + (try Self.models()))
        #expect(result.status == 0, "\(result.stderr)")
        let ours = try String(contentsOfFile: dir + "/b.txt", encoding: .utf8).split(separator: "\n")
        let opencv = try String(contentsOfFile: try SharedData.path("golden/nanotrack/Crossing.txt"), encoding: .utf8).split(separator: "\n")
        #expect(ours.count == 120 && Array(ours.dropFirst()) == Array(opencv.dropFirst()))
    }

    @Test func benchTimesTheNanoTrackStagesBesideSiamFC() throws {
        let result = try CLI.run(["bench", try SharedData.path("sequences/Crossing"), "--frames", "10", "--warmup", "1",
                                  "--model", try SharedData.path("models/fdsiamfc30.safetensors"), "--json"] + (try Self.models()))
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.count == 2)
        let stages = try #require(models.last?["stages"] as? [[String: Any]]).compactMap { $0["key"] as? String }
        #expect(stages == ["decode", "crop", "backbone", "head", "post", "total"])
    }

    @Test func truncatedBackboneIsOneLine() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let bytes = try FileBytes.read(try SharedData.path("models/nanotrackv2_backbone_sim.onnx"))
        try writeFile(dir + "/b.onnx", Array(bytes.prefix(bytes.count / 2)))
        let result = try CLI.run(["track", try SharedData.path("sequences/Crossing"), "--model", dir + "/b.onnx",
                                  "--head", try SharedData.path("models/nanotrackv2_head_sim.onnx")])
        #expect(result.status != 0 && !result.crashed)
        #expect(result.stderrLines.count == 1 && result.stderr.contains(dir + "/b.onnx"), "\(result.stderr)")
    }
}
