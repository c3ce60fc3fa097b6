/// A fully connected layer, `y = x Wᵀ + b`, initialised as PyTorch does.
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?
    public var isTraining = true

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using generator: inout some RandomNumberGenerator) {
        let bound = 1 / Float(max(inFeatures, 1)).squareRoot()
        weight = Variable(uniform([outFeatures, inFeatures], bound, &generator), requiresGrad: true)
        self.bias = bias ? Variable(uniform([outFeatures], bound, &generator), requiresGrad: true) : nil
    }

    public func forward(_ x: Variable) throws -> Variable { try linear(x, weight: weight, bias: bias) }

    public func namedParameters() -> [(String, Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
