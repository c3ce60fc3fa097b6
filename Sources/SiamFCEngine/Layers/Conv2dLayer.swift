/// A 2-D convolution layer, initialised as PyTorch does (uniform in ±1/√fan_in, which is
/// Kaiming-uniform with a = √5).
public final class Conv2d: Module {
    public let weight: Variable
    public let bias: Variable?
    public let stride, padding, groups: Int
    public var isTraining = true

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                groups: Int = 1, bias: Bool = true, using generator: inout some RandomNumberGenerator) {
        let fanIn = max(1, inChannels / max(groups, 1) * kernel * kernel)
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Variable(uniform([outChannels, inChannels / max(groups, 1), kernel, kernel], bound, &generator), requiresGrad: true)
        self.bias = bias ? Variable(uniform([outChannels], bound, &generator), requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.groups = groups
    }

    public func forward(_ x: Variable) throws -> Variable {
        try conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    }

    public func namedParameters() -> [(String, Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
