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

    /// The light model's safetensors file tracks with the corrected size penalty; its ONNX export
    /// (same network, run by the planned ONNX kernels, which round differently) gives the same
    /// boxes within a pixel and the same scores within 1e-3; `--scales` is refused.
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
                                "--size-penalty", "corrected", "--out", dir + "/onnx.csv"])
        #expect(onnx.status == 0, "\(onnx.stderr)")
        let a = try String(contentsOfFile: dir + "/light.csv", encoding: .utf8), b = try String(contentsOfFile: dir + "/onnx.csv", encoding: .utf8)
        let rowsA = a.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let rowsB = b.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rowsA.count == 6 && rowsB.count == 6)
        for (x, y) in zip(rowsA, rowsB) {
            // frame,file,pts_seconds,x,y,w,h,score,status
            #expect(x.count == 9 && y.count == 9 && x[0...2] == y[0...2] && x[8] == y[8])
            for k in 3...6 { #expect(abs((Double(x[k]) ?? .nan) - (Double(y[k]) ?? .nan)) <= 1, "\(x) against \(y)") }
            if !x[7].isEmpty { #expect(abs((Double(x[7]) ?? .nan) - (Double(y[7]) ?? .nan)) <= 1e-3, "\(x) against \(y)") }
        }
        let scales = try CLI.run(["track", dir + "/seq", "--model", dir + "/light.safetensors", "--scales", "5"])
        #expect(scales.status != 0 && scales.stderrLines.count == 1 && scales.stderr.contains("--scales applies to SiamFC"))
    }
}
