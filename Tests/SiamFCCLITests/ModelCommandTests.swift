import Foundation
import Testing

/// `siamfc model`: the NanoTrack v2 ONNX files of the shared data set, a SiamFC safetensors
/// file, and a truncated ONNX file, which must give one line and status 1.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct ModelCommandTests {
    @Test func describesNanoTrackBackbone() throws {
        let path = try SharedData.path("models/nanotrackv2_backbone_sim.onnx")
        let result = try CLI.run(["model", path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("parameters:  188,238 (188,208 floating-point)"), "\(result.stdout)")
        #expect(lines.contains("input:       input FLOAT [1, 3, 255, 255]"))
        #expect(lines.contains("opset:       ai.onnx 14"))
        #expect(lines.contains("nodes:       92: Conv 24, Gemm 12, Reshape 12, HardSwish 11, Relu 11, GlobalAveragePool 6, "
            + "HardSigmoid 6, Mul 6, Add 4"), "\(result.stdout)")
    }

    /// `--values` lists every node's outputs with their shapes: the names `--intermediate-hint` takes.
    @Test func listsValuesWithTheirShapes() throws {
        let path = try SharedData.path("models/nanotrackv2_backbone_sim.onnx")
        let result = try CLI.run(["model", path, "--values"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let values = result.stdout.split(separator: "\n").filter { $0.hasPrefix("value:") }
        #expect(values.count == 92)
        #expect(values.contains("value:       /features/features.3/Add_output_0 Add [1, 24, 32, 32]"), "\(result.stdout)")
        #expect(values.last == "value:       output Add [1, 48, 16, 16]")
        let small = try CLI.run(["model", path, "--values", "--input", "127"])
        #expect(small.stdout.contains("value:       /features/features.3/Add_output_0 Add [1, 24, 16, 16]"), "\(small.stdout)")
        #expect(!(try CLI.run(["model", path])).stdout.contains("value:"))
    }

    @Test func reportsONNXGFLOPForASquareInput() throws {
        let path = try SharedData.path("models/nanotrackv2_backbone_sim.onnx")
        let result = try CLI.run(["model", path, "--input", "127"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("compute:") })
        #expect(line.hasSuffix(" GFLOP for input [1, 3, 127, 127]"), "\(line)")
        let gflop = try #require(Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? ""))
        let declared = try CLI.run(["model", path, "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(declared.stdout.utf8)) as? [[String: Any]])
        let compute = try #require(json.first?["compute"] as? [String: Any])
        let gflop255 = try #require(compute["gflop"] as? Double)
        // Four times the pixels (16x16 against 8x8 output cells), about four times the work.
        #expect(gflop > 0.01 && gflop255 > 3.5 * gflop && gflop255 < 4.5 * gflop, "\(gflop) \(gflop255)")
        // The head's fixed Reshape does not take 127x127 inputs: reported, not fatal.
        let head = try CLI.run(["model", try SharedData.path("models/nanotrackv2_head_sim.onnx"), "--input", "127"])
        #expect(head.status == 0 && head.stdout.contains("compute:     does not run: node \"/corr_pw_"), "\(head.stdout)")
    }

    @Test func describesNanoTrackHeadAsJSON() throws {
        let path = try SharedData.path("models/nanotrackv2_head_sim.onnx")
        let result = try CLI.run(["model", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(json.count == 1)
        #expect(json.first?["parameters"] as? Int == 142_031)
        #expect(json.first?["tensorCount"] as? Int == 60)
        let operators = (json.first?["operators"] as? [[String: Any]])?.compactMap { $0["op"] as? String }
        #expect(operators == ["Conv", "Clip", "Reshape", "GlobalAveragePool", "MatMul", "Mul", "Relu", "Sigmoid", "Transpose", "Exp"])
    }

    @Test func describesASiamFCSafetensorsModel() throws {
        let path = try SharedData.path("models/fdsiamfc30.safetensors")
        let result = try CLI.run(["model", path, "--input", "127"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("siamfc:      loads as a SiamFC tracking model, widths 28/76/114/114/76"), "\(result.stdout)")
        #expect(result.stdout.contains("GFLOP for a 127x127 input"))
    }

    @Test func truncatedONNXFileGivesOneLineAndStatus1() throws {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: try SharedData.path("models/nanotrackv2_head_sim.onnx"))))
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let path = dir + "/truncated.onnx"
        try writeFile(path, Array(bytes[..<(bytes.count / 2)]))
        let result = try CLI.run(["model", path])
        #expect(!result.crashed && result.status == 1, "status \(result.status): \(result.stderr)")
        #expect(result.stderrLines == ["Error: \(path): not an ONNX model: the protobuf data is truncated"], "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
