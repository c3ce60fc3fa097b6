#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma and Ba, 2015) as PyTorch's `torch.optim.Adam`, with L2 weight decay added to
/// the gradient.
public final class Adam {
    public let parameters: [Variable]
    public var learningRate: Float
    public let beta1, beta2, epsilon, weightDecay: Float
    /// First and second moment estimates and the step count; saved in checkpoints.
    public var firstMoments: [Tensor?]
    public var secondMoments: [Tensor?]
    public var stepCount = 0

    public init(parameters: [Variable], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        stepCount += 1
        let correction1 = 1 - pow(beta1, Float(stepCount))
        let correction2 = 1 - pow(beta2, Float(stepCount))
        for (i, p) in parameters.enumerated() {
            guard var g = p.grad else { continue }
            if weightDecay != 0 { g.add(p.value, scale: weightDecay) }
            var m = firstMoments[i] ?? Tensor(zeros: g.shape)
            var v = secondMoments[i] ?? Tensor(zeros: g.shape)
            // Restored moments are checked by whoever restores them (a checkpoint loader).
            precondition(m.shape == p.value.shape && v.shape == p.value.shape,
                         "Adam: moments \(m.shape), \(v.shape) for parameter \(i) of shape \(p.value.shape)")
            firstMoments[i] = nil
            secondMoments[i] = nil
            let (b1, b2, lr, eps) = (beta1, beta2, learningRate, epsilon)
            g.withUnsafeBufferPointer { grad in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        p.value.withUnsafeMutableBufferPointer { w in
                            for k in 0..<w.count {
                                m[k] = b1 * m[k] + (1 - b1) * grad[k]
                                v[k] = b2 * v[k] + (1 - b2) * grad[k] * grad[k]
                                let mHat = m[k] / correction1
                                let vHat = v[k] / correction2
                                w[k] -= lr * mHat / (vHat.squareRoot() + eps)
                            }
                        }
                    }
                }
            }
            firstMoments[i] = m
            secondMoments[i] = v
        }
    }

    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }
}

