import SiamFCTestSupport
import Testing
import SiamFCONNX

/// The NanoTrack v2 models of the shared data set: parameter counts and operators as the issue
/// states them (and as the `onnx` Python package counts them).
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct SharedONNXModelTests {
    @Test func nanoTrackBackbone() throws {
        let model = try ONNXModel(contentsOf: try SharedData.path("models/nanotrackv2_backbone_sim.onnx"))
        #expect(model.parameterCount == 188_238)
        #expect(model.floatParameterCount == 188_208)
        #expect(model.initializers.count == 82)
        #expect(model.producerName == "pytorch" && model.opsetVersion == 14)
        #expect(model.inputs.map(\.description) == ["input FLOAT [1, 3, 255, 255]"])
        #expect(model.outputs.map(\.description) == ["output FLOAT [1, 48, 16, 16]"])
        #expect(model.operatorHistogram.map { "\($0.op) \($0.count)" } == [
            "Conv 24", "Gemm 12", "Reshape 12", "HardSwish 11", "Relu 11", "GlobalAveragePool 6", "HardSigmoid 6",
            "Mul 6", "Add 4",
        ])
        // Reshape targets stay exact as integers.
        let shapes = model.initializers.filter { $0.dataType == .int64 }
        #expect(shapes.reduce(0) { $0 + $1.elementCount } == 30 && shapes.allSatisfy { $0.integers?.count == $0.elementCount })
    }

    @Test func nanoTrackHead() throws {
        let model = try ONNXModel(contentsOf: try SharedData.path("models/nanotrackv2_head_sim.onnx"))
        #expect(model.parameterCount == 142_031)
        #expect(model.floatParameterCount == 142_024)
        #expect(model.inputs.map(\.description) == ["input1 FLOAT [1, 48, 8, 8]", "input2 FLOAT [1, 48, 16, 16]"])
        #expect(model.outputs.map(\.description) == ["output1 FLOAT [1, 2, 16, 16]", "output2 FLOAT [1, 4, 16, 16]"])
        #expect(model.operatorHistogram.map { "\($0.op) \($0.count)" } == [
            "Conv 34", "Clip 12", "Reshape 6", "GlobalAveragePool 2", "MatMul 2", "Mul 2", "Relu 2", "Sigmoid 2",
            "Transpose 2", "Exp 1",
        ])
    }

    @Test func vitTrackWithConstants() throws {
        let model = try ONNXModel(contentsOf: try SharedData.path("models/vittrack.onnx"))
        #expect(model.parameterCount == 187_845)
        #expect(model.nodes.count == 267)
        #expect(model.operatorHistogram.first.map { "\($0.op) \($0.count)" } == "Constant 51")
    }
}
