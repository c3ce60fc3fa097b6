import Foundation
import Testing
import SiamFCEngine
import SiamFCImageIO
import SiamFCTracker
import SiamFCTestSupport
import SiamFCSupport

/// `siamfc bench`.
@Suite struct BenchCommandTests {
    static let stageKeys: Set<String> = ["decode", "crop", "backbone", "correlation", "upsampleAndPeak", "total"]

    /// A second random model, narrower than the fixture's, so its FLOPs differ.
    func narrowModel(_ dir: String) throws -> String {
        var g = SplitMix64(seed: 6)
        var state: [String: Tensor] = [:]
        for (k, v) in AlexNetBackbone.make(widths: [4, 4, 4, 4, 4], using: &g).stateDict() { state["backbone." + k] = v }
        try SafetensorsFile(tensors: state).write(to: dir + "/narrow.safetensors")
        return dir + "/narrow.safetensors"
    }

    @Test func tableHasEveryStageWithPositiveTimes() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try TrackCommandTests().fixture(dir, frames: 4)
        let result = try CLI.run(["bench", sequence, "--model", model, "--frames", "6", "--warmup", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("measured: 6 frames after 1 warm-up updates, 3 scales, \(Parallel.coreCount) threads") })
        for label in ["decode", "crop+resize", "backbone", "cross-correlation", "upsample+peak", "total"] {
            let line = try #require(lines.first { $0.hasPrefix("  " + label + " ") }, "\(label)")
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            // Two decimals: the tiny model's correlation may print as 0.00; the JSON test checks > 0.
            #expect(numbers.count == 2 && numbers[0] >= 0 && numbers[1] >= numbers[0], "\(line)")
            if label == "total" { #expect(numbers[0] > 0) }
        }
        for label in ["frames/s (end to end)", "backbone GFLOP per frame", "backbone GFLOP/s (median)"] {
            let line = try #require(lines.first { $0.hasPrefix(label) }, "\(label)")
            #expect((Double(line.split(separator: " ").last ?? "") ?? 0) > 0, "\(line)")
        }
    }

    @Test func jsonWithTwoModelsSideBySide() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try TrackCommandTests().fixture(dir, frames: 4)
        let narrow = try narrowModel(dir)
        // 4 frames, 2 warm-up updates and 7 measured: the sequence is played back and forth.
        let arguments = ["bench", sequence, "--model", model, "--model", narrow, "--frames", "7", "--warmup", "2"]
        let result = try CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["measuredFrames"] as? Int == 7 && json["warmupUpdates"] as? Int == 2 && json["sequenceFrames"] as? Int == 4)
        #expect(json["frameWidth"] as? Int == 320 && json["frameHeight"] as? Int == 240 && (json["threads"] as? Int ?? 0) >= 1)
        #expect((json["initialBox"] as? [Double])?.count == 4 && json["sequence"] as? String == "seq")
        let models = try #require(json["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["model", "narrow"])
        for entry in models {
            #expect((entry["framesPerSecond"] as? Double ?? 0) > 0 && (entry["backboneGFLOPS"] as? Double ?? 0) > 0)
            let stages = try #require(entry["milliseconds"] as? [String: [String: Double]])
            #expect(Set(stages.keys) == Self.stageKeys)
            #expect(stages.values.allSatisfy { ($0["median"] ?? 0) > 0 && ($0["p90"] ?? 0) >= ($0["median"] ?? 0) })
        }
        let flops = models.compactMap { $0["backboneFLOPsPerFrame"] as? Int }
        #expect(flops.count == 2 && flops[0] > flops[1] && flops[1] > 0)

        let text = try CLI.run(arguments)
        #expect(text.status == 0, "\(text.stderr)")
        let header = text.stdout.split(separator: "\n").map { $0.split(separator: " ") }.first { $0 == ["model", "narrow"] }
        #expect(header != nil, "\(text.stdout)")
        let flopsRow = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("backbone GFLOP per frame") })
        #expect(flopsRow.split(separator: " ").compactMap { Double($0) }.count == 2)
    }

    @Test func refusals() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, model) = try TrackCommandTests().fixture(dir, frames: 3)
        var result = try CLI.run(["bench", sequence, "--model", model, "--frames", "0"])
        #expect(result.status == 64 && result.stderr.contains("--frames must be 1 to"))
        result = try CLI.run(["bench", sequence, "--model", model, "--warmup", "\(Int.max)"])
        #expect(result.status == 64 && !result.crashed && result.stderr.contains("--warmup must be 0 to"))
        try FileManager.default.removeItem(atPath: sequence + "/groundtruth_rect.txt")
        result = try CLI.run(["bench", sequence, "--model", model])
        #expect(result.status == 1 && result.stderrLines.count == 1 && result.stderr.contains("pass --box"))
        result = try CLI.run(["bench", sequence, "--model", model, "--box", "100,80,40,30", "--frames", "2", "--warmup", "0"])
        #expect(result.status == 0 && result.stdout.contains("initial box 100,80,40,30"), "\(result.stderr)")
        result = try CLI.run(["bench", sequence, "--model", dir + "/missing.safetensors", "--box", "100,80,40,30"])
        #expect(result.status == 1 && result.stderrLines.count == 1 && result.stderr.contains("missing.safetensors"))
    }
}
