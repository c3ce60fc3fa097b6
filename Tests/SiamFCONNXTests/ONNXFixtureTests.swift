import Foundation
import SiamFCEngine
import SwiftProtobuf
import Testing
@testable import SiamFCONNX

/// The graphs of `Fixtures` (written by scripts/onnx-fixtures.py: NanoTrack v1 and v3 shaped
/// graphs, a SiamFC AlexNet export, one graph per operator) against onnxruntime's outputs,
/// some at spatial sizes other than the declared ones.
struct ONNXFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }.sorted()
    static let tolerance: Float = 1e-4

    @Test func everyFamilyIsThere() {
        for name in ["nanotrack_v1_backbone_block", "nanotrack_v1_head", "nanotrack_v3_head", "siamfc_alexnet", "op_slice", "op_pad_opset11"] {
            #expect(Self.names.contains(name), "missing fixture \(name)")
        }
    }

    @Test(arguments: names)
    func matchesOnnxruntime(_ name: String) throws {
        let runner = try ONNXGraphRunner(model: try ONNXModel(contentsOf: "\(Self.directory)/\(name).onnx"))
        let io = try SafetensorsFile.read(path: "\(Self.directory)/\(name).safetensors")
        let runs = Set(io.tensors.keys.compactMap { $0.split(separator: "/").first.map(String.init) }).sorted()
        #expect(!runs.isEmpty)
        for run in runs {
            var inputs: [String: Tensor] = [:]
            for (key, value) in io.tensors where key.hasPrefix("\(run)/in/") { inputs[String(key.dropFirst(run.count + 4))] = value }
            let outputs = try runner.run(inputs: inputs)
            for (key, reference) in io.tensors.sorted(by: { $0.key < $1.key }) where key.hasPrefix("\(run)/out/") {
                let output = String(key.dropFirst(run.count + 5))
                let error = relativeError(outputs[output], reference)
                print("ONNX fixture \(name) run \(run) \(output) \(reference.shape): max relative error \(error)")
                #expect(error <= Self.tolerance,
                        "\(name) run \(run) \(output): error \(error), shape \(outputs[output]?.shape ?? []) vs \(reference.shape)")
            }
        }
    }

    @Test func dynamicWeightConvolutionIsOneStep() throws {
        // v3's depthwise cross-correlation: the weight is a graph value, not fused or folded.
        let model = try ONNXModel(contentsOf: "\(Self.directory)/nanotrack_v3_head.onnx")
        let runner = try ONNXGraphRunner(model: model)
        #expect(runner.plan.steps.contains { if case .dynamicConvolution = $0.op { true } else { false } })
    }
}

