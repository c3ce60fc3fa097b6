import Foundation
import SiamFCTestSupport
import Testing
@testable import SiamFCONNX

/// Reading valid models, and refusing broken ones with a message that names the problem.
@Suite struct ONNXModelTests {
    func load(_ model: Onnx_ModelProto, limits: ONNXLimits = .standard) throws -> ONNXModel {
        try ONNXModel(bytes: try TinyModels.bytes(model), path: "tiny.onnx", limits: limits)
    }

    /// The one-line error a broken model gets.
    func refusal(_ model: Onnx_ModelProto, limits: ONNXLimits = .standard) throws -> String {
        do {
            _ = try load(model, limits: limits)
        } catch {
            return "\(error)"
        }
        Issue.record("the model was accepted")
        return ""
    }

    @Test func readsATinyModel() throws {
        let model = try load(TinyModels.convRelu())
        #expect(model.producerName == "siamfc-tests" && model.producerVersion == "1")
        #expect(model.opsetVersion == 14)
        #expect(model.inputs.map(\.description) == ["X FLOAT [batch, 1, 4, 4]"])
        #expect(model.outputs.map(\.description) == ["Z FLOAT [batch, 1, 2, 2]"])
        #expect(model.nodes.map(\.opType) == ["Conv", "Relu"])
        #expect(model.nodes[0].attributes["kernel_shape"]?.ints == [3, 3])
        #expect(model.parameterCount == 10 && model.floatParameterCount == 10)
        let weight = try #require(model.initializer(named: "W"))
        #expect(weight.dims == [1, 1, 3, 3] && weight.values.shape == [1, 1, 3, 3])
        #expect(weight.values.scalars == (0..<9).map { Float($0) / 8 })
        #expect(model.initializer(named: "B")?.values.scalars == [0.5])
    }

    @Test func convertsIntegerAndHalfInitializers() throws {
        var proto = TinyModels.convRelu()
        var shape = Onnx_TensorProto()
        shape.name = "shape"
        shape.dataType = ONNXDataType.int64.rawValue
        shape.dims = [2]
        shape.int64Data = [1, -1]
        var half = Onnx_TensorProto()
        half.name = "half"
        half.dataType = ONNXDataType.float16.rawValue
        half.dims = [3]
        half.rawData = Data([0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00])  // 1, -2, the smallest subnormal
        proto.graph.initializer += [shape, half]
        let model = try load(proto)
        #expect(model.initializer(named: "shape")?.integers == [1, -1])
        #expect(model.initializer(named: "shape")?.values.scalars == [1, -1])
        #expect(model.initializer(named: "half")?.values.scalars == [1, -2, 0x1p-24])
        #expect(model.parameterCount == 15 && model.floatParameterCount == 13)
    }

    @Test func ordersNodesStoredOutOfOrder() throws {
        var proto = TinyModels.convRelu()
        proto.graph.node.reverse()
        #expect(try load(proto).nodes.map(\.opType) == ["Conv", "Relu"])
    }

    @Test func refusesAMissingInput() throws {
        var proto = TinyModels.convRelu()
        proto.graph.node[1].input = ["nowhere"]
        let message = try refusal(proto)
        #expect(message.hasPrefix("tiny.onnx: missing input 'nowhere' of Relu node 'relu'"), "\(message)")
    }

    @Test func refusesADuplicateOutput() throws {
        var proto = TinyModels.convRelu()
        proto.graph.node.append(TinyModels.node("Sigmoid", ["Y"], ["Z"], name: "again"))
        let message = try refusal(proto)
        #expect(message.hasPrefix("tiny.onnx: duplicate output 'Z'"), "\(message)")
    }

    @Test func refusesExternalData() throws {
        var proto = TinyModels.convRelu()
        proto.graph.initializer[0].rawData = Data()
        proto.graph.initializer[0].dataLocation = .external
        var location = Onnx_StringStringEntryProto()
        location.key = "location"
        location.value = "weights.bin"
        proto.graph.initializer[0].externalData = [location]
        let message = try refusal(proto)
        #expect(message.hasPrefix("tiny.onnx: initializer 'W' keeps its data in an external file (weights.bin)"), "\(message)")
    }

