import SiamFCEngine
import SiamFCTestSupport
import SwiftProtobuf
import Testing
@testable import SiamFCONNX

/// Max |ours − ref| / max |ref|.
func relativeError(_ ours: Tensor?, _ reference: Tensor?) -> Float {
    guard let ours, let reference, ours.shape == reference.shape else { return .infinity }
    let scale = reference.scalars.map(abs).max() ?? 0
    return ours.maxAbsDifference(reference) / max(scale, .leastNormalMagnitude)
}

/// NanoTrack v2's two graphs against onnxruntime's outputs on the same inputs.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct NanoTrackONNXParityTests {
    static let tolerance: Float = 1e-4

    func golden() throws -> SafetensorsFile {
        try SafetensorsFile.read(path: try SharedData.path("golden/nanotrack/onnx_io.safetensors"))
    }

    func runner(_ name: String) throws -> ONNXGraphRunner {
        try ONNXGraphRunner(model: try ONNXModel(contentsOf: try SharedData.path("models/nanotrackv2_\(name)_sim.onnx")))
    }

    @Test(arguments: ["backbone255", "backbone127"])
    func backbone(_ key: String) throws {
        let io = try golden(), backbone = try runner("backbone")
        let input = try #require(io.tensors["\(key).input"])
        let output = try backbone.run(inputs: ["input": input])["output"]
        let error = relativeError(output, io.tensors["\(key).output"])
        print("ONNX parity \(key).output: max relative error \(error)")
        #expect(error <= Self.tolerance)
        // Bit-for-bit repeatable.
        #expect(try backbone.run(inputs: ["input": input])["output"] == output)
    }

    @Test func head() throws {
        let io = try golden(), head = try runner("head")
        let inputs = ["input1": try #require(io.tensors["head.input1"]), "input2": try #require(io.tensors["head.input2"])]
        let outputs = try head.run(inputs: inputs)
        for name in ["output1", "output2"] {
            let error = relativeError(outputs[name], io.tensors["head.\(name)"])
            print("ONNX parity head.\(name): max relative error \(error)")
            #expect(error <= Self.tolerance)
        }
        let again = try head.run(inputs: inputs)
        #expect(again["output1"] == outputs["output1"] && again["output2"] == outputs["output2"])
    }

    @Test func fusionAndWrongInputs() throws {
        let backbone = try runner("backbone")
        // Every Relu, HardSwish and Clip(0, 6) that follows a Conv is fused into it: 11 of the
        // backbone's 22 activations (the others follow Gemm or Mul), all 14 of the head's.
        let model = try ONNXModel(contentsOf: try SharedData.path("models/nanotrackv2_backbone_sim.onnx"))
        #expect(backbone.stepCount == model.nodes.count - 11)
        let headModel = try ONNXModel(contentsOf: try SharedData.path("models/nanotrackv2_head_sim.onnx"))
        #expect(try ONNXGraphRunner(model: headModel).stepCount == headModel.nodes.count - 14)
        #expect(throws: ONNXError.self) { try backbone.run(inputs: ["input": Tensor(zeros: [1, 4, 127, 127])]) }
        #expect(throws: ONNXError.self) { try backbone.run(inputs: ["input": Tensor(zeros: [3, 127, 127])]) }
        #expect(throws: ONNXError.self) { try backbone.run(inputs: ["image": Tensor(zeros: [1, 3, 127, 127])]) }
        // A spatial size the head's fixed Reshape cannot take is an error naming the node.
        let head = try ONNXGraphRunner(model: headModel)
        do {
            _ = try head.run(inputs: ["input1": Tensor(zeros: [1, 48, 8, 8]), "input2": Tensor(zeros: [1, 48, 12, 12])])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("node \"/corr_pw_"))
        }
    }
}

/// The plan's checks and operators on tiny hand-built models.
struct ONNXGraphRunnerTests {
    static func model(_ proto: Onnx_ModelProto) throws -> ONNXModel {
        try ONNXModel(bytes: try TinyModels.bytes(proto), path: "/models/tiny.onnx")
    }