/// One-line errors for what the new operators do not support, at load and at run time.
struct ONNXOperatorErrorTests {
    static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(value.utf8)
        return attribute
    }

    /// X [batch,1,4,4] → `node` → Z, at `opset`, with `initializers`.
    static func model(_ node: Onnx_NodeProto, opset: Int64 = 13, initializers: [Onnx_TensorProto] = []) throws -> ONNXModel {
        var proto = TinyModels.convRelu()
        proto.opsetImport[0].version = opset
        proto.graph.node = [node]
        proto.graph.initializer = initializers
        proto.graph.output = [TinyModels.valueInfo("Z", [-1, 1, 4, 4])]
        return try ONNXModel(bytes: try TinyModels.bytes(proto), path: "/models/tiny.onnx")
    }

    static func int64(_ name: String, _ values: [Int64]) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = [Int64(values.count)]
        tensor.dataType = ONNXDataType.int64.rawValue
        tensor.int64Data = values
        return tensor
    }

    func loadError(_ model: ONNXModel) -> String {
        do {
            _ = try ONNXGraphRunner(model: model)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func unsupportedAttributesNameNodeAndValue() throws {
        var pad = TinyModels.node("Pad", ["X", "P"], ["Z"], name: "Pad_3")
        pad.attribute = [Self.string("mode", "reflect")]
        #expect(try loadError(Self.model(pad, initializers: [Self.int64("P", [0, 0, 1, 1, 0, 0, 1, 1])]))
            == "/models/tiny.onnx: node \"Pad_3\": attribute mode \"reflect\" is not supported")
        var conv = TinyModels.node("Conv", ["X", "W"], ["Z"], name: "Conv_1")
        conv.attribute = [Self.string("auto_pad", "SAME_UPPER")]
        #expect(loadError(try Self.model(conv, initializers: [TinyModels.tensor("W", dims: [1, 1, 3, 3], floats: .init(repeating: 1, count: 9))]))
            == "/models/tiny.onnx: node \"Conv_1\": attribute auto_pad \"SAME_UPPER\" is not supported")
        // Squeeze's axes became an input in opset 13: the attribute is refused there.
        let squeeze = TinyModels.node("Squeeze", ["X"], ["Z"], name: "sq", ints: ["axes": [0]])
        #expect(try loadError(Self.model(squeeze)) == "/models/tiny.onnx: node \"sq\": attribute axes [0] is not supported")
        #expect(try loadError(Self.model(squeeze, opset: 11)) == "no error")
        let slice = TinyModels.node("Slice", ["X"], ["Z"], name: "s", ints: ["starts": [0], "ends": [1]])
        #expect(try loadError(Self.model(slice)) == "/models/tiny.onnx: node \"s\": attribute starts [0] is not supported")
        var cast = TinyModels.node("Cast", ["X"], ["Z"], name: "c")
        var to = Onnx_AttributeProto()
        to.name = "to"
        to.type = .int
        to.i = Int64(ONNXDataType.float16.rawValue)
        cast.attribute = [to]
        #expect(try loadError(Self.model(cast)) == "/models/tiny.onnx: node \"c\": attribute to 10 is not supported")
        #expect(try loadError(Self.model(TinyModels.node("Concat", ["X", "X"], ["Z"], name: "cat")))
            == "/models/tiny.onnx: node \"cat\": Concat needs attribute axis")
    }

    @Test func badValuesAtRunTimeAreOneLineErrors() throws {
        let gather = TinyModels.node("Gather", ["X", "I"], ["Z"], name: "g", ints: ["axis": [1]])
        var proto = gather
        proto.attribute[0].type = .int
        proto.attribute[0].i = 1
        proto.attribute[0].ints = []
        let runner = try ONNXGraphRunner(model: try Self.model(proto, initializers: [Self.int64("I", [0, 3])]))
        do {
            _ = try runner.run(inputs: ["X": Tensor(zeros: [1, 1, 4, 4])])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "/models/tiny.onnx: node \"g\": gather: index 3 outside dimension 1 of [1, 1, 4, 4]")
        }
        // Padding past the element limit is refused before anything is allocated.
        let pad = TinyModels.node("Pad", ["X"], ["Z"], name: "big", ints: ["pads": [0, 0, 1 << 20, 1 << 20, 0, 0, 1 << 20, 1 << 20]])
        let padder = try ONNXGraphRunner(model: try Self.model(pad, opset: 7))
        do {
            _ = try padder.run(inputs: ["X": Tensor(zeros: [1, 1, 4, 4])])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("/models/tiny.onnx: node \"big\": pad: "))
            #expect(!"\(error)".contains("\n"))
        }
        // A Reshape target computed by the graph must be integers.
        var reshape = TinyModels.convRelu()
        reshape.graph.node = [TinyModels.node("Shape", ["X"], ["S"], name: "shape"), TinyModels.node("Div", ["S", "H"], ["T"], name: "half"),
                              TinyModels.node("Reshape", ["X", "T"], ["Z"], name: "r")]
        reshape.graph.initializer = [TinyModels.tensor("H", dims: [], floats: [3])]
        let reshaper = try ONNXGraphRunner(model: try ONNXModel(bytes: try TinyModels.bytes(reshape), path: "/models/tiny.onnx"))
        #expect(throws: ONNXError.self) { try reshaper.run(inputs: ["X": Tensor(zeros: [1, 1, 4, 4])]) }
    }
}
