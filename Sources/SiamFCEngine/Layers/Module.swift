/// A tensor a module keeps but does not train, such as batch norm's running statistics.
public final class Buffer: @unchecked Sendable {
    public var value: Tensor
    public init(_ value: Tensor) { self.value = value }
}

/// A layer or a network: a forward function plus named parameters and buffers.
///
/// Names follow PyTorch's `state_dict` (`conv1.0.weight`, `conv1.1.running_mean`), so weights
/// saved by PyTorch code load by name.
public protocol Module: AnyObject {
    func forward(_ x: Variable) throws -> Variable
    /// Trainable tensors, by name.
    func namedParameters() -> [(String, Variable)]
    /// Non-trainable state, by name.
    func namedBuffers() -> [(String, Buffer)]
    /// Submodules, by name; the default has none.
    func namedChildren() -> [(String, Module)]
    /// Training mode: batch norm uses batch statistics and updates its running averages.
    var isTraining: Bool { get set }
}

extension Module {
    public func namedParameters() -> [(String, Variable)] {
        namedChildren().flatMap { name, child in child.namedParameters().map { ("\(name).\($0.0)", $0.1) } }
    }

    public func namedBuffers() -> [(String, Buffer)] {
        namedChildren().flatMap { name, child in child.namedBuffers().map { ("\(name).\($0.0)", $0.1) } }
    }

    public func namedChildren() -> [(String, Module)] { [] }

    public var parameters: [Variable] { namedParameters().map(\.1) }

    /// This module (named `""`) and every module under it, parents before their children, in
    /// the order of ``namedParameters()``; names as in the state dict (`conv1.0`).
    public func namedModules() -> [(String, Module)] {
        [("", self)] + namedChildren().flatMap { name, child in
            child.namedModules().map { ($0.0.isEmpty ? name : "\(name).\($0.0)", $0.1) }
        }
    }

    /// The modules of one type among ``namedModules()``, in the same order: `modules(of: Conv2d.self)`.
    public func modules<Layer: Module>(of type: Layer.Type) -> [Layer] {
        namedModules().compactMap { $0.1 as? Layer }
    }

    public func callAsFunction(_ x: Variable) throws -> Variable { try forward(x) }

    /// Switches this module and all its children between training and evaluation.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in namedChildren() { child.setTraining(training) }
    }

    /// Every parameter and buffer, by name.
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, p) in namedParameters() { state[name] = p.value }
        for (name, b) in namedBuffers() { state[name] = b.value }
        return state
    }

    /// Loads tensors named `prefix + name` into the parameters and buffers of the same name.
    /// Every parameter and buffer must be present with the same shape; extra entries outside
    /// the prefix are ignored, and so are PyTorch's `num_batches_tracked` counters.
    public func load(stateDict: [String: Tensor], prefix: String = "", source: String? = nil) throws {
        var targets: [(String, [Int], (Tensor) -> Void)] = []
        for (name, p) in namedParameters() { targets.append((name, p.value.shape, { p.value = $0 })) }
        for (name, b) in namedBuffers() { targets.append((name, b.value.shape, { b.value = $0 })) }
        for (name, shape, _) in targets {
            guard let tensor = stateDict[prefix + name] else {
                throw EngineError("missing tensor \(prefix + name)", path: source)
            }
            guard tensor.shape == shape else {
                throw EngineError("tensor \(prefix + name) has shape \(tensor.shape), the model expects \(shape)", path: source)
            }
        }
        let known = Set(targets.map { prefix + $0.0 })
        let unexpected = stateDict.keys.filter {
            $0.hasPrefix(prefix) && !known.contains($0) && !$0.hasSuffix("num_batches_tracked")
        }.sorted()
        if let first = unexpected.first {
            throw EngineError("unexpected tensor \(first) (\(unexpected.count) not used by the model)", path: source)
        }
        for (name, _, assign) in targets {
            if let tensor = stateDict[prefix + name] { assign(tensor) }
        }
    }
}
