import SiamFCEngine

/// One operator of an inference plan with its attributes decoded and checked, and its weights
/// (for convolutions and batch normalization) taken from the initializers.
enum ONNXOperator: Sendable {
    /// A 2-D convolution with its weights, possibly with a batch normalization folded in and an
    /// activation fused.
    case convolution(ONNXConvolution)
    /// Inference batch normalization as a per-channel affine map `x·scale + shift` (dimension 1).
    case batchNormalization(scale: [Float], shift: [Float])
    /// ReLU, ReLU6 (`Clip(0, 6)`) or HardSwish.
    case activation(FusedActivation)
    case clip(min: Float, max: Float)
    case hardSigmoid(alpha: Float, beta: Float)
    case sigmoid
    case exp
    case globalAveragePool
    /// Inputs A, B and optionally C.
    case gemm(alpha: Float, beta: Float, transposeA: Bool, transposeB: Bool)
    case matmul
    /// The target shape as the file gives it (0 copies a dimension unless `allowZero`, -1 is
    /// inferred).
    case reshape(shape: [Int], allowZero: Bool)
    case flatten(axis: Int)
    /// Nil: the dimensions reversed.
    case transpose(permutation: [Int]?)
    case binary(ONNXBinaryOperation)
    case maxPool(kernel: Int, stride: Int, padding: Int)
    /// MaxPool with padding that differs between sides: the input is padded with -∞ first.
    case paddedMaxPool(kernel: Int, stride: Int, pads: ONNXPads)
    case identity
    /// A convolution whose weight (input 2) and bias (input 3) are values of the graph, such
    /// as a depthwise cross-correlation with the template's features as the kernel.
    case dynamicConvolution(ONNXDynamicConvolution)
    /// Reshape to a shape computed by the graph (input 2).
    case dynamicReshape(allowZero: Bool)
    case concat(axis: Int)
    /// Bounds from attributes (opset < 10), or nil: from inputs 2…5.
    case slice(ONNXSliceBounds?)
    /// The input's dimensions `start..<end` (opset 15), as a 1-D tensor.
    case shape(start: Int, end: Int?)
    case gather(axis: Int)
    /// Axes from the attribute (opset < 13), or nil: from input 2.
    case unsqueeze(axes: [Int]?)
    /// Axes from the attribute (opset < 13), from input 2, or none: every dimension of 1.
    case squeeze(axes: [Int]?)
    /// `coerced`: the opset < 13 definition, over the dimensions from `axis` on flattened.
    case softmax(axis: Int, coerced: Bool)
    /// Constant padding; amounts from the attribute (opset < 11) or nil: inputs 2…4.
    case pad(pads: [Int]?, value: Float)
    /// Axes from the attribute (opset < 18), or nil: from input 2, if given.
    case reduceMean(axes: [Int]?, keepDimensions: Bool, noopWithEmptyAxes: Bool)
    /// Values are Float32 at run time; a cast to an integer type rounds toward zero.
    case cast(ONNXCast)

    /// The ONNX operator type, with a fused activation: `Conv+Relu`.
    var typeName: String {
        switch self {
        case .convolution(let c): c.activation == .none ? "Conv" : "Conv+" + Self.name(c.activation)
        case .batchNormalization: "BatchNormalization"
        case .activation(let a): Self.name(a)
        case .clip: "Clip"
        case .hardSigmoid: "HardSigmoid"
        case .sigmoid: "Sigmoid"
        case .exp: "Exp"
        case .globalAveragePool: "GlobalAveragePool"
        case .gemm: "Gemm"
        case .matmul: "MatMul"
        case .reshape: "Reshape"
        case .flatten: "Flatten"
        case .transpose: "Transpose"
        case .binary(let b): b.rawValue
        case .maxPool, .paddedMaxPool: "MaxPool"
        case .identity: "Identity"
        case .dynamicConvolution: "Conv"
        case .dynamicReshape: "Reshape"
        case .concat: "Concat"
        case .slice: "Slice"
        case .shape: "Shape"
        case .gather: "Gather"
        case .unsqueeze: "Unsqueeze"
        case .squeeze: "Squeeze"
        case .softmax: "Softmax"
        case .pad: "Pad"
        case .reduceMean: "ReduceMean"
        case .cast: "Cast"
        }
    }

    private static func name(_ activation: FusedActivation) -> String {
        switch activation {
        case .none: "Identity"
        case .relu: "Relu"
        case .relu6: "Clip"
        case .hardSwish: "HardSwish"
        }
    }

    /// The operators an ONNX graph may use, with the attributes read for each; anything else
    /// is refused when the plan is made.
    static let supported: [String: Set<String>] = [
        "Conv": ["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"],
        "BatchNormalization": ["epsilon", "momentum", "training_mode", "spatial"],
        "Relu": [], "HardSwish": [], "Sigmoid": [], "Exp": [], "GlobalAveragePool": [], "MatMul": [], "Identity": [],
        "Clip": ["min", "max"],
        "HardSigmoid": ["alpha", "beta"],
        "Gemm": ["alpha", "beta", "transA", "transB"],
        "Reshape": ["allowzero"],
        "Flatten": ["axis"],
        "Transpose": ["perm"],
        "Add": [], "Sub": [], "Mul": [], "Div": [],
        "MaxPool": ["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "storage_order", "auto_pad"],
        "Constant": ["value"],
        "Concat": ["axis"],
        "Slice": ["starts", "ends", "axes"],
        "Shape": ["start", "end"],
        "Gather": ["axis"],
        "Unsqueeze": ["axes"], "Squeeze": ["axes"],
        "Softmax": ["axis"],
        "Pad": ["mode", "pads", "value"],
        "ReduceMean": ["axes", "keepdims", "noop_with_empty_axes"],
        "Cast": ["to", "saturate"],
    ]
}

/// A convolution's constants: `[out, in/groups, kh, kw]` weight, bias, square stride and equal
/// padding on all sides, and the activation its outputs are stored through.
struct ONNXConvolution: Sendable {
    var weight: Tensor
    var bias: Tensor?
    let stride: Int
    let padding: Int
    let groups: Int
    var activation: FusedActivation
    /// Padding that differs between sides, applied (zeros) before the convolution; `padding`
    /// is then 0.
    var prePadding: ONNXPads? = nil

    /// Folds `y·scale + shift` (per output channel) into the weights and bias.
    func folding(scale: [Float], shift: [Float]) throws(EngineError) -> ONNXConvolution {
        let out = weight.shape[0]
        guard scale.count == out, shift.count == out else {
            throw EngineError("batch normalization of \(scale.count) channels after a convolution of \(out)")
        }
        let perChannel = weight.count / max(out, 1)
        let w = weight.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: weight.shape) { dst in
                for o in 0..<out { for i in 0..<perChannel { dst[o * perChannel + i] = src[o * perChannel + i] * scale[o] } }
            }
        }
        let oldBias = bias?.scalars ?? [Float](repeating: 0, count: out)
        let b = Tensor(vector: (0..<out).map { oldBias[$0] * scale[$0] + shift[$0] })
        var folded = self
        folded.weight = w
        folded.bias = b
        return folded
    }
}

/// The element-wise operators with ONNX (NumPy) broadcasting.
enum ONNXBinaryOperation: String, Sendable {
    case add = "Add", sub = "Sub", mul = "Mul", div = "Div"

    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: a + b
        case .sub: a - b
        case .mul: a * b
        case .div: a / b
        }
    }
}
