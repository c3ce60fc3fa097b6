import Foundation
import SiamFCEngine
import SiamFCSupport
import SwiftProtobuf

/// Builds one ONNX graph and writes it as a model file: inputs and outputs with fixed shapes,
/// Float32 initializers from engine tensors (raw little-endian data), Int64 constants (Reshape
/// targets), and nodes with their attributes. Used to export our own networks for onnxruntime
/// and OpenCV's DNN module.
///
/// ```swift
/// var graph = ONNXWriter(graphName: "backbone")
/// graph.addInput("input", shape: [1, 3, 255, 255])
/// let w = graph.addInitializer("stem.weight", weight)
/// graph.addNode("Conv", inputs: ["input", w], outputs: ["output"], attributes: ["pads": .ints([0, 0, 0, 0])])
/// graph.addOutput("output", shape: [1, 16, 127, 127])
/// try graph.write(to: "backbone.onnx")
/// ```
public struct ONNXWriter: Sendable {
    /// Operator set 14: the first with `HardSwish`, as NanoTrack v2's files (which OpenCV 5 and
    /// onnxruntime load) use.
    public static let defaultOpset = 14

    private var model = Onnx_ModelProto()
    private var nodeCount = 0

    public init(graphName: String, opset: Int = ONNXWriter.defaultOpset, producer: String = "siamfc") {
        model.irVersion = 7
        model.producerName = producer
        model.producerVersion = "1"
        var set = Onnx_OperatorSetIdProto()
        set.domain = ""
        set.version = Int64(opset)
        model.opsetImport = [set]
        model.graph.name = graphName
    }

    /// A graph input of element type FLOAT with fixed dimensions.
    public mutating func addInput(_ name: String, shape: [Int]) {
        addInput(name, dimensions: shape.map { .value($0) })
    }

    /// A graph input of element type FLOAT whose dimensions may be symbols (`height`).
    public mutating func addInput(_ name: String, dimensions: [ONNXDimension]) {
        model.graph.input.append(Self.valueInfo(name, dimensions))
    }

    /// A graph output of element type FLOAT with fixed dimensions.
    public mutating func addOutput(_ name: String, shape: [Int]) {
        addOutput(name, dimensions: shape.map { .value($0) })
    }

    /// A graph output of element type FLOAT; dimensions nil leaves its shape undeclared.
    public mutating func addOutput(_ name: String, dimensions: [ONNXDimension]?) {
        model.graph.output.append(Self.valueInfo(name, dimensions))
    }

    /// A Float32 initializer; returns its name, for node inputs.
    @discardableResult
    public mutating func addInitializer(_ name: String, _ tensor: Tensor) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map(Int64.init)
        proto.dataType = 1  // FLOAT
        var bytes = Data(count: tensor.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            tensor.withUnsafeBufferPointer { values in
                for (i, value) in values.enumerated() {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            }
        }
        proto.rawData = bytes
        model.graph.initializer.append(proto)
        return name
    }

    /// A Float32 scalar initializer (shape `[]`), e.g. `Clip`'s bounds.
    @discardableResult
    public mutating func addScalar(_ name: String, _ value: Float) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dataType = 1
        proto.rawData = withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) }
        model.graph.initializer.append(proto)
        return name
    }

    /// An Int64 vector initializer, e.g. a `Reshape` target.
    @discardableResult
    public mutating func addIntegers(_ name: String, _ values: [Int64]) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = [Int64(values.count)]
        proto.dataType = 7  // INT64
        var bytes = Data(count: values.count * 8)
        bytes.withUnsafeMutableBytes { raw in
            for (i, value) in values.enumerated() { raw.storeBytes(of: value.littleEndian, toByteOffset: 8 * i, as: Int64.self) }
        }
        proto.rawData = bytes
        model.graph.initializer.append(proto)
        return name
    }

    /// A node; attributes of kind `int`, `float`, `string`, `ints`, `floats` (others are a
    /// programming error). Nodes must be added in an order where every input is already defined.
    public mutating func addNode(_ op: String, inputs: [String], outputs: [String], name: String? = nil,
                                 attributes: [String: ONNXAttribute] = [:]) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name ?? "\(op)_\(nodeCount)"
        node.input = inputs
        node.output = outputs
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            switch value {
            case .int(let v): attribute.type = .int; attribute.i = v
            case .float(let v): attribute.type = .float; attribute.f = v
            case .string(let v): attribute.type = .string; attribute.s = Data(v.utf8)
            case .ints(let v): attribute.type = .ints; attribute.ints = v
            case .floats(let v): attribute.type = .floats; attribute.floats = v
            default: preconditionFailure("ONNXWriter: attribute \(key) of node \(op) has a kind the writer does not write")
            }
            node.attribute.append(attribute)
        }
        model.graph.node.append(node)
        nodeCount += 1
    }

    /// The model's protobuf encoding.
    public func serialized() throws -> [UInt8] {
        try model.serializedBytes()
    }

    /// Writes the model atomically (a temporary file renamed over `path`); errors name the file.
    public func write(to path: String) throws(ONNXError) {
        do {
            try AtomicFile.write(try serialized(), to: path)
        } catch let error as FileError {
            throw ONNXError(path: path, message: error.message)
        } catch {
            throw ONNXError(path: path, message: "cannot encode the model: \(error)")
        }
    }

    private static func valueInfo(_ name: String, _ dimensions: [ONNXDimension]?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = 1
        if let dimensions {
            info.type.tensorType.shape.dim = dimensions.map { value in
                var dim = Onnx_TensorShapeProto.Dimension()
                switch value {
                case .value(let n): dim.dimValue = Int64(n)
                case .symbol(let symbol): dim.dimParam = symbol
                case .unknown: break
                }
                return dim
            }
        }
        return info
    }
}
