import SiamFCEngine

/// Turns one node into an ``ONNXOperator``, checking its operator, attributes and constant
/// inputs; every refusal is one line naming the node and what is not supported.
struct ONNXOperatorDecoder {
    let node: ONNXNode
    /// `node "name"`, or `node #index (Op)` for an unnamed node.
    let label: String
    let opsetVersion: Int64
    /// Initializers and `Constant` outputs by name.
    let constants: [String: ONNXTensor]

    /// Attribute values are bounded so that no geometry computed from them can overflow.
    static let maxGeometry: Int64 = 1 << 20

    func fail(_ message: String) -> ONNXFormatError { ONNXFormatError("\(label): \(message)") }

    func unsupported(_ name: String) -> ONNXFormatError {
        let value = node.attributes[name].map { " " + Self.format($0) } ?? ""
        return fail("attribute \(name)\(value) is not supported")
    }

    static func format(_ attribute: ONNXAttribute) -> String {
        switch attribute {
        case .int(let v): "\(v)"
        case .float(let v): "\(v)"
        case .string(let v): "\"\(v)\""
        case .ints(let v): "[" + v.map(String.init).joined(separator: ",") + "]"
        case .floats(let v): "[" + v.map { "\($0)" }.joined(separator: ",") + "]"
        case .strings(let v): "[" + v.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        case .tensor(let t): "tensor \(t.dims)"
        case .tensors(let t): "\(t.count) tensors"
        case .graph(let name, _): "graph \(name)"
        case .graphs(let count): "\(count) graphs"
        case .unsupported(let what): what
        }
    }

    // MARK: Attributes

    func int(_ name: String, default value: Int64, in range: ClosedRange<Int64>) throws(ONNXFormatError) -> Int64 {
        guard let attribute = node.attributes[name] else { return value }
        guard let v = attribute.int, range.contains(v) else { throw unsupported(name) }
        return v
    }

    func float(_ name: String, default value: Float) throws(ONNXFormatError) -> Float {
        guard let attribute = node.attributes[name] else { return value }
        guard let v = attribute.float, v.isFinite else { throw unsupported(name) }
        return v
    }

    func ints(_ name: String) throws(ONNXFormatError) -> [Int64]? {
        guard let attribute = node.attributes[name] else { return nil }
        guard let v = attribute.ints, v.allSatisfy({ abs($0) <= Self.maxGeometry }) else { throw unsupported(name) }
        return v
    }

    /// One value for both spatial dimensions (`strides`, `kernel_shape`), or the default.
    func square(_ name: String, default value: Int, minimum: Int64 = 1) throws(ONNXFormatError) -> Int {
        guard let v = try ints(name) else { return value }
        guard v.count == 2, v[0] == v[1], v[0] >= minimum else { throw unsupported(name) }
        return Int(v[0])
    }

