/// Squeeze-and-excitation (Hu et al. 2018) as MobileNetV3 uses it: the channels' means, a
/// bottleneck of two 1x1 convolutions with ReLU between, a gate, and every channel scaled by its
/// gate. Children `fc1`, `fc2` (1x1 convolutions with bias, as torchvision names them).
public final class SqueezeExcitation: Module {
    /// The function that turns the second convolution's output into channel factors.
    public enum Gate: String, Sendable, Codable {
        /// `max(0, min(1, x/6 + 1/2))` (MobileNetV3, PyTorch's `Hardsigmoid`).
        case hardSigmoid
        case sigmoid
    }

    /// HardSigmoid's slope and offset as PyTorch defines it (ONNX's default slope is 0.2).
    public static let hardSigmoidAlpha: Float = 1.0 / 6.0
    public static let hardSigmoidBeta: Float = 0.5

    public let fc1: Conv2d
    public let fc2: Conv2d
    public let gate: Gate
    public var isTraining = true

    public init(channels: Int, squeezed: Int, gate: Gate = .hardSigmoid, using generator: inout some RandomNumberGenerator) {
        fc1 = Conv2d(channels, squeezed, kernel: 1, using: &generator)
        fc2 = Conv2d(squeezed, channels, kernel: 1, using: &generator)
        self.gate = gate
    }

    public func forward(_ x: Variable) throws -> Variable {
        let hidden = relu(try fc1(try globalAveragePool(x)))
        let logits = try fc2(hidden)
        let factors = gate == .sigmoid ? sigmoid(logits)
            : hardSigmoid(logits, alpha: Self.hardSigmoidAlpha, beta: Self.hardSigmoidBeta)
        return try scaleChannels(x, by: factors)
    }

    public func namedChildren() -> [(String, Module)] { [("fc1", fc1), ("fc2", fc2)] }

    public func folded() -> Folded {
        Folded(fc1: FoldedConvolution(weight: fc1.weight.value, bias: fc1.bias?.value ?? Tensor(zeros: [fc1.weight.shape[0]]),
                                      activation: .relu),
               fc2: FoldedConvolution(weight: fc2.weight.value, bias: fc2.bias?.value ?? Tensor(zeros: [fc2.weight.shape[0]])),
               gate: gate)
    }

    /// The block for inference on tensors.
    public struct Folded: Sendable {
        /// The squeeze, ReLU fused.
        public let fc1: FoldedConvolution
        public let fc2: FoldedConvolution
        public let gate: Gate

        public func callAsFunction(_ x: Tensor) throws -> Tensor {
            let logits = try fc2(try fc1(try x.globalAveragePool()))
            let factors = gate == .sigmoid ? logits.sigmoid()
                : logits.hardSigmoid(alpha: SqueezeExcitation.hardSigmoidAlpha, beta: SqueezeExcitation.hardSigmoidBeta)
            return try x.scalingChannels(by: factors)
        }

        public var flops: Int { 2 * (fc1.weight.count + fc2.weight.count) }
    }
}