    @Test func refusesARawDataLengthMismatch() throws {
        var proto = TinyModels.convRelu()
        proto.graph.initializer[0].rawData.removeLast()
        let message = try refusal(proto)
        #expect(message == "tiny.onnx: initializer 'W' (FLOAT [1, 1, 3, 3]) needs 36 bytes of raw_data, the file has 35", "\(message)")
    }

    @Test func refusesATypedDataCountMismatch() throws {
        var proto = TinyModels.convRelu()
        proto.graph.initializer[1].floatData = [1, 2]
        let message = try refusal(proto)
        #expect(message == "tiny.onnx: initializer 'B' (FLOAT [1]) needs 1 values, float_data has 2", "\(message)")
    }

    @Test func refusesACycle() throws {
        var proto = TinyModels.convRelu()
        proto.graph.node.append(TinyModels.node("Add", ["Z", "V"], ["U"], name: "a"))
        proto.graph.node.append(TinyModels.node("Neg", ["U"], ["V"], name: "b"))
        let message = try refusal(proto)
        #expect(message.hasPrefix("tiny.onnx: the graph has a cycle: 2 nodes"), "\(message)")
    }

    @Test func refusesTensorsOverTheLimits() throws {
        var limits = ONNXLimits()
        limits.maxElements = 8
        let message = try refusal(TinyModels.convRelu(), limits: limits)
        #expect(message.contains("initializer 'W' has shape [1, 1, 3, 3], over the limit of 8 elements"), "\(message)")
    }

    @Test func refusesTruncatedAndForeignBytes() throws {
        let bytes = try TinyModels.bytes(TinyModels.convRelu())
        for cut in [bytes.count / 2, bytes.count - 1] {
            #expect(throws: ONNXError.self) { try ONNXModel(bytes: Array(bytes[..<cut]), path: "cut.onnx") }
        }
        do {
            _ = try ONNXModel(bytes: Array(bytes[..<(bytes.count / 2)]), path: "cut.onnx")
        } catch {
            #expect(error.description.hasPrefix("cut.onnx: not an ONNX model: "), "\(error)")
        }
        #expect(throws: ONNXError(path: "empty.onnx", message: "not an ONNX model: no graph")) {
            try ONNXModel(bytes: [], path: "empty.onnx")
        }
    }

    @Test func namesAMissingFile() {
        #expect(throws: ONNXError(path: "/nonexistent/m.onnx", message: "no such file or directory")) {
            try ONNXModel(contentsOf: "/nonexistent/m.onnx")
        }
    }

    /// Writes the fuzz target's seed corpus when `SIAMFC_WRITE_FUZZ_SEEDS` is set (by hand, after
    /// changing the tiny models): `Fuzz/Corpus/FuzzONNX` holds its output.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SIAMFC_WRITE_FUZZ_SEEDS"] != nil))
    func writeFuzzSeeds() throws {
        let folder = SharedData.packageRoot + "/Fuzz/Corpus/FuzzONNX"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var integers = TinyModels.convRelu()
        var shape = Onnx_TensorProto()
        shape.name = "shape"
        shape.dataType = ONNXDataType.int64.rawValue
        shape.dims = [2]
        shape.int64Data = [1, -1]
        integers.graph.initializer.append(shape)
        integers.graph.node.append(TinyModels.node("Reshape", ["Z", "shape"], ["R"], name: "flat"))
        integers.graph.output.append(TinyModels.valueInfo("R", [1, 4]))
        var missing = TinyModels.convRelu()
        missing.graph.node[1].input = ["nowhere"]
        var constant = TinyModels.convRelu()
        var value = Onnx_AttributeProto()
        value.name = "value"
        value.type = .tensor
        value.t = TinyModels.tensor("", dims: [], floats: [2], raw: false)
        var constantNode = TinyModels.node("Constant", [], ["two"], name: "two")
        constantNode.attribute = [value]
        constant.graph.node.insert(constantNode, at: 0)
        constant.graph.node.append(TinyModels.node("Mul", ["Z", "two"], ["M"]))
        constant.graph.output.append(TinyModels.valueInfo("M", [1, 1, 2, 2]))
        let seeds = ["conv-relu.onnx": TinyModels.convRelu(), "reshape-int64.onnx": integers,
                     "missing-input.onnx": missing, "constant-mul.onnx": constant]
        for (name, model) in seeds { try writeFile(folder + "/" + name, try TinyModels.bytes(model)) }
    }
}
