/// A node of the computation graph: a tensor value, the gradient of the final loss with respect
/// to it, and the rule that passes an incoming gradient on to the node's inputs.
///
/// Operations on variables record the graph as they run (define by run, as micrograd does);
/// ``backward()`` sorts it topologically and applies each rule once, in reverse. A variable used
/// twice (the two branches of a Siamese network share weights) accumulates both gradients.
/// When no input requires a gradient, operations record nothing, so inference builds no graph.
public final class Variable: @unchecked Sendable {
    public var value: Tensor
    /// The accumulated gradient, same shape as `value`; nil until a backward pass reaches it.
    public var grad: Tensor?
    public let requiresGrad: Bool

    let inputs: [Variable]
    /// Given the gradient of this node, adds the gradients of `inputs` (in order) to them.
    let backwardRule: ((Tensor, [Variable]) -> Void)?

    /// A leaf: a parameter (`requiresGrad: true`) or data.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.inputs = []
        self.backwardRule = nil
    }

    init(_ value: Tensor, inputs: [Variable], backward: @escaping (Tensor, [Variable]) -> Void) {
        self.value = value
        let needs = !Variable.gradientsDisabled && inputs.contains { $0.requiresGrad }
        self.requiresGrad = needs
        self.inputs = needs ? inputs : []
        self.backwardRule = needs ? backward : nil
    }

    public var shape: [Int] { value.shape }

    /// Adds `gradient` into ``grad``.
    func accumulate(_ gradient: Tensor) {
        guard requiresGrad else { return }
        precondition(gradient.shape == value.shape,
                     "Variable: gradient of shape \(gradient.shape) for a value of shape \(value.shape)")
        if var existing = grad {
            grad = nil  // keep the storage uniquely referenced so that add() does not copy
            existing.add(gradient)
            grad = existing
        } else {
            grad = gradient
        }
    }

    /// Back-propagates from this node, which is usually a scalar loss (seeded with 1); for a
    /// non-scalar node the seed is a tensor of ones.
    public func backward(seed: Tensor? = nil) {
        guard requiresGrad else { return }
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs must not overflow the stack.
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            if !visited.insert(ObjectIdentifier(node)).inserted { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        accumulate(seed ?? Tensor(repeating: 1, shape: value.shape))
        for node in order.reversed() {
            guard let rule = node.backwardRule, let gradient = node.grad else { continue }
            rule(gradient, node.inputs)
            // Intermediate gradients are not needed once passed on; leaves keep theirs.
            if !node.inputs.isEmpty { node.grad = nil }
        }
    }

    /// True inside ``withoutGradients(_:)``. Task-local rather than global, so that one model
    /// evaluating does not switch off recording for another that trains.
    @TaskLocal static var gradientsDisabled = false

    /// Runs `body` without recording a graph, as for inference: operations keep no inputs alive
    /// and allocate nothing for a backward pass.
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        try $gradientsDisabled.withValue(true) { try body() }
    }

    /// Clears the gradient (optimizers call this between steps).
    public func zeroGrad() {
        grad = nil
    }
}
