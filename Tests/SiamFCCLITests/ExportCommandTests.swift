import Foundation
import Testing
import SiamFCEngine
import SiamFCSupport
import SiamFCSynthetic
import SiamFCTestSupport
import SiamFCTracker

/// `siamfc export --onnx DIR`: our light model as NanoTrack-interface ONNX files, and `siamfc
/// track` running the light model from its safetensors file and from the export.
@Suite struct ExportCommandTests {
    @Test func writesBothFilesAndTheModelFile() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let result = try CLI.run(["export", "--onnx", dir + "/onnx", "--untrained-seed", "3", "--safetensors", dir + "/light.safetensors"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/onnx").sorted() == ["backbone.onnx", "head.onnx"])
        let described = try CLI.run(["model", dir + "/light.safetensors"])
        #expect(described.status == 0 && described.stdout.contains("loads as a light tracking model"), "\(described.stdout)")
        #expect(described.stdout.contains("backbone:    0.073 GFLOP for a 255x255 input; head 0.033 GFLOP"), "\(described.stdout)")
        // Exporting the model file again gives the same bytes.
        let again = try CLI.run(["export", "--onnx", dir + "/again", "--model", dir + "/light.safetensors"])
        #expect(again.status == 0, "\(again.stderr)")
        for name in ["backbone.onnx", "head.onnx"] {
            #expect(FileManager.default.contents(atPath: dir + "/onnx/" + name) == FileManager.default.contents(atPath: dir + "/again/" + name))
        }
    }

    @Test func refusesBadArgumentsInOneLine() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        var g = SplitMix64(seed: 1)
        try SafetensorsFile(tensors: AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g).stateDict()).write(to: dir + "/siamfc.safetensors")
        try writeFile(dir + "/file", "not a directory")
        let missing = try CLI.run(["export"])
        #expect(missing.status != 0 && !missing.crashed && missing.stderr.contains("--onnx"))
        let cases: [([String], String)] = [
            (["export", "--onnx", ""], "--onnx needs a directory"),
            (["export", "--onnx", dir + "/o", "--model", dir + "/siamfc.safetensors", "--untrained-seed", "1"], "not both"),
            (["export", "--onnx", dir + "/o", "--model", dir + "/siamfc.safetensors"], "SiamFC weights"),
            (["export", "--onnx", dir + "/o", "--model", dir + "/missing.safetensors"], dir + "/missing.safetensors"),
            (["export", "--onnx", dir + "/file", "--untrained-seed", "1"], dir + "/file"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status != 0 && !result.crashed)
            #expect(result.stderrLines.count == 1 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// The light model's safetensors file tracks with its own settings; its ONNX export files,
    /// given the same settings, give the same rows (the model file runs as its export built in
    /// memory); `--scales` is refused.
    @Test func trackRunsTheLightModelBothWays() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let demo = SyntheticSequence(configuration: .init(frameCount: 6))
        try SequenceWriter.write(to: dir + "/seq", frameCount: 6) { demo.frame($0) }
        let export = try CLI.run(["export", "--onnx", dir, "--untrained-seed", "5", "--safetensors", dir + "/light.safetensors"])
        #expect(export.status == 0, "\(export.stderr)")
        let light = try CLI.run(["track", dir + "/seq", "--model", dir + "/light.safetensors", "--out", dir + "/light.csv"])
        #expect(light.status == 0, "\(light.stderr)")
        let onnx = try CLI.run(["track", dir + "/seq", "--model", dir + "/backbone.onnx", "--head", dir + "/head.onnx",
                                "--size-penalty", "corrected", "--window-influence", "0.275", "--penalty-k", "0.055",
                                "--size-learning-rate", "0.175", "--out", dir + "/onnx.csv"])
        #expect(onnx.status == 0, "\(onnx.stderr)")
        let a = try String(contentsOfFile: dir + "/light.csv", encoding: .utf8), b = try String(contentsOfFile: dir + "/onnx.csv", encoding: .utf8)
        let rowsA = a.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let rowsB = b.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rowsA.count == 6 && rowsB.count == 6)
        for (x, y) in zip(rowsA, rowsB) {
            // The model file runs as its export, so with the same settings the rows are equal.
            #expect(x.count == 9 && x == y, "\(x) against \(y)")
        }
        let scales = try CLI.run(["track", dir + "/seq", "--model", dir + "/light.safetensors", "--scales", "5"])
        #expect(scales.status != 0 && scales.stderrLines.count == 1 && scales.stderr.contains("--scales applies to SiamFC"))
    }
}
