/// Convolution without bias → batch norm → activation: the unit MobileNet-style networks are
/// built of. Children are named `conv` and `bn` (`conv.weight`, `bn.running_mean`, …).
public final class ConvBNActivation: Module {
    public let conv: Conv2d
    public let bn: BatchNorm2d
    public let activation: FusedActivation
    public var isTraining = true

    /// Padding defaults to `kernel / 2` (the output keeps the input's side at stride 1).
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int = 1, stride: Int = 1, padding: Int? = nil,
                groups: Int = 1, activation: FusedActivation, using generator: inout some RandomNumberGenerator) {
        conv = Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: padding ?? kernel / 2,
                      groups: groups, bias: false, using: &generator)
        bn = BatchNorm2d(outChannels)
        self.activation = activation
    }

    public func forward(_ x: Variable) throws -> Variable {
        activate(try bn(try conv(x)), activation)
    }

    public func namedChildren() -> [(String, Module)] { [("conv", conv), ("bn", bn)] }

    /// Batch norm (running statistics) folded into the convolution, the activation fused.
    public func folded() throws -> FoldedConvolution {
        let (weight, bias) = try bn.folded(into: conv)
        return FoldedConvolution(weight: weight, bias: bias, stride: conv.stride, padding: conv.padding,
                                 groups: conv.groups, activation: activation)
    }
}
