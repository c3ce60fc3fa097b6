#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        let out = conv.weight.shape[0]
        guard gamma.shape == [out] else {
            throw EngineError("batch norm with \(gamma.shape[0]) channels cannot fold into a convolution with \(out) outputs")
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

public final class ReLU: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ x: Variable) throws -> Variable { relu(x) }
}

public final class MaxPool2d: Module {
    public let kernel, stride: Int
    public var isTraining = true
    public init(kernel: Int, stride: Int? = nil) {
        self.kernel = kernel
        self.stride = stride ?? kernel
    }
    public func forward(_ x: Variable) throws -> Variable { try maxPool2d(x, kernel: kernel, stride: stride) }
}

public final class AvgPool2d: Module {
    public let kernel, stride: Int
    public var isTraining = true
    public init(kernel: Int, stride: Int? = nil) {
        self.kernel = kernel
        self.stride = stride ?? kernel
    }
    public func forward(_ x: Variable) throws -> Variable { try avgPool2d(x, kernel: kernel, stride: stride) }
}

public final class Flatten: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ x: Variable) throws -> Variable { try flatten(x) }
}

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

func uniform(_ shape: [Int], _ bound: Float, _ generator: inout some RandomNumberGenerator) -> Tensor {
    let count = shape.map { max($0, 0) }.reduce(1, *)
    var values = [Float](repeating: 0, count: count)
    for i in 0..<count { values[i] = Float.random(in: -bound...bound, using: &generator) }
    return Tensor(uninitializedShape: shape.map { max($0, 0) }) { dst in
        for i in 0..<count { dst[i] = values[i] }
    }
}
