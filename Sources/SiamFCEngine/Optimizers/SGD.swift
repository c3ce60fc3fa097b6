/// Stochastic gradient descent with momentum and weight decay, as PyTorch's `torch.optim.SGD`
/// (no dampening): `g = ∇ + λ·p`, `v = μ·v + g`, `p −= lr·v` (or `lr·(g + μ·v)` with Nesterov).
public final class SGD {
    public let parameters: [Variable]
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    public let nesterov: Bool
    /// Momentum buffers, one per parameter (nil before its first step); saved in checkpoints.
    public var velocities: [Tensor?]

    public init(parameters: [Variable], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        velocities = Array(repeating: nil, count: parameters.count)
    }

    /// Updates every parameter that has a gradient.
    public func step() {
        for (i, p) in parameters.enumerated() {
            guard var g = p.grad else { continue }
            if weightDecay != 0 { g.add(p.value, scale: weightDecay) }
            if momentum != 0 {
                var v = velocities[i] ?? Tensor(zeros: g.shape)
                velocities[i] = nil
                v.scale(by: momentum)
                v.add(g)
                if nesterov { g.add(v, scale: momentum) } else { g = v }
                velocities[i] = v
            }
            p.value.add(g, scale: -learningRate)
        }
    }

    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }
}