    @Test func convReluRunsFused() throws {
        let runner = try ONNXGraphRunner(model: try Self.model(TinyModels.convRelu()))
        #expect(runner.stepCount == 1)
        let x = try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map { Float($0) - 8 })
        let z = try #require(try runner.run(inputs: ["X": x])["Z"])
        let w = try Tensor(shape: [1, 1, 3, 3], values: (0..<9).map { Float($0) / 8 })
        let reference = try x.conv2d(weight: w, bias: Tensor(vector: [0.5])).relu()
        #expect(z == reference)
        // Another spatial size works; the batch is free (declared as a symbol).
        #expect(try runner.run(inputs: ["X": Tensor(zeros: [2, 1, 6, 5])])["Z"]?.shape == [2, 1, 4, 3])
    }

    /// A runner and its planned program are freed with their last user, schedules included

    /// An exposed hidden value is returned as it is before the next node reads it: the Conv's
    /// output, no longer fused with the Relu, keeps its negative values.
    @Test func exposedValueIsReturnedUnfused() throws {
        let model = try Self.model(TinyModels.convRelu()).exposing(["Y"])
        #expect(model.outputs.map(\.name) == ["Z", "Y"])
        let runner = try ONNXGraphRunner(model: model)
        #expect(runner.stepCount == 2)
        let x = try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map { Float($0) - 8 })
        let outputs = try runner.run(inputs: ["X": x])
        let w = try Tensor(shape: [1, 1, 3, 3], values: (0..<9).map { Float($0) / 8 })
        let y = try x.conv2d(weight: w, bias: Tensor(vector: [0.5]))
        #expect(outputs["Y"] == y)
        #expect(y.scalars.contains { $0 < 0 })
        #expect(outputs["Z"] == y.relu())
        // Exposing a declared output again changes nothing; an unknown name is an error naming the file.
        #expect(try model.exposing(["Z"]).outputs.count == 2)
        #expect(throws: ONNXError.self) { try Self.model(TinyModels.convRelu()).exposing(["missing"]) }
        do {
            _ = try Self.model(TinyModels.convRelu()).exposing(["missing"])
        } catch {
            #expect("\(error)".contains("/models/tiny.onnx") && "\(error)".contains("'missing'"))
        }
    }
    /// (a program and its schedules once kept each other alive; the fuzzer's leak check found it).
    @Test func programIsFreedWithTheRunner() throws {
        weak var program: InferenceProgram?
        try {
            let runner = try ONNXGraphRunner(model: try Self.model(TinyModels.convRelu()))
            _ = try runner.run(inputs: ["X": Tensor(zeros: [1, 1, 4, 4])])
            program = runner.program
            #expect(program != nil)
        }()
        #expect(program == nil)
    }

    @Test func unsupportedAttributeIsOneLine() throws {
        var proto = TinyModels.convRelu()
        proto.graph.node[0] = TinyModels.node("Conv", ["X", "W", "B"], ["Y"], name: "Conv_12",
                                              ints: ["kernel_shape": [3, 3], "dilations": [2, 2]])
        do {
            _ = try ONNXGraphRunner(model: try Self.model(proto))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "/models/tiny.onnx: node \"Conv_12\": attribute dilations [2,2] is not supported")
        }
        proto.graph.node[0] = TinyModels.node("Conv", ["X", "W", "B"], ["Y"], name: "Conv_12", ints: ["strides": [1, 2]])
        #expect(throws: ONNXError(path: "/models/tiny.onnx", message: "node \"Conv_12\": attribute strides [1,2] is not supported")) {
            try ONNXGraphRunner(model: try Self.model(proto))
        }
        proto = TinyModels.convRelu()
        proto.graph.node[1] = TinyModels.node("Resize", ["Y"], ["Z"], name: "up")
        #expect(throws: ONNXError(path: "/models/tiny.onnx", message: "node \"up\": operator Resize is not supported")) {
            try ONNXGraphRunner(model: try Self.model(proto))
        }
    }

    @Test func wrongInputShapeIsTypedError() throws {
        let runner = try ONNXGraphRunner(model: try Self.model(TinyModels.convRelu()))
        #expect(throws: ONNXError(path: "/models/tiny.onnx",
                                  message: "input 'X' must have 1 as channels (X FLOAT [batch, 1, 4, 4]), got shape [1, 2, 4, 4]")) {
            try runner.run(inputs: ["X": Tensor(zeros: [1, 2, 4, 4])])
        }
        #expect(throws: ONNXError.self) { try runner.run(inputs: ["X": Tensor(zeros: [1, 4, 4])]) }
        #expect(throws: ONNXError.self) { try runner.run(inputs: [:]) }
        // Smaller than the kernel: the engine's error, naming the node.
        do {
            _ = try runner.run(inputs: ["X": Tensor(zeros: [1, 1, 2, 2])])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("/models/tiny.onnx: node \"conv\": conv2d:"))
        }
    }

    @Test func batchNormFoldsOrRuns() throws {
        func bn(_ proto: inout Onnx_ModelProto, input: String, output: String) {
            proto.graph.initializer += [
                TinyModels.tensor("s", dims: [1], floats: [2]), TinyModels.tensor("b", dims: [1], floats: [-1]),
                TinyModels.tensor("m", dims: [1], floats: [0.25]), TinyModels.tensor("v", dims: [1], floats: [4]),
            ]
            proto.graph.node.insert(TinyModels.node("BatchNormalization", [input, "s", "b", "m", "v"], [output], name: "bn"), at: 1)
        }
        // Conv → BN → Relu: folded and fused into one step.
        var folded = TinyModels.convRelu()
        folded.graph.node[1] = TinyModels.node("Relu", ["N"], ["Z"], name: "relu")
        bn(&folded, input: "Y", output: "N")
        let runner = try ONNXGraphRunner(model: try Self.model(folded))
        #expect(runner.stepCount == 1)
        let x = try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map { Float($0) / 4 - 2 })
        let w = try Tensor(shape: [1, 1, 3, 3], values: (0..<9).map { Float($0) / 8 })
        let y = try x.conv2d(weight: w, bias: Tensor(vector: [0.5]))
        let scale = Float(2) / (Float(4) + 1e-5).squareRoot()
        let reference = y.map { max(($0 - 0.25) * scale - 1, 0) }
        let z = try #require(try runner.run(inputs: ["X": x])["Z"])
        #expect(z.maxAbsDifference(reference) < 1e-5)
        // BN on a graph input: run on its own.
        var alone = TinyModels.convRelu()
        alone.graph.node = [TinyModels.node("BatchNormalization", ["X", "s", "b", "m", "v"], ["Z"], name: "bn")]
        bn(&alone, input: "X", output: "Q")
        alone.graph.node.removeLast()
        alone.graph.output = [TinyModels.valueInfo("Z", [-1, 1, 4, 4])]
        let plain = try ONNXGraphRunner(model: try Self.model(alone))
        #expect(try #require(try plain.run(inputs: ["X": x])["Z"]).maxAbsDifference(x.map { ($0 - 0.25) * scale - 1 }) < 1e-6)
    }

    @Test func broadcasting() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], values: [10, 20, 30])
        #expect(try ONNXBroadcast.apply(.add, a, b).scalars == [11, 22, 33, 14, 25, 36])
        let c = try Tensor(shape: [2, 1], values: [2, 3])
        #expect(try ONNXBroadcast.apply(.mul, a, c).scalars == [2, 4, 6, 12, 15, 18])
        #expect(try ONNXBroadcast.apply(.sub, Tensor(1), c).scalars == [-1, -2])
        #expect(throws: EngineError.self) { try ONNXBroadcast.apply(.div, a, Tensor(zeros: [2])) }
        #expect(ONNXBroadcast.shape([1 << 15, 1], [1, 1 << 15]) == nil)
        let x = Tensor(repeating: 2, shape: [1, 2, 2, 2]), s = try Tensor(shape: [1, 2, 1, 1], values: [3, 4])
        #expect(try ONNXBroadcast.apply(.mul, s, x).scalars == [6, 6, 6, 6, 8, 8, 8, 8])
    }

    @Test func maxPoolAndFlatten() throws {
        var proto = TinyModels.convRelu()
        var pool = TinyModels.node("MaxPool", ["X"], ["P"], name: "pool", ints: ["kernel_shape": [2, 2], "strides": [2, 2]])
        pool.attribute.sort { $0.name < $1.name }
        proto.graph.node = [pool, TinyModels.node("Flatten", ["P"], ["Z"], name: "flat")]
        proto.graph.output = [TinyModels.valueInfo("Z", [-1, 4])]
        let runner = try ONNXGraphRunner(model: try Self.model(proto))
        let x = try Tensor(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init))
        let z = try #require(try runner.run(inputs: ["X": x])["Z"])
        #expect(z.shape == [1, 4] && z.scalars == [5, 7, 13, 15])
    }
}
