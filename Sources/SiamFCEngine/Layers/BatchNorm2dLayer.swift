/// Batch normalisation over channels, with learnable scale and shift and running statistics.
public final class BatchNorm2d: Module {
    public let gamma: Variable
    public let beta: Variable
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let epsilon: Float
    public let momentum: Float
    public var isTraining = true

    public init(_ channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        gamma = Variable(Tensor(repeating: 1, shape: [channels]), requiresGrad: true)
        beta = Variable(Tensor(zeros: [channels]), requiresGrad: true)
        runningMean = Buffer(Tensor(zeros: [channels]))
        runningVar = Buffer(Tensor(repeating: 1, shape: [channels]))
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public func forward(_ x: Variable) throws -> Variable {
        try batchNorm2d(x, gamma: gamma, beta: beta, runningMean: &runningMean.value, runningVar: &runningVar.value,
                        training: isTraining, momentum: momentum, epsilon: epsilon)
    }

    public func namedParameters() -> [(String, Variable)] { [("weight", gamma), ("bias", beta)] }
    public func namedBuffers() -> [(String, Buffer)] { [("running_mean", runningMean), ("running_var", runningVar)] }

    /// The weight and bias of `conv` followed by this layer in evaluation mode, as one
    /// convolution: `w' = w·γ/√(σ²+ε)`, `b' = (b − μ)·γ/√(σ²+ε) + β`.
    public func folded(into conv: Conv2d) throws -> (weight: Tensor, bias: Tensor) {
        let out = conv.weight.shape.first ?? 0
        guard gamma.shape == [out] else {
            throw EngineError("batch norm with \(gamma.shape.first ?? 0) channels cannot fold into a convolution with \(out) outputs")
        }
        // Parameters can be assigned freely, so every shape is checked, not only gamma's.
        let tensors = [("beta", beta.value), ("running mean", runningMean.value), ("running var", runningVar.value),
                       ("convolution bias", conv.bias?.value ?? Tensor(zeros: [out]))]
        for (name, tensor) in tensors where tensor.shape != [out] {
            throw EngineError("batch norm: \(name) shape \(tensor.shape) does not match \(out) channels")
        }
        let perChannel = conv.weight.value.count / max(out, 1)
        var weight = conv.weight.value
        var bias = Tensor(zeros: [out])
        let mean = runningMean.value, variance = runningVar.value
        weight.withUnsafeMutableBufferPointer { w in
            bias.withUnsafeMutableBufferPointer { b in
                for o in 0..<out {
                    let factor = gamma.value[o] / (variance[o] + epsilon).squareRoot()
                    for i in 0..<perChannel { w[o * perChannel + i] *= factor }
                    let original = conv.bias?.value[o] ?? 0
                    b[o] = (original - mean[o]) * factor + beta.value[o]
                }
            }
        }
        return (weight, bias)
    }
}
