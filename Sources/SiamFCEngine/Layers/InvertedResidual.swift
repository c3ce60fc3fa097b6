/// MobileNetV2/V3's inverted residual block: a pointwise expansion (left out when the expanded
/// width equals the input's), a depthwise convolution (stride 1 or 2), optional
/// squeeze-and-excitation, a linear pointwise projection, and the input added back when the
/// shapes allow (stride 1, same width). Children `expand`, `depthwise`, `se`, `project`.
public final class InvertedResidual: Module {
    public let expand: ConvBNActivation?
    public let depthwise: ConvBNActivation
    public let se: SqueezeExcitation?
    public let project: ConvBNActivation
    public let residual: Bool
    public var isTraining = true

    /// `squeezed` channels in the SE bottleneck, none without SE.
    public init(_ inChannels: Int, expanded: Int, _ outChannels: Int, kernel: Int, stride: Int,
                activation: FusedActivation, squeezed: Int?, using generator: inout some RandomNumberGenerator) {
        expand = expanded == inChannels ? nil
            : ConvBNActivation(inChannels, expanded, activation: activation, using: &generator)
        depthwise = ConvBNActivation(expanded, expanded, kernel: kernel, stride: stride, groups: expanded,
                                     activation: activation, using: &generator)
        se = squeezed.map { SqueezeExcitation(channels: expanded, squeezed: $0, using: &generator) }
        project = ConvBNActivation(expanded, outChannels, activation: .none, using: &generator)
        residual = stride == 1 && inChannels == outChannels
    }

    public func forward(_ x: Variable) throws -> Variable {
        var y = try expand.map { try $0(x) } ?? x
        y = try depthwise(y)
        if let se { y = try se(y) }
        y = try project(y)
        return residual ? try y + x : y
    }

    public func namedChildren() -> [(String, Module)] {
        var children: [(String, Module)] = []
        if let expand { children.append(("expand", expand)) }
        children.append(("depthwise", depthwise))
        if let se { children.append(("se", se)) }
        children.append(("project", project))
        return children
    }

    public func folded() throws -> Folded {
        Folded(expand: try expand?.folded(), depthwise: try depthwise.folded(), se: se?.folded(),
               project: try project.folded(), residual: residual)
    }

    /// The block for inference on tensors: batch norm folded, activations fused.
    public struct Folded: Sendable {
        public let expand: FoldedConvolution?
        public let depthwise: FoldedConvolution
        public let se: SqueezeExcitation.Folded?
        public let project: FoldedConvolution
        public let residual: Bool

        public func callAsFunction(_ x: Tensor) throws -> Tensor {
            var y = try expand.map { try $0(x) } ?? x
            y = try depthwise(y)
            if let se { y = try se(y) }
            y = try project(y)
            return residual ? try y.adding(x) : y
        }

        public func outputSide(_ side: Int) -> Int { depthwise.outputSide(side) }

        /// Multiply-adds ×2 for one input of `side x side`.
        public func flops(side: Int) -> Int {
            let out = depthwise.outputSide(side)
            return (expand?.flops(side: side) ?? 0) + depthwise.flops(side: side) + (se?.flops ?? 0) + project.flops(side: out)
        }
    }
}