    /// Padding of both spatial dimensions: equal on all sides as one number, or else per side
    /// as ``ONNXPads`` (with 0 for the operator itself); `auto_pad` only NOTSET or VALID.
    func padding() throws(ONNXFormatError) -> (equal: Int, perSide: ONNXPads?) {
        if let autoPad = node.attributes["auto_pad"] {
            guard let mode = autoPad.string, mode == "NOTSET" || mode == "VALID" else { throw unsupported("auto_pad") }
            if mode == "VALID" {
                guard node.attributes["pads"] == nil else { throw unsupported("pads") }
                return (0, nil)
            }
        }
        guard let pads = try ints("pads") else { return (0, nil) }
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw unsupported("pads") }
        if pads.allSatisfy({ $0 == pads[0] }) { return (Int(pads[0]), nil) }
        return (0, ONNXPads(begin: [Int(pads[0]), Int(pads[1])], end: [Int(pads[2]), Int(pads[3])]))
    }

    func unitDilations() throws(ONNXFormatError) {
        if let d = try ints("dilations"), !d.allSatisfy({ $0 == 1 }) { throw unsupported("dilations") }
    }

    // MARK: Inputs

    func input(_ index: Int) -> String? {
        index < node.inputs.count && !node.inputs[index].isEmpty ? node.inputs[index] : nil
    }

    func constant(_ index: Int, what: String) throws(ONNXFormatError) -> ONNXTensor {
        guard let name = input(index) else { throw fail("input \(index + 1) (\(what)) is missing") }
        guard let value = constants[name] else { throw fail("input '\(name)' (\(what)) must be an initializer or a constant") }
        return value
    }

    func scalar(_ index: Int, what: String) throws(ONNXFormatError) -> Float? {
        guard input(index) != nil else { return nil }
        let value = try constant(index, what: what)
        guard value.elementCount == 1, let v = value.values.scalars.first, !v.isNaN else {
            throw fail("input '\(value.name)' (\(what)) must be one number, got shape \(value.dims)")
        }
        return v
    }

    func inputCount(_ range: ClosedRange<Int>) throws(ONNXFormatError) {
        guard range.contains(node.inputs.count), input(0) != nil else {
            throw fail("\(node.opType) takes \(range.lowerBound)…\(range.upperBound) inputs, got \(node.inputs.count)")
        }
        guard node.outputs.count == 1, !node.outputs[0].isEmpty else {
            throw fail("only one output is supported, got \(node.outputs.count)")
        }
    }

    // MARK: Operators

    /// The operator and the names of its inputs that are read at run time.
    func decode() throws(ONNXFormatError) -> (op: ONNXOperator, inputs: [String?]) {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw fail("operator \(node.domain).\(node.opType) is not supported")
        }
        guard let allowed = ONNXOperator.supported[node.opType] else { throw fail("operator \(node.opType) is not supported") }
        for name in node.attributes.keys.sorted() where !allowed.contains(name) { throw unsupported(name) }
        let x = input(0)
        switch node.opType {
        case "Conv":
            try inputCount(2...3)
            try unitDilations()
            let groups = Int(try int("group", default: 1, in: 1...Self.maxGeometry))
            let stride = try square("strides", default: 1)
            let (padding, perSide) = try padding()
            let kernel = try ints("kernel_shape")?.map(Int.init)
            if let kernel, kernel.count != 2 { throw unsupported("kernel_shape") }
            guard let weightName = input(1), constants[weightName] != nil else {
                // The weight is computed by the graph (a cross-correlation with the template).
                guard input(1) != nil else { throw fail("input 2 (weight) is missing") }
                let conv = ONNXDynamicConvolution(stride: stride, padding: padding, prePadding: perSide, groups: groups, kernel: kernel)
                return (.dynamicConvolution(conv), [x, input(1), input(2)])
            }
            let weight = try constant(1, what: "weight")
            guard weight.dims.count == 4 else { throw fail("only 2-D convolutions are supported (weight \(weight.dims))") }
            if let kernel, kernel != Array(weight.dims[2...]) { throw unsupported("kernel_shape") }
            if let biasName = input(2), constants[biasName] == nil {
                let conv = ONNXDynamicConvolution(stride: stride, padding: padding, prePadding: perSide, groups: groups, kernel: kernel)
                return (.dynamicConvolution(conv), [x, input(1), input(2)])
            }
            let bias = input(2) == nil ? nil : try constant(2, what: "bias")
            if let bias, bias.dims != [weight.dims[0]] { throw fail("bias shape \(bias.dims) does not fit weight \(weight.dims)") }
            let conv = ONNXConvolution(weight: weight.values, bias: bias?.values, stride: stride, padding: padding, groups: groups,
                                       activation: .none, prePadding: perSide)
            return (.convolution(conv), [x])
        case "BatchNormalization":
            try inputCount(5...5)
            guard try int("training_mode", default: 0, in: 0...0) == 0 else { throw unsupported("training_mode") }
            _ = try int("spatial", default: 1, in: 1...1)
            _ = try float("momentum", default: 0.9)
            let epsilon = try float("epsilon", default: 1e-5)
            let parts = [try constant(1, what: "scale"), try constant(2, what: "bias"), try constant(3, what: "mean"),
                         try constant(4, what: "variance")].map(\.values.scalars)
            let channels = parts[0].count
            guard parts.allSatisfy({ $0.count == channels }) else { throw fail("scale, bias, mean and variance differ in size") }
            var scale = [Float](repeating: 0, count: channels), shift = scale
            for c in 0..<channels {
                scale[c] = parts[0][c] / (parts[3][c] + epsilon).squareRoot()
                shift[c] = parts[1][c] - parts[2][c] * scale[c]
            }
            return (.batchNormalization(scale: scale, shift: shift), [x])
        case "Relu", "HardSwish", "Sigmoid", "Exp", "GlobalAveragePool", "MatMul", "Identity", "Flatten", "Transpose":
            try inputCount(node.opType == "MatMul" ? 2...2 : 1...1)
            switch node.opType {
            case "Relu": return (.activation(.relu), [x])
            case "HardSwish": return (.activation(.hardSwish), [x])
            case "Sigmoid": return (.sigmoid, [x])
            case "Exp": return (.exp, [x])
            case "GlobalAveragePool": return (.globalAveragePool, [x])
            case "MatMul": return (.matmul, [x, input(1)])
            case "Flatten": return (.flatten(axis: Int(try int("axis", default: 1, in: -16...16))), [x])
            case "Transpose": return (.transpose(permutation: try ints("perm")?.map(Int.init)), [x])
            default: return (.identity, [x])
            }
        case "Clip":
            try inputCount(1...3)
            var lower = -Float.infinity, upper = Float.infinity
            if opsetVersion < 11 {
                lower = try float("min", default: lower)
                upper = try float("max", default: upper)
            } else {
                if let name = ["min", "max"].first(where: { node.attributes[$0] != nil }) { throw unsupported(name) }
                lower = try scalar(1, what: "min") ?? lower
                upper = try scalar(2, what: "max") ?? upper
            }
            guard lower <= upper else { throw fail("clip minimum \(lower) above maximum \(upper)") }
            if lower == 0 && upper == 6 { return (.activation(.relu6), [x]) }
            if lower == 0 && upper == .infinity { return (.activation(.relu), [x]) }
            return (.clip(min: lower, max: upper), [x])
        case "HardSigmoid":
            try inputCount(1...1)
            return (.hardSigmoid(alpha: try float("alpha", default: 0.2), beta: try float("beta", default: 0.5)), [x])
        case "Gemm":
            try inputCount(2...3)
            let op = ONNXOperator.gemm(alpha: try float("alpha", default: 1), beta: try float("beta", default: 1),
                                       transposeA: try int("transA", default: 0, in: 0...1) == 1,
                                       transposeB: try int("transB", default: 0, in: 0...1) == 1)
            return (op, [x, input(1), input(2)])
        case "Reshape":
            try inputCount(2...2)
            let allowZero = try int("allowzero", default: 0, in: 0...1) == 1
            guard let shapeName = input(1), constants[shapeName] != nil else { return (.dynamicReshape(allowZero: allowZero), [x, input(1)]) }
            let target = try constant(1, what: "shape")
            guard target.dims.count == 1, let shape = target.integers,
                  shape.allSatisfy({ $0 >= -1 && $0 <= 1 << 31 }), shape.filter({ $0 == -1 }).count <= 1 else {
                throw fail("shape '\(target.name)' must be a list of integers ≥ -1 with at most one -1")
            }
            return (.reshape(shape: shape.map(Int.init), allowZero: allowZero), [x])
        case "Add", "Sub", "Mul", "Div":
            try inputCount(2...2)
            guard let operation = ONNXBinaryOperation(rawValue: node.opType) else { throw fail("operator \(node.opType) is not supported") }
            return (.binary(operation), [x, input(1)])
        case "MaxPool":
            try inputCount(1...1)
            try unitDilations()
            _ = try int("ceil_mode", default: 0, in: 0...0)
            _ = try int("storage_order", default: 0, in: 0...0)
            guard node.attributes["kernel_shape"] != nil else { throw fail("MaxPool needs kernel_shape") }
            let kernel = try square("kernel_shape", default: 1)
            let stride = try square("strides", default: 1)
            let (padding, perSide) = try padding()
            if let perSide {
                guard (perSide.begin + perSide.end).allSatisfy({ $0 < kernel }) else { throw unsupported("pads") }
                return (.paddedMaxPool(kernel: kernel, stride: stride, pads: perSide), [x])
            }
            guard padding * 2 <= kernel else { throw unsupported("pads") }
            return (.maxPool(kernel: kernel, stride: stride, padding: padding), [x])
        case "Concat", "Slice", "Shape", "Gather", "Unsqueeze", "Squeeze", "Softmax", "Pad", "ReduceMean", "Cast":
            return try decodeTensorOperator()
        default:
            throw fail("operator \(node.opType) is not supported")
        }
    }
}
