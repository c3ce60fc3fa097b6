/// Modules applied in order; children are named `0`, `1`, … as in PyTorch's `nn.Sequential`,
/// or by the names given.
public final class Sequential: Module {
    public let children: [(String, Module)]
    public var isTraining = true

    public init(_ layers: [Module]) {
        children = layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public init(named layers: [(String, Module)]) {
        children = layers
    }

    public func forward(_ x: Variable) throws -> Variable {
        try children.reduce(x) { try $1.1.forward($0) }
    }

    public func namedChildren() -> [(String, Module)] { children }
}
