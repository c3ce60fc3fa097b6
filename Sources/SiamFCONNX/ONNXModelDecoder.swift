/// Turns the generated protobuf messages into the model's Swift types, sharing one tensor
/// budget between initializers and constant attributes.
struct ONNXModelDecoder {
    var tensors: ONNXTensorDecoder

    init(limits: ONNXLimits) { tensors = ONNXTensorDecoder(limits: limits) }

    mutating func node(_ proto: Onnx_NodeProto, index: Int) throws(ONNXFormatError) -> ONNXNode {
        var attributes: [String: ONNXAttribute] = [:]
        let label = proto.name.isEmpty ? "\(proto.opType) node #\(index)" : "\(proto.opType) node '\(proto.name)'"
        guard !proto.opType.isEmpty else { throw ONNXFormatError("node #\(index) has no operator type") }
        for attribute in proto.attribute {
            guard attributes[attribute.name] == nil else {
                throw ONNXFormatError("\(label) has two attributes named '\(attribute.name)'")
            }
            attributes[attribute.name] = try value(attribute, what: "attribute '\(attribute.name)' of \(label)")
        }
        return ONNXNode(name: proto.name, opType: proto.opType, domain: proto.domain, inputs: proto.input,
                        outputs: proto.output, attributes: attributes)
    }

    mutating func value(_ proto: Onnx_AttributeProto, what: String) throws(ONNXFormatError) -> ONNXAttribute {
        if !proto.refAttrName.isEmpty { return .unsupported("reference to '\(proto.refAttrName)'") }
        var type = proto.type
        if !proto.hasType {
            // Files from before IR version 2 (2017) say nothing of the type: infer it.
            type = !proto.floats.isEmpty ? .floats : !proto.ints.isEmpty ? .ints : !proto.strings.isEmpty ? .strings
                : !proto.tensors.isEmpty ? .tensors : proto.hasT ? .tensor : proto.hasG ? .graph
                : proto.hasS ? .string : proto.hasI ? .int : .float
        }
        switch type {
        case .int: return .int(proto.i)
        case .float: return .float(proto.f)
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .ints: return .ints(proto.ints)
        case .floats: return .floats(proto.floats)
        case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensor: return .tensor(try tensors.decode(proto.t, what: "the tensor of \(what)"))
        case .tensors:
            var list: [ONNXTensor] = []
            for tensor in proto.tensors { list.append(try tensors.decode(tensor, what: "a tensor of \(what)")) }
            return .tensors(list)
        case .graph: return .graph(name: proto.g.name, nodeCount: proto.g.node.count)
        case .graphs: return .graphs(count: proto.graphs.count)
        case .sparseTensor, .sparseTensors: return .unsupported("sparse tensor")
        case .typeProto, .typeProtos: return .unsupported("type")
        case .undefined: throw ONNXFormatError("\(what) has an undefined type")
        }
    }

    static func valueInfo(_ proto: Onnx_ValueInfoProto) -> ONNXValueInfo {
        guard proto.hasType, case .tensorType(let tensor)? = proto.type.value else {
            return ONNXValueInfo(name: proto.name, elementType: nil, shape: nil)
        }
        let shape: [ONNXDimension]? = tensor.hasShape ? tensor.shape.dim.map { dim in
            switch dim.value {
            case .dimValue(let n)? where n >= 0 && n <= Int64(Int32.max): .value(Int(n))
            case .dimParam(let name)? where !name.isEmpty: .symbol(name)
            default: .unknown
            }
        } : nil
        return ONNXValueInfo(name: proto.name, elementType: tensor.hasElemType ? ONNXDataType(rawValue: tensor.elemType) : nil,
                             shape: shape)
    }
}
