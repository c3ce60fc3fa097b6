/// A convolution ready for inference: batch norm folded into its weight and bias, its
/// activation fused into the store (depthwise ones on the depthwise kernel, pointwise ones on
/// sgemm). What ``ConvBNActivation/folded()`` gives and what an ONNX export writes as one `Conv`.
public struct FoldedConvolution: Sendable {
    /// `[out, in/groups, k, k]`.
    public let weight: Tensor
    /// `[out]`.
    public let bias: Tensor
    public let stride: Int
    public let padding: Int
    public let groups: Int
    public let activation: FusedActivation

    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Int = 0, groups: Int = 1,
                activation: FusedActivation = .none) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.activation = activation
    }

    public var outChannels: Int { weight.shape[0] }
    public var kernel: Int { weight.shape[2] }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, activation: activation)
    }

    /// The output side for an input side.
    public func outputSide(_ side: Int) -> Int { (side + 2 * padding - kernel) / stride + 1 }

    /// Multiply-adds ×2 for one `inChannels x side x side` input.
    public func flops(side: Int) -> Int {
        let out = outputSide(side)
        return 2 * out * out * weight.count
    }
}
