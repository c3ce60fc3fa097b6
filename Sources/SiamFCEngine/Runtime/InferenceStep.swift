import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One operator of an ``InferenceProgram``: what it computes, the value slots it reads (nil: an
/// optional input left out) and the slot it writes.
public struct InferenceStep: Sendable {
    /// Names the step in errors: `node "name"`.
    public let label: String
    public let operation: InferenceOperation
    public let inputs: [Int?]
    public let output: Int
    /// The same computation on tensors, for shapes the planned kernels do not take (and for
    /// ``InferenceOperation/other``); shapes that do not fit are an `EngineError`.
    public let fallback: @Sendable ([Tensor?]) throws(EngineError) -> Tensor

    public init(label: String, operation: InferenceOperation, inputs: [Int?], output: Int,
                fallback: @escaping @Sendable ([Tensor?]) throws(EngineError) -> Tensor) {
        self.label = label
        self.operation = operation
        self.inputs = inputs
        self.output = output
        self.fallback = fallback
    }
}

/// What an ``InferenceStep`` computes, as far as the planned kernels need to know.
public enum InferenceOperation: Sendable {
    /// A 2-D convolution of input 0 (NCHW), with its activation fused.
    case convolution(weight: Tensor, bias: Tensor?, stride: Int, padding: Int, groups: Int, activation: FusedActivation)
    /// Inputs 0 + 1 (planned for equal shapes).
    case add
    /// Inputs 0 × 1 (planned for `[N, C, H, W] × [N, C, 1, 1]` either way round).
    case multiply
    case elementwise(ElementwiseOperation)
    /// `[N, C, H, W] → [N, C, 1, 1]`.
    case globalAveragePool
    /// `alpha · op(A) · op(B) + beta · C` on inputs A, B and optionally C (planned for 2-D A and
    /// B and a C of N values, or of M × N).
    case gemm(alpha: Float, beta: Float, transposeA: Bool, transposeB: Bool)
    /// The batched product of inputs 0 and 1 (planned for equal batch dimensions, or a 2-D B).
    case matmul
    /// Input 0's values under the output's shape (Reshape, Flatten, Identity): no copy.
    case view
    /// Anything else: always the fallback.
    case other
}

/// An element-wise function that planned inference applies in place, on its own or right after
/// the step that produced its input.
public enum ElementwiseOperation: Sendable, Equatable {
    case activation(FusedActivation)
    case clip(min: Float, max: Float)
    case hardSigmoid(alpha: Float, beta: Float)
    case sigmoid
    case exp

    /// The same values as the engine's tensor operations (`activated`, `clipped`,
    /// `hardSigmoid`, `exp`); the sigmoid is OpenCV 5 dnn's, within an ulp or two of `sigmoid`
    /// (see `sfc_sigmoid`), so that ONNX graphs give OpenCV's outputs to the bit.
    func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .activation(let a): sfc_activate(x, count, a.code, x, 0)
        case .clip(let lower, let upper): for i in 0..<count { x[i] = x[i] < lower ? lower : (x[i] > upper ? upper : x[i]) }
        case .hardSigmoid(let alpha, let beta):
            let f = HardSigmoidFunction(alpha: alpha, beta: beta)
            for i in 0..<count { x[i] = f(x[i]) }
        case .sigmoid: sfc_sigmoid(x, count, x, 0)
        case .exp: for i in 0..<count { x[i] = expf(x[i]) }
        }
    }
}
