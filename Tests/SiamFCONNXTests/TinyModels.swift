import Foundation
import SwiftProtobuf
@testable import SiamFCONNX

/// Small ONNX models built with the generated message types, so each test can break exactly one
/// thing: X [1,1,4,4] → Conv(W 1x1x3x3, B) → Y → Relu → Z.
enum TinyModels {
    static func tensor(_ name: String, dims: [Int64], floats: [Float], raw: Bool = true) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = dims
        tensor.dataType = ONNXDataType.float.rawValue
        if raw {
            tensor.rawData = Data(floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } })
        } else {
            tensor.floatData = floats
        }
        return tensor
    }

    static func valueInfo(_ name: String, _ dims: [Int64]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = ONNXDataType.float.rawValue
        info.type.tensorType.shape.dim = dims.map { value in
            var dim = Onnx_TensorShapeProto.Dimension()
            if value < 0 { dim.dimParam = "batch" } else { dim.dimValue = value }
            return dim
        }
        return info
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     ints: [String: [Int64]] = [:]) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name
        node.input = inputs
        node.output = outputs
        for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto()
            attribute.name = key
            attribute.type = .ints
            attribute.ints = values
            node.attribute.append(attribute)
        }
        return node
    }

    /// The valid model; tests change one part of it.
    static func convRelu() -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "siamfc-tests"
        model.producerVersion = "1"
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 14
        model.opsetImport = [opset]
        model.graph.name = "tiny"
        model.graph.input = [valueInfo("X", [-1, 1, 4, 4])]
        model.graph.output = [valueInfo("Z", [-1, 1, 2, 2])]
        model.graph.initializer = [
            tensor("W", dims: [1, 1, 3, 3], floats: (0..<9).map { Float($0) / 8 }),
            tensor("B", dims: [1], floats: [0.5], raw: false),
        ]
        model.graph.node = [
            node("Conv", ["X", "W", "B"], ["Y"], name: "conv", ints: ["kernel_shape": [3, 3], "pads": [0, 0, 0, 0]]),
            node("Relu", ["Y"], ["Z"], name: "relu"),
        ]
        return model
    }

    static func bytes(_ model: Onnx_ModelProto) throws -> [UInt8] {
        try model.serializedBytes()
    }
}
